import Foundation

/// How a timestamp is written on the wire. The Query protocol uses ISO 8601 unless a shape says
/// otherwise; JSON protocols default to epoch seconds.
///
/// Parsing and formatting are done by hand over the proleptic Gregorian calendar in UTC: no
/// formatter objects (not `Sendable`, locale-sensitive), and the exact text IAM sends.
public enum TimestampFormat: String, Sendable, Equatable {
  /// `2024-01-02T03:04:05Z`.
  case iso8601
  /// Seconds since 1970, possibly fractional (`1704164645` or `1704164645.5`).
  case epochSeconds = "unixTimestamp"
  /// `Tue, 02 Jan 2024 03:04:05 GMT`.
  case rfc822

  /// The timestamp as this format writes it. ISO 8601 is to the second, with `Z`, as IAM and
  /// STS write `CreateDate` and `Expiration`: sub-second precision is dropped, not rounded.
  public func format(_ date: Date) -> String {
    switch self {
    case .iso8601:
      let c = CivilTime(date)
      let day = "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))"
      return "\(day)T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))Z"
    case .epochSeconds:
      let seconds = date.timeIntervalSince1970
      return seconds == seconds.rounded(.down) ? String(Int64(seconds)) : String(seconds)
    case .rfc822:
      let c = CivilTime(date)
      return "\(Self.weekdays[c.weekday]), \(pad(c.day)) \(Self.months[c.month - 1]) "
        + "\(pad(c.year, 4)) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second)) GMT"
    }
  }

  /// The instant `text` denotes, or `nil` when it is not in this format.
  public func parse(_ text: String) -> Date? {
    switch self {
    case .iso8601: Self.parseISO8601(Array(text.utf8))
    case .epochSeconds: Double(text).flatMap { $0.isFinite ? Date(timeIntervalSince1970: $0) : nil }
    case .rfc822: Self.parseRFC822(text)
    }
  }

  private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
  private static let months = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// `YYYY-MM-DD[Thh:mm[:ss[.fff]]][Z|±hh:mm|±hhmm]`; a missing zone means UTC, as botocore and
  /// the AWS CLI only ever send UTC.
  private static func parseISO8601(_ s: [UInt8]) -> Date? {
    var i = 0
    func number(_ digits: Int) -> Int? {
      guard i + digits <= s.count else { return nil }
      var value = 0
      for byte in s[i..<(i + digits)] {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      i += digits
      return value
    }
    func take(_ ascii: Character) -> Bool {
      guard i < s.count, s[i] == ascii.asciiValue! else { return false }
      i += 1
      return true
    }
    guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2)
    else { return nil }
    var hour = 0
    var minute = 0
    var second = 0
    var fraction = 0.0
    var offsetSeconds = 0
    if i < s.count,
      s[i] == UInt8(ascii: "T") || s[i] == UInt8(ascii: "t") || s[i] == UInt8(ascii: " ")
    {
      i += 1
      guard let h = number(2), take(":"), let m = number(2) else { return nil }
      (hour, minute) = (h, m)
      if take(":") {
        guard let sec = number(2) else { return nil }
        second = sec
        if take(".") || take(",") {
          let start = i
          while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") { i += 1 }
          guard i > start, let f = Double("0." + String(decoding: s[start..<i], as: UTF8.self))
          else { return nil }
          fraction = f
        }
      }
      if take("Z") || take("z") {
      } else if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
        let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let oh = number(2) else { return nil }
        _ = take(":")
        guard let om = number(2), oh < 24, om < 60 else { return nil }
        offsetSeconds = sign * (oh * 3600 + om * 60)
      }
    }
    guard i == s.count, (1...12).contains(month), day >= 1, day <= daysIn(month, year),
      hour < 24, minute < 60, second < 61
    else { return nil }
    let days = daysFromCivil(year, month, day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    return Date(timeIntervalSince1970: Double(seconds) + fraction)
  }

  /// `Tue, 02 Jan 2024 03:04:05 GMT` (the weekday is optional and not checked).
  private static func parseRFC822(_ text: String) -> Date? {
    var parts = text.split(separator: " ")
    if parts.first?.hasSuffix(",") == true { parts.removeFirst() }
    guard parts.count == 5, parts[4] == "GMT" || parts[4] == "UTC",
      let day = Int(parts[0]), let monthIndex = months.firstIndex(of: String(parts[1])),
      let year = Int(parts[2]), parts[2].count == 4
    else { return nil }
    let time = parts[3].split(separator: ":").compactMap { Int($0) }
    guard time.count == 3, time[0] < 24, time[1] < 60, time[2] < 61,
      day >= 1, day <= daysIn(monthIndex + 1, year)
    else { return nil }
    let days = daysFromCivil(year, monthIndex + 1, day)
    return Date(
      timeIntervalSince1970: Double(days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]))
  }

  private static func daysIn(_ month: Int, _ year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}

/// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's `days_from_civil`).
func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
  let y = month <= 2 ? year - 1 : year
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146_097 + doe - 719_468
}

/// A UTC date and time of day, truncated to the second.
private struct CivilTime {
  var year, month, day, hour, minute, second: Int
  /// 0 = Thursday, the weekday of 1970-01-01.
  var weekday: Int

  init(_ date: Date) {
    let total = Int(date.timeIntervalSince1970.rounded(.down))
    var days = total / 86_400
    var secondOfDay = total % 86_400
    if secondOfDay < 0 {
      secondOfDay += 86_400
      days -= 1
    }
    (hour, minute, second) = (secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    weekday = ((days % 7) + 7) % 7
    // Inverse of daysFromCivil (Hinnant's `civil_from_days`).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    day = doy - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  }
}

private func pad(_ value: Int, _ width: Int = 2) -> String {
  let digits = String(value)
  return digits.count >= width
    ? digits : String(repeating: "0", count: width - digits.count) + digits
}
