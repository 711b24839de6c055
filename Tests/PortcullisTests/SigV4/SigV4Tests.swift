import AWSWire
import Foundation
import Testing

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

  @Test(
    "botocore's canonical request and string to sign are rebuilt exactly",
    arguments: SigV4Vector.all)
  func canonicalRequestMatchesBotocore(_ vector: SigV4Vector) throws {
    let request = vector.request
    let authorization = try vector.verifier().authorization(of: request)
    // botocore keeps a query string it was handed as it stands; the vectors say when it did.
    let form: SigV4CanonicalRequest.QueryForm =
      vector.name.hasPrefix("raw query string") ? .asSent : .normalized
    let canonical = SigV4CanonicalRequest(
      request: request, authorization: authorization, queryForm: form)
    #expect(canonical.description == vector.canonicalRequest)
    #expect(canonical.stringToSign(for: authorization) == vector.stringToSign)
  }

  @Test(
    "a query string sent encoded the canonical way has one canonical form",
    arguments: SigV4Vector.all)
  func queryFormsAgree(_ vector: SigV4Vector) throws {
    let request = vector.request
    let authorization = try vector.verifier().authorization(of: request)
    let normalized = SigV4CanonicalRequest(request: request, authorization: authorization)
    let asSent = SigV4CanonicalRequest(
      request: request, authorization: authorization, queryForm: .asSent)
    // Only the hand-built raw query (with `%7E`) and the form-encoded spaces botocore sends for
    // `params` (`+` on the wire, `%20` signed) differ.
    let differs =
      vector.name.hasPrefix("raw query string")
      || vector.name.hasPrefix("query parameters needing encoding")
    #expect((normalized.query != asSent.query) == differs)
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
    let error = captureAWSError { () throws(AWSError) in
      try vector.verifier().check(vector.request, secret: vector.secretAccessKey)
    }
    #expect(error?.code == vector.expectedError, "\(error?.description ?? "verified")")
  }

  @Test("header names are matched case-insensitively", arguments: SigV4Vector.accepted)
  func headerNamesAreCaseInsensitive(_ vector: SigV4Vector) throws {
    var request = vector.request
    request.headers = request.headers.map { (name: $0.name.uppercased(), value: $0.value) }
    try vector.verifier().check(request, secret: vector.secretAccessKey)
  }

  @Test(
    "headers outside SignedHeaders may be added without breaking the signature",
    arguments: SigV4Vector.accepted)
  func unsignedHeadersAreIgnored(_ vector: SigV4Vector) throws {
    var request = vector.request
    request.headers.append((name: "X-Forwarded-For", value: "203.0.113.9"))
    request.headers.append((name: "User-Agent", value: "a proxy/2.0"))
    try vector.verifier().check(request, secret: vector.secretAccessKey)
  }

  @Test("commas alone may separate the Authorization header's parts")
  func commasWithoutSpaces() throws {
    let vector = try #require(SigV4Vector.accepted.first { !$0.presigned })
    var request = vector.request
    request.headers = request.headers.map {
      (
        name: $0.name,
        value: $0.name == "Authorization"
          ? $0.value.replacingOccurrences(of: ", ", with: ",") : $0.value
      )
    }
    try vector.verifier().check(request, secret: vector.secretAccessKey)
  }
}
