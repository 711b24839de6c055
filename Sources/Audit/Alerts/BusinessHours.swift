import Foundation

/// The working week a "changes outside business hours" rule compares against: days of the week,
/// a start and end time of day, and a fixed offset from UTC (not a time-zone name, so no tz
/// database is needed and daylight-saving changes are the operator's explicit choice).
public struct BusinessHours: Sendable, Equatable {
  /// ISO weekdays: 1 = Monday … 7 = Sunday.
  public var days: Set<Int>
  /// Minutes after local midnight; the interval is `[start, end)`.
  public var startMinute: Int
  public var endMinute: Int
  public var utcOffsetMinutes: Int

  /// Monday to Friday, 09:00 to 18:00 UTC.
  public static let standard = BusinessHours(days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 18 * 60, utcOffsetMinutes: 0)

  public init(days: Set<Int>, startMinute: Int, endMinute: Int, utcOffsetMinutes: Int) {
    self.days = days
    self.startMinute = startMinute
    self.endMinute = endMinute
    self.utcOffsetMinutes = utcOffsetMinutes
  }

  /// Whether `date` falls inside business hours. An end before the start spans midnight
  /// (a night shift): the day that counts is the one the shift started on.
  public func contains(_ date: Date) -> Bool {
    let local = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(utcOffsetMinutes) * 60
    var days = local / 86_400
    if local < 0 && local % 86_400 != 0 { days -= 1 }
    let minute = Int((local - days * 86_400) / 60)
    // 1970-01-01 was a Thursday (ISO 4).
    func weekday(_ d: Int64) -> Int { Int(((d + 3) % 7 + 7) % 7) + 1 }
    if startMinute <= endMinute {
      return self.days.contains(weekday(days)) && minute >= startMinute && minute < endMinute
    }
    if minute >= startMinute { return self.days.contains(weekday(days)) }
    if minute < endMinute { return self.days.contains(weekday(days - 1)) }
    return false
  }
}
