/// Dates as IAM's date operators read them: ISO 8601 (date, date-time, optional fraction and
/// zone) or seconds since the Unix epoch. Values are compared as seconds since the epoch.
public enum PolicyDate {
  /// Seconds since 1970-01-01T00:00:00Z, or `nil` if `text` is neither ISO 8601 nor epoch.
  public static func parse(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { parse(bytes: $0) }
  }

  static func parse(bytes s: UnsafeBufferPointer<UInt8>) -> Double? {
    guard !s.isEmpty else { return nil }
    // Epoch seconds: digits only (a fraction is tolerated).
    if !s.contains(UInt8(ascii: "-")) && !s.contains(UInt8(ascii: "T")) && !s.contains(UInt8(ascii: "t")) {
      return PolicyNumber.parse(String(decoding: s, as: UTF8.self))
    }
    var i = 0
    func digits(_ n: Int) -> Int? {
      guard i + n <= s.count else { return nil }
      var v = 0
      for k in 0..<n {
        let b = s[i + k]
        guard b >= 0x30 && b <= 0x39 else { return nil }
        v = v * 10 + Int(b - 0x30)
      }
      i += n
      return v
    }
    func take(_ c: Character) -> Bool {
      guard i < s.count, s[i] == c.asciiValue! else { return false }
      i += 1
      return true
    }
    guard let year = digits(4) else { return nil }
    var month = 1
    var day = 1
    if take("-") {
      guard let m = digits(2), (1...12).contains(m) else { return nil }
      month = m
      if take("-") {
        guard let d = digits(2), (1...daysIn(month: month, year: year)).contains(d) else { return nil }
        day = d
      }
    }
    var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
    if i == s.count { return seconds }
    guard take("T") || take("t") || take(" ") else { return nil }
    guard let hour = digits(2), hour <= 24 else { return nil }
    var minute = 0
    var second = 0.0
    if take(":") {
      guard let m = digits(2), m <= 59 else { return nil }
      minute = m
      if take(":") {
        guard let sec = digits(2), sec <= 60 else { return nil }
        second = Double(sec)
        if take(".") {
          var scale = 0.1
          var any = false
          while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 {
            second += Double(s[i] - 0x30) * scale
            scale /= 10
            i += 1
            any = true
          }
          guard any else { return nil }
        }
      }
    } else if let m = digits(2) {  // basic format hhmm
      guard m <= 59 else { return nil }
      minute = m
    }
    seconds += Double(hour * 3600 + minute * 60) + second
    if i == s.count { return seconds }
    if take("Z") || take("z") { return i == s.count ? seconds : nil }
    let sign: Double
    if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
    guard let oh = digits(2), oh <= 23 else { return nil }
    var om = 0
    if take(":") {
      guard let m = digits(2), m <= 59 else { return nil }
      om = m
    } else if i < s.count {
      guard let m = digits(2), m <= 59 else { return nil }
      om = m
    }
    guard i == s.count else { return nil }
    return seconds - sign * Double(oh * 3600 + om * 60)
  }

  /// The number of days in a month of the proleptic Gregorian calendar.
  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
