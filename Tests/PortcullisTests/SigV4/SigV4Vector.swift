import AWSWire
import Foundation
import Testing

/// One request signed by botocore, from `Fixtures/sigv4-vectors.json`
/// (written by `scripts/generate-sigv4-vectors.py`).
struct SigV4Vector: Decodable, Sendable, CustomTestStringConvertible {
  let name: String
  let accessKeyID: String
  let secretAccessKey: String
  let sessionToken: String?
  let region: String
  let service: String
  let timestamp: String
  let presigned: Bool
  let expires: Int?
  let method: String
  let path: String
  let query: String
  let headers: [[String]]
  let body: String?
  let bodyBase64: String?
  let canonicalRequest: String
  let stringToSign: String
  let signature: String
  /// The error code verification must end in, for a request signed correctly but still refused.
  let expectedError: String?

  var testDescription: String { name }

  /// The request as the server receives it.
  var request: SignedRequest {
    let bytes: [UInt8] =
      if let bodyBase64, let data = Data(base64Encoded: bodyBase64) { Array(data) } else {
        Array((body ?? "").utf8)
      }
    return SignedRequest(
      method: method, path: path, query: query,
      headers: headers.map { (name: $0[0], value: $0[1]) }, body: bytes)
  }

  /// The instant botocore signed at.
  var signedAt: Date {
    var parts = DateComponents()
    let digits = Array(timestamp)
    func field(_ range: Range<Int>) -> Int { Int(String(digits[range]))! }
    parts.year = field(0..<4)
    parts.month = field(4..<6)
    parts.day = field(6..<8)
    parts.hour = field(9..<11)
    parts.minute = field(11..<13)
    parts.second = field(13..<15)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: parts)!
  }

  /// Whether the signature covers the body's own hash (rather than a declared one).
  var signsBodyHash: Bool {
    !canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD")
      && !headers.contains { $0[0].lowercased() == "x-amz-content-sha256" }
  }

  /// Whether the signature covers a declared hash that the body must still match.
  var declaresBodyHash: Bool {
    headers.contains { $0[0].lowercased() == "x-amz-content-sha256" && $0[1].count == 64 }
  }

  /// A verifier whose clock reads `offset` seconds after the signing time.
  func verifier(at offset: TimeInterval = 60) -> SigV4Verifier {
    let now = signedAt + offset
    return SigV4Verifier(now: { now })
  }

  /// Every vector, in file order.
  static let all: [SigV4Vector] = {
    let url =
      Bundle.module.url(forResource: "Fixtures/sigv4-vectors", withExtension: "json")
      ?? Bundle.module.url(
        forResource: "sigv4-vectors", withExtension: "json", subdirectory: "Fixtures")
    guard let url, let data = try? Data(contentsOf: url) else { return [] }
    struct File: Decodable { let vectors: [SigV4Vector] }
    return (try? JSONDecoder().decode(File.self, from: data).vectors) ?? []
  }()

  /// The vectors botocore signed that must verify as they are.
  static let accepted = all.filter { $0.expectedError == nil }
}
