import AWSWire
import Foundation
import Testing

/// A reading of the clock and what verification must then say.
struct ClockCase: Sendable, CustomTestStringConvertible {
  let vector: String
  /// Seconds from the signing time to the clock's reading.
  let offset: TimeInterval
  var maximumSkew: TimeInterval = 15 * 60
  /// The expected error's code and message; nil when the request verifies.
  let expected: (code: String, message: String)?

  var testDescription: String { "\(vector) at \(offset >= 0 ? "+" : "")\(Int(offset))s" }
}

@Suite("SigV4 time checks against an injected clock")
struct SigV4ClockTests {
  // The vectors the table reads, with the time botocore signed them at (and their lifetime).
  /// 20241103T120000Z.
  static let listUsers = "iam ListUsers, form body"
  /// 20241103T120014Z, in a `Date` header.
  static let dateHeader = "Date header instead of X-Amz-Date"
  /// 20241103T120000Z, presigned for 60 seconds.
  static let presignedIAM = "presigned iam ListUsers with a session token"
  /// 20241103T120000Z, presigned for an hour.
  static let presignedS3 = "presigned s3 GetObject, one hour"

  static let cases: [ClockCase] = [
    ClockCase(vector: listUsers, offset: 0, expected: nil),
    ClockCase(vector: listUsers, offset: 900, expected: nil),
    ClockCase(vector: listUsers, offset: -900, expected: nil),
    ClockCase(
      vector: listUsers, offset: 1800,
      expected: (
        "SignatureDoesNotMatch",
        "Signature expired: 20241103T120000Z is now earlier than 20241103T121500Z (20241103T123000Z - 15 min.)"
      )),
    ClockCase(
      vector: listUsers, offset: 901,
      expected: (
        "SignatureDoesNotMatch",
        "Signature expired: 20241103T120000Z is now earlier than 20241103T120001Z (20241103T121501Z - 15 min.)"
      )),
    ClockCase(
      vector: listUsers, offset: -1800,
      expected: (
        "SignatureDoesNotMatch",
        "Signature not yet current: 20241103T120000Z is still later than 20241103T114500Z (20241103T113000Z + 15 min.)"
      )),
    ClockCase(
      vector: listUsers, offset: 600, maximumSkew: 5 * 60,
      expected: (
        "SignatureDoesNotMatch",
        "Signature expired: 20241103T120000Z is now earlier than 20241103T120500Z (20241103T121000Z - 5 min.)"
      )),
    ClockCase(
      vector: dateHeader, offset: 1800,
      expected: (
        "SignatureDoesNotMatch",
        "Signature expired: 20241103T120014Z is now earlier than 20241103T121514Z (20241103T123014Z - 15 min.)"
      )),
    ClockCase(vector: presignedIAM, offset: 60, expected: nil),
    ClockCase(vector: presignedIAM, offset: 61, expected: ("AccessDenied", "Request has expired")),
    ClockCase(
      vector: presignedIAM, offset: -901,
      expected: (
        "SignatureDoesNotMatch",
        "Signature not yet current: 20241103T120000Z is still later than 20241103T115959Z (20241103T114459Z + 15 min.)"
      )),
    ClockCase(vector: presignedS3, offset: 1800, expected: nil),
    ClockCase(vector: presignedS3, offset: 3600, expected: nil),
    ClockCase(vector: presignedS3, offset: 3601, expected: ("AccessDenied", "Request has expired")),
  ]

  @Test(
    "the request time must be within the skew, or a presigned URL within its lifetime",
    arguments: cases)
  func requestTime(_ c: ClockCase) throws {
    let vector = try #require(SigV4Vector.all.first { $0.name == c.vector })
    let now = vector.signedAt + c.offset
    let verifier = SigV4Verifier(maximumSkew: c.maximumSkew, now: { now })
    let error = captureAWSError { () throws(AWSError) in
      try verifier.check(vector.request, secret: vector.secretAccessKey)
    }
    #expect(error?.code == c.expected?.code)
    #expect(error?.message == c.expected?.message)
    if error != nil { #expect(error?.status == 403) }
  }

  @Test("a stale request is reported as stale before its access key is looked up")
  func staleBeforeLookup() throws {
    let vector = try #require(SigV4Vector.all.first { $0.name == Self.listUsers })
    var asked = false
    let error = captureAWSError { () throws(AWSError) in
      _ = try vector.verifier(at: 3600).authenticate(vector.request) { _ in
        asked = true
        return vector.secretAccessKey
      }
    }
    #expect(error?.message.hasPrefix("Signature expired: ") == true)
    #expect(!asked)
  }
}
