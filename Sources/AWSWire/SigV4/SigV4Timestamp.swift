import Foundation

/// The two ways a SigV4 request states its time: ISO 8601 basic format (`20241103T120000Z`, in
/// `X-Amz-Date` and the string to sign) and an HTTP `Date` header (`Sun, 03 Nov 2024 12:00:00
/// GMT`).
///
/// Parsed by hand rather than with `DateFormatter`: the formats are fixed, a formatter is locale-
/// and thread-sensitive, and a lenient parse (`20241332T…` rolling over into the next month) would
/// let the string to sign disagree with the time that was checked.
enum SigV4Timestamp {
  /// Parses `yyyyMMdd'T'HHmmss'Z'`, strictly: 16 characters, every field in range.
  static func parseBasic(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
      let year = number(bytes[0..<4]), let month = number(bytes[4..<6]),
      let day = number(bytes[6..<8]),
      let hour = number(bytes[9..<11]), let minute = number(bytes[11..<13]),
      let second = number(bytes[13..<15])
    else { return nil }
    return date(
      year: year, month: month, day: day, hour: hour, minute: minute, second: second, offset: 0)
  }

  /// Formats `date` (UTC, whole seconds) as `yyyyMMdd'T'HHmmss'Z'`.
  static func formatBasic(_ date: Date) -> String {
    let seconds = Int(date.timeIntervalSince1970.rounded(.down))
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = seconds - days * 86_400
    let (year, month, day) = civil(fromDays: days)
    if (0...9999).contains(year) {
      // The common case, written straight into the string's storage.
      return String(unsafeUninitializedCapacity: 16) { out in
        func put(_ value: Int, _ width: Int, at offset: Int) {
          var value = value
          for i in stride(from: offset + width - 1, through: offset, by: -1) {
            out[i] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
          }
        }
        put(year, 4, at: 0)
        put(month, 2, at: 4)
        put(day, 2, at: 6)
        out[8] = UInt8(ascii: "T")
        put(secondOfDay / 3600, 2, at: 9)
        put(secondOfDay % 3600 / 60, 2, at: 11)
        put(secondOfDay % 60, 2, at: 13)
        out[15] = UInt8(ascii: "Z")
        return 16
      }
    }
    return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2)
      + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2) + "Z"
  }

  /// Parses an RFC 1123 / RFC 822 date as HTTP clients send it: `[Day,] DD Mon YYYY HH:MM:SS
  /// zone`, where the zone is `GMT`, `UT`, `UTC`, `Z` or a numeric offset (botocore sends
  /// `-0000`).
  static func parseHTTPDate(_ text: String) -> Date? {
    var fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    if let first = fields.first, first.hasSuffix(",") { fields.removeFirst() }
    guard fields.count == 5, let day = number(Array(fields[0].utf8)), fields[0].utf8.count <= 2,
      let month = months.firstIndex(of: fields[1].lowercased()),
      let year = number(Array(fields[2].utf8)),
      fields[2].utf8.count == 4
    else { return nil }
    let clock = fields[3].split(separator: ":", omittingEmptySubsequences: false)
    guard clock.count == 3, clock.allSatisfy({ $0.utf8.count == 2 }),
      let hour = number(Array(clock[0].utf8)),
      let minute = number(Array(clock[1].utf8)), let second = number(Array(clock[2].utf8)),
      let offset = zoneOffset(fields[4])
    else { return nil }
    return date(
      year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second,
      offset: offset)
  }

  private static let months = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]

  /// The zone's offset from UTC in seconds.
  private static func zoneOffset(_ zone: String) -> Int? {
    if ["GMT", "UT", "UTC", "Z"].contains(zone.uppercased()) { return 0 }
    let bytes = Array(zone.utf8)
    guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
      let hours = number(bytes[1..<3]), let minutes = number(bytes[3..<5]), minutes < 60
    else { return nil }
    let offset = hours * 3600 + minutes * 60
    return bytes[0] == UInt8(ascii: "-") ? -offset : offset
  }

  /// The instant of a civil date and time at `offset` seconds east of UTC; nil when a field is
  /// out of range.
  private static func date(
    year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int
  ) -> Date? {
    guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24,
      minute < 60, second < 60
    else { return nil }
    let days = self.days(fromCivil: year, month, day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    return Date(timeIntervalSince1970: TimeInterval(seconds))
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
  private static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The inverse of `days(fromCivil:)` (Hinnant's `civil_from_days`).
  private static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// A run of ASCII digits as a number; nil if empty or anything else is in it.
  private static func number(_ digits: some Collection<UInt8>) -> Int? {
    guard !digits.isEmpty else { return nil }
    var value = 0
    for digit in digits {
      guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(digit - UInt8(ascii: "0"))
    }
    return value
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
