import PolicyEngine
import Testing

/// A date text and the seconds since the epoch it stands for (`nil`: rejected).
struct DateCase: Sendable, CustomTestStringConvertible {
  let text: String
  let seconds: Double?

  init(_ text: String, _ seconds: Double?) {
    self.text = text
    self.seconds = seconds
  }

  var testDescription: String { seconds.map { "`\(text)` is \($0)" } ?? "`\(text)` is rejected" }
}

/// `PolicyDate`, how the `Date*` condition operators read policy and request values: ISO 8601
/// (date, date and time, optional fraction, `Z` or a ±hh:mm offset) or seconds since the epoch,
/// as seconds since 1970-01-01T00:00:00Z.
@Suite("Policy dates")
struct PolicyDateTests {
  /// 2024-01-15T00:00:00Z.
  static let jan15 = 1_705_276_800.0

  @Test(
    "ISO 8601 dates without a time are midnight UTC",
    arguments: [
      DateCase("1970-01-01", 0),
      DateCase("2024-01-15", jan15),
      DateCase("2024-02-29", 1_709_164_800),
      DateCase("2000-03-01", 951_868_800),
      DateCase("1969-12-31", -86_400),
      DateCase("1900-01-01", -2_208_988_800),
      DateCase("2024-01", 1_704_067_200),
    ])
  func dateOnly(_ c: DateCase) {
    #expect(PolicyDate.parse(c.text) == c.seconds)
  }

  @Test(
    "ISO 8601 date-times, with or without seconds, fraction and zone",
    arguments: [
      DateCase("2024-01-15T10:30:00Z", jan15 + 37_800),
      DateCase("2024-01-15T10:30:00", jan15 + 37_800),
      DateCase("2024-01-15T10:30Z", jan15 + 37_800),
      DateCase("2024-01-15T10Z", jan15 + 36_000),
      DateCase("2024-01-15T1030Z", jan15 + 37_800),
      DateCase("2024-01-15t10:30:00z", jan15 + 37_800),
      DateCase("2024-01-15 10:30:00Z", jan15 + 37_800),
      DateCase("2024-01-15T10:30:00.5Z", jan15 + 37_800.5),
      DateCase("2024-01-15T10:30:00.125Z", jan15 + 37_800.125),
      DateCase("2024-01-15T10:30:00.000Z", jan15 + 37_800),
      DateCase("2024-01-15T00:00:00Z", jan15),
      DateCase("2024-01-15T23:59:59Z", jan15 + 86_399),
      DateCase("2024-01-15T24:00:00Z", jan15 + 86_400),
      DateCase("2024-01-15T23:59:60Z", jan15 + 86_400),
      DateCase("2038-01-19T03:14:07Z", 2_147_483_647),
    ])
  func dateTime(_ c: DateCase) {
    #expect(PolicyDate.parse(c.text) == c.seconds)
  }

  @Test(
    "a ±hh:mm (or ±hhmm, ±hh) offset is subtracted to give UTC",
    arguments: [
      DateCase("2024-01-15T10:30:00+00:00", jan15 + 37_800),
      DateCase("2024-01-15T10:30:00-00:00", jan15 + 37_800),
      DateCase("2024-01-15T10:30:00+01:00", jan15 + 37_800 - 3_600),
      DateCase("2024-01-15T10:30:00-05:00", jan15 + 37_800 + 18_000),
      DateCase("2024-01-15T10:30:00+05:30", jan15 + 37_800 - 19_800),
      DateCase("2024-01-15T10:30:00-09:30", jan15 + 37_800 + 34_200),
      DateCase("2024-01-15T10:30:00+0530", jan15 + 37_800 - 19_800),
      DateCase("2024-01-15T10:30:00+05", jan15 + 37_800 - 18_000),
      DateCase("2024-01-15T10:30:00.5+01:00", jan15 + 37_800.5 - 3_600),
      DateCase("2024-01-15T00:00:00+23:59", jan15 - 86_340),
      // An offset can move the instant to another day.
      DateCase("2024-01-15T01:00:00+02:00", jan15 - 3_600),
    ])
  func offsets(_ c: DateCase) {
    #expect(PolicyDate.parse(c.text) == c.seconds)
  }

  @Test("the same instant written in different zones compares equal")
  func sameInstantInDifferentZones() {
    let forms = [
      "2024-01-15T10:00:00Z", "2024-01-15T12:00:00+02:00", "2024-01-15T05:00:00-05:00",
      "2024-01-15T15:30:00+05:30", "2024-01-15T10:00:00.000Z", "1705312800",
    ]
    let values = forms.map(PolicyDate.parse)
    #expect(values.allSatisfy { $0 == 1_705_312_800 }, "\(values)")
  }

  @Test(
    "text without `-` or `T` is seconds since the epoch",
    arguments: [
      DateCase("0", 0),
      DateCase("1705276800", jan15),
      DateCase("1705276800.25", jan15 + 0.25),
      DateCase("2147483647", 2_147_483_647),
      // Four digits alone are epoch seconds, not a year.
      DateCase("2024", 2_024),
    ])
  func epochSeconds(_ c: DateCase) {
    #expect(PolicyDate.parse(c.text) == c.seconds)
  }

  @Test(
    "malformed dates are rejected",
    arguments: [
      "", " ", "tomorrow", "12abc", "1 000", "-1", "-1705276800",
      "24-01-15", "2024-1-15", "2024-01-5", "20240115T103000Z", "2024/01/15",
      "2024-00-15", "2024-13-01", "2024-01-00", "2024-01-32",
      "2024-01-15T", "2024-01-15Z", "2024-01-15T25:00:00Z", "2024-01-15T10:60:00Z",
      "2024-01-15T10:30:61Z", "2024-01-15T10:3", "2024-01-15T10:30:0Z", "2024-01-15T10:30:00.Z",
      "2024-01-15T10:30:00+24:00", "2024-01-15T10:30:00+05:60", "2024-01-15T10:30:00+5",
      "2024-01-15T10:30:00+05:3", "2024-01-15T10:30:00Zjunk", "2024-01-15T10:30:00 UTC",
      "2024-01-15T10:30:00+05:30x", " 2024-01-15", "2024-01-15 ", "2024-01-15x",
      "２０２４-01-15",
    ])
  func rejects(_ text: String) {
    #expect(PolicyDate.parse(text) == nil)
  }

  @Test("later ISO 8601 instants compare greater")
  func ordering() throws {
    let ordered = [
      "1969-12-31T23:59:59Z", "1970-01-01", "2024-01-15T10:30:00+01:00", "2024-01-15T10:30:00Z",
      "2024-01-15T10:30:00.001Z", "2024-01-15T10:30:00-01:00", "2024-01-16", "2024-02-29T12:00:00Z",
    ]
    let values = try ordered.map { try #require(PolicyDate.parse($0), "`\($0)`") }
    #expect(values == values.sorted())
    #expect(Set(values).count == values.count)
  }
}
