import AWSWire
import Foundation
import Testing

/// The error `body` throws, or nil when it succeeds.
private func failure(_ body: () throws(AWSError) -> Void) -> AWSError? {
  do {
    try body()
    return nil
  } catch {
    return error
  }
}

/// Parses and verifies `request` with `secret`.
private func check(_ request: SignedRequest, secret: String, with verifier: SigV4Verifier) throws(AWSError) {
  let authorization = try verifier.authorization(of: request)
  try verifier.verify(request, authorization, secretAccessKey: secret)
}

@Suite("SigV4 verification against botocore's signatures")
struct SigV4VectorTests {
  @Test("the fixtures cover the kinds of request clients send")
  func fixturesCoverTheKinds() {
    let all = SigV4Vector.all
    #expect(all.count >= 25)
    #expect(all.contains { $0.presigned && $0.service == "s3" })
    #expect(all.contains { $0.presigned && $0.sessionToken != nil })
    #expect(all.contains { !$0.presigned && $0.sessionToken != nil })
    #expect(all.contains { $0.canonicalRequest.hasSuffix("\nUNSIGNED-PAYLOAD") && !$0.presigned })
    #expect(all.contains { $0.method == "POST" && ($0.body ?? "").hasPrefix("Action=") })
    #expect(Set(all.map(\.service)).isSuperset(of: ["iam", "sts", "s3"]))
    #expect(Set(all.map(\.region)).count >= 5)
  }

  @Test("botocore's canonical request and string to sign are rebuilt exactly", arguments: SigV4Vector.all)
  func canonicalRequestMatchesBotocore(_ vector: SigV4Vector) throws {
    let request = vector.request
    let authorization = try vector.verifier().authorization(of: request)
    let canonical = SigV4CanonicalRequest(request: request, authorization: authorization)
    #expect(canonical.description == vector.canonicalRequest)
    #expect(canonical.stringToSign(for: authorization) == vector.stringToSign)
  }

  @Test("the authorization is read as botocore wrote it", arguments: SigV4Vector.all)
  func authorizationIsRead(_ vector: SigV4Vector) throws {
    let authorization = try vector.verifier().authorization(of: vector.request)
    #expect(authorization.accessKeyID == vector.accessKeyID)
    #expect(authorization.date == String(vector.timestamp.prefix(8)))
    #expect(authorization.timestamp == vector.timestamp)
    #expect(authorization.requestTime == vector.signedAt)
    #expect(authorization.region == vector.region)
    #expect(authorization.service == vector.service)
    #expect(authorization.signature == vector.signature)
    #expect(authorization.securityToken == vector.sessionToken)
    #expect(authorization.isPresigned == vector.presigned)
    #expect(authorization.expires == vector.expires)
    #expect(authorization.signedHeaders.contains("host"))
  }

  @Test("a request signed by botocore verifies with a pinned clock", arguments: SigV4Vector.all)
  func signedRequestVerifies(_ vector: SigV4Vector) {
    let error = failure { () throws(AWSError) in
      try check(vector.request, secret: vector.secretAccessKey, with: vector.verifier())
    }
    #expect(error?.code == vector.expectedError, "\(error?.description ?? "verified")")
  }

  @Test("header names are matched case-insensitively", arguments: SigV4Vector.accepted)
  func headerNamesAreCaseInsensitive(_ vector: SigV4Vector) throws {
    var request = vector.request
    request.headers = request.headers.map { (name: $0.name.uppercased(), value: $0.value) }
    try check(request, secret: vector.secretAccessKey, with: vector.verifier())
  }

  @Test("headers outside SignedHeaders may be added without breaking the signature", arguments: SigV4Vector.accepted)
  func unsignedHeadersAreIgnored(_ vector: SigV4Vector) throws {
    var request = vector.request
    request.headers.append((name: "X-Forwarded-For", value: "203.0.113.9"))
    request.headers.append((name: "User-Agent", value: "a proxy/2.0"))
    try check(request, secret: vector.secretAccessKey, with: vector.verifier())
  }

  @Test("commas alone may separate the Authorization header's parts")
  func commasWithoutSpaces() throws {
    let vector = try #require(SigV4Vector.accepted.first { !$0.presigned })
    var request = vector.request
    request.headers = request.headers.map {
      (name: $0.name, value: $0.name == "Authorization" ? $0.value.replacingOccurrences(of: ", ", with: ",") : $0.value)
    }
    try check(request, secret: vector.secretAccessKey, with: vector.verifier())
  }
}

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
      let flipped = String(vector.signature.dropLast()) + (vector.signature.hasSuffix("0") ? "1" : "0")
      if vector.presigned {
        request.query = request.query.replacingOccurrences(of: vector.signature, with: flipped)
      } else {
        edit("authorization") { $0.replacingOccurrences(of: vector.signature, with: flipped) }
      }
    case .region:
      if vector.presigned {
        request.query = request.query.replacingOccurrences(of: "%2F\(vector.region)%2F", with: "%2Fxx-west-9%2F")
      } else {
        edit("authorization") { $0.replacingOccurrences(of: "/\(vector.region)/", with: "/xx-west-9/") }
      }
    case .secret: secret = String(secret.dropLast()) + (secret.hasSuffix("Y") ? "Z" : "Y")
    }
    return (request, secret)
  }
}

extension SigV4Vector {
  /// A signed header other than `host` whose value can change without changing the request time.
  var tamperableHeader: String? {
    let signed = canonicalRequest.split(separator: "\n").dropLast().last.map { $0.split(separator: ";") } ?? []
    return signed.map(String.init).last { !["host", "x-amz-date", "date"].contains($0) }
  }
}

struct TamperCase: Sendable, CustomTestStringConvertible {
  let vector: SigV4Vector
  let tampering: Tampering
  var testDescription: String { "\(tampering.rawValue): \(vector.name)" }

