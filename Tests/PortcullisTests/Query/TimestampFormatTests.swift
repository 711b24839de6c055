import AWSWire
import Foundation
import Testing

/// `TimestampFormat`: timestamps as the Query protocol reads and writes them.
@Suite("Timestamp formats")
struct TimestampFormatTests {
  static let instant = Date(timeIntervalSince1970: 1_704_164_645)

  @Test(
    "ISO 8601 input: fractions, offsets and a missing zone (UTC) are accepted",
    arguments: [
      "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05",
      "2024-01-02T04:04:05+01:00", "2024-01-01T22:04:05-0500", "2024-01-02t03:04:05z",
    ])
  func iso8601Input(text: String) {
    #expect(TimestampFormat.iso8601.parse(text) == Self.instant)
  }

  @Test(
    "ISO 8601 input that is not a real instant is rejected",
    arguments: [
      "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-02T24:00:00Z", "yesterday",
      "2024-01-02T03:04:05Zjunk", "1704164645",
    ])
  func iso8601Rejects(text: String) {
    #expect(TimestampFormat.iso8601.parse(text) == nil)
  }

  @Test("ISO 8601 output is to the second with Z, as IAM writes CreateDate")
  func iso8601Output() {
    #expect(
      TimestampFormat.iso8601.format(Self.instant.addingTimeInterval(0.999))
        == "2024-01-02T03:04:05Z")
    #expect(
      TimestampFormat.iso8601.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    #expect(
      TimestampFormat.iso8601.format(Date(timeIntervalSince1970: 951_782_400))
        == "2000-02-29T00:00:00Z")
    #expect(
      TimestampFormat.iso8601.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
  }

  @Test("epoch seconds and RFC 822 round-trip")
  func otherFormats() {
    #expect(TimestampFormat.epochSeconds.format(Self.instant) == "1704164645")
    #expect(TimestampFormat.epochSeconds.parse("1704164645") == Self.instant)
    #expect(TimestampFormat.rfc822.format(Self.instant) == "Tue, 02 Jan 2024 03:04:05 GMT")
    #expect(TimestampFormat.rfc822.parse("Tue, 02 Jan 2024 03:04:05 GMT") == Self.instant)
  }
}
