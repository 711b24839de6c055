import AWSWire
import Foundation
import Testing

/// One way of changing a signed request after it was signed.
enum Tampering: String, CaseIterable, Sendable {
  case method, path, query, host, signedHeader, body, signature, region, secret

  /// Whether this tampering means anything for `vector`.
  func applies(to vector: SigV4Vector) -> Bool {
    switch self {
    case .signedHeader: vector.tamperableHeader != nil
    case .body: vector.signsBodyHash
    default: true
    }
  }

  /// `vector`'s request (and the secret to verify it with) after the change.
  func apply(to vector: SigV4Vector) -> (SignedRequest, String) {
    var request = vector.request
    var secret = vector.secretAccessKey
    func edit(_ name: String, _ change: (String) -> String) {
      request.headers = request.headers.map {
        (name: $0.name, value: $0.name.lowercased() == name ? change($0.value) : $0.value)
      }
    }
    switch self {
    case .method: request.method = request.method == "GET" ? "POST" : "GET"
    case .path: request.path += request.path.hasSuffix("/") ? "x" : "/x"
    case .query: request.query = request.query.isEmpty ? "Extra=1" : request.query + "&Extra=1"
    case .host: edit("host") { "evil." + $0 }
    case .signedHeader: edit(vector.tamperableHeader!) { $0 + "x" }
    case .body:
      if request.body.isEmpty { request.body = Array("x".utf8) } else { request.body[0] ^= 0x01 }
    case .signature:
      let flipped =
        String(vector.signature.dropLast()) + (vector.signature.hasSuffix("0") ? "1" : "0")
      if vector.presigned {
        request.query = request.query.replacingOccurrences(of: vector.signature, with: flipped)
      } else {
        edit("authorization") { $0.replacingOccurrences(of: vector.signature, with: flipped) }
      }
    case .region:
      if vector.presigned {
        request.query = request.query.replacingOccurrences(
          of: "%2F\(vector.region)%2F", with: "%2Fxx-west-9%2F")
      } else {
        edit("authorization") {
          $0.replacingOccurrences(of: "/\(vector.region)/", with: "/xx-west-9/")
        }
      }
    case .secret: secret = String(secret.dropLast()) + (secret.hasSuffix("Y") ? "Z" : "Y")
    }
    return (request, secret)
  }
}

extension SigV4Vector {
  /// A signed header other than `host` whose value can change without changing the request time.
  var tamperableHeader: String? {
    let signed =
      canonicalRequest.split(separator: "\n").dropLast().last.map { $0.split(separator: ";") } ?? []
    return signed.map(String.init).last { !["host", "x-amz-date", "date"].contains($0) }
  }
}

struct TamperCase: Sendable, CustomTestStringConvertible {
  let vector: SigV4Vector
  let tampering: Tampering
  var testDescription: String { "\(tampering.rawValue): \(vector.name)" }

  static let all: [TamperCase] = SigV4Vector.accepted.flatMap { vector in
    Tampering.allCases.filter { $0.applies(to: vector) }.map {
      TamperCase(vector: vector, tampering: $0)
    }
  }
}

@Suite("SigV4 verification of tampered requests")
struct SigV4TamperingTests {
  @Test(
    "a request changed after signing fails with SignatureDoesNotMatch", arguments: TamperCase.all)
  func tamperedRequestFails(_ c: TamperCase) {
    let (request, secret) = c.tampering.apply(to: c.vector)
    let error = captureAWSError { () throws(AWSError) in
      try c.vector.verifier().check(request, secret: secret)
    }
    #expect(error?.code == "SignatureDoesNotMatch", "\(error?.description ?? "verified")")
    #expect(error?.status == 403)
  }

  @Test(
    "a body that no longer matches its declared X-Amz-Content-Sha256 is refused",
    arguments: SigV4Vector.accepted.filter(\.declaresBodyHash))
  func declaredHashMismatch(_ vector: SigV4Vector) {
    var request = vector.request
    request.body.append(UInt8(ascii: "!"))
    let error = captureAWSError { () throws(AWSError) in
      try vector.verifier().check(request, secret: vector.secretAccessKey)
    }
    #expect(
      error
        == AWSError(
          code: "XAmzContentSHA256Mismatch",
          message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
          status: 400))
  }

  @Test(
    "under UNSIGNED-PAYLOAD the body is not covered, and the authorization says so",
    arguments: SigV4Vector.accepted.filter { $0.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD") })
  func unsignedPayload(_ vector: SigV4Vector) throws {
    var request = vector.request
    request.body.append(contentsOf: Array("anything".utf8))
    let verifier = vector.verifier()
    let authorization = try verifier.authorization(of: request)
    #expect(!authorization.isPayloadSigned)
    try verifier.verify(request, authorization, secretAccessKey: vector.secretAccessKey)
  }

  @Test(
    "a request whose body hash is signed says its payload is signed",
    arguments: SigV4Vector.accepted.filter(\.signsBodyHash))
  func signedPayload(_ vector: SigV4Vector) throws {
    #expect(try vector.verifier().authorization(of: vector.request).isPayloadSigned)
  }
}