  static let all: [TamperCase] = SigV4Vector.accepted.flatMap { vector in
    Tampering.allCases.filter { $0.applies(to: vector) }.map { TamperCase(vector: vector, tampering: $0) }
  }
}

@Suite("SigV4 verification of tampered requests")
struct SigV4TamperingTests {
  @Test("a request changed after signing fails with SignatureDoesNotMatch", arguments: TamperCase.all)
  func tamperedRequestFails(_ c: TamperCase) {
    let (request, secret) = c.tampering.apply(to: c.vector)
    let error = failure { () throws(AWSError) in try check(request, secret: secret, with: c.vector.verifier()) }
    #expect(error?.code == "SignatureDoesNotMatch", "\(error?.description ?? "verified")")
    #expect(error?.status == 403)
  }

  @Test(
    "a body that no longer matches its declared X-Amz-Content-Sha256 is refused",
    arguments: SigV4Vector.accepted.filter(\.declaresBodyHash))
  func declaredHashMismatch(_ vector: SigV4Vector) {
    var request = vector.request
    request.body.append(UInt8(ascii: "!"))
    let error = failure { () throws(AWSError) in
      try check(request, secret: vector.secretAccessKey, with: vector.verifier())
    }
    #expect(error == AWSError(
      code: "XAmzContentSHA256Mismatch",
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.", status: 400))
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

  @Test("a request whose body hash is signed says its payload is signed", arguments: SigV4Vector.accepted.filter(\.signsBodyHash))
  func signedPayload(_ vector: SigV4Vector) throws {
    #expect(try vector.verifier().authorization(of: vector.request).isPayloadSigned)
  }
}

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
  static let listUsers = "iam ListUsers, form body"  // signed at 20241103T120000Z
  static let dateHeader = "Date header instead of X-Amz-Date"  // 20241103T120014Z
  static let presignedIAM = "presigned iam ListUsers with a session token"  // 20241103T120000Z, 60 s
  static let presignedS3 = "presigned s3 GetObject, one hour"  // 20241103T120000Z, 3600 s

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

  @Test("the request time must be within the skew, or a presigned URL within its lifetime", arguments: cases)
  func requestTime(_ c: ClockCase) throws {
    let vector = try #require(SigV4Vector.all.first { $0.name == c.vector })
    let now = vector.signedAt + c.offset
    let verifier = SigV4Verifier(maximumSkew: c.maximumSkew, now: { now })
    let error = failure { () throws(AWSError) in try check(vector.request, secret: vector.secretAccessKey, with: verifier) }
    #expect(error?.code == c.expected?.code)
    #expect(error?.message == c.expected?.message)
    if error != nil { #expect(error?.status == 403) }
  }

  @Test("a stale request is reported as stale before its access key is looked up")
  func staleBeforeLookup() throws {
    let vector = try #require(SigV4Vector.all.first { $0.name == Self.listUsers })
    var asked = false
    let error = failure { () throws(AWSError) in
      _ = try vector.verifier(at: 3600).authenticate(vector.request) { _ in
        asked = true
        return vector.secretAccessKey
      }
    }
    #expect(error?.message.hasPrefix("Signature expired: ") == true)
    #expect(!asked)
  }
}

@Suite("SigV4 authentication of access keys")
struct SigV4AuthenticateTests {
  @Test("an access key with no secret fails with InvalidClientTokenId")
  func unknownAccessKey() throws {
    let vector = try #require(SigV4Vector.accepted.first)
    let error = failure { () throws(AWSError) in
      _ = try vector.verifier().authenticate(vector.request) { _ in nil }
    }
    #expect(error == .invalidClientTokenId())
    #expect(error?.message == "The security token included in the request is invalid.")
  }

  @Test("a known access key's request is authenticated and its authorization returned")
  func knownAccessKey() throws {
    let vector = try #require(SigV4Vector.all.first { $0.sessionToken != nil && !$0.presigned })
    var named: (String, String?)?
    let authorization = try vector.verifier().authenticate(vector.request) { authorization in
      named = (authorization.accessKeyID, authorization.securityToken)
      return vector.secretAccessKey
    }
    #expect(named?.0 == vector.accessKeyID)
    #expect(named?.1 == vector.sessionToken)
    #expect(authorization.signature == vector.signature)
  }

  /// The clock every verification in `sharedVerifierUnderLoad` reads: each task pins its own.
  enum TaskClock {
    @TaskLocal static var now = Date(timeIntervalSince1970: 0)
  }

  @Test("one verifier, its signing-key cache shared, verifies many requests at once")
  func sharedVerifierUnderLoad() async throws {
    let verifier = SigV4Verifier(now: { TaskClock.now })
    let results = await withTaskGroup(of: (String, AWSError?).self) { group in
      for round in 0..<8 {
        for vector in SigV4Vector.accepted {
          group.addTask {
            TaskClock.$now.withValue(vector.signedAt + 30) {
              // Every other round uses a wrong secret: a cached key must never leak across secrets.
              let secret = round.isMultiple(of: 2) ? vector.secretAccessKey : vector.secretAccessKey + "x"
              return (
                round.isMultiple(of: 2) ? "right" : "wrong",
                failure { () throws(AWSError) in try check(vector.request, secret: secret, with: verifier) }
              )
            }
          }
        }
      }
      var results: [(String, AWSError?)] = []
      for await result in group { results.append(result) }
      return results
    }
    #expect(results.count == 8 * SigV4Vector.accepted.count)
    #expect(results.filter { $0.0 == "right" }.allSatisfy { $0.1 == nil })
    #expect(results.filter { $0.0 == "wrong" }.allSatisfy { $0.1?.code == "SignatureDoesNotMatch" })
  }
}
