import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Access Analyzer's `ValidatePolicy` driven in-process: REST-JSON over `POST /policy/validation`,
/// SigV4 with the signing name `access-analyzer`, findings in Access Analyzer's shape (issue
/// codes from its policy check reference, locations as JSON paths and spans), and REST-JSON errors
/// (`x-amzn-ErrorType` header, `{"message": …}` body).
@Suite("Access Analyzer ValidatePolicy")
struct ValidatePolicyTests {
  static let errorType = HTTPField.Name("x-amzn-ErrorType")!

  /// Signs a REST-JSON POST to `path?query` from AWS's SigV4 documentation (the query string is
  /// canonicalised: names and values sorted, already percent-encoded by the caller).
  static func signedHeaders(
    path: String, query: String, body: String, service: String = "access-analyzer",
    secret: String = ProtocolTests.rootKey.secretAccessKey
  ) -> HTTPFields {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    let timestamp = formatter.string(from: Date())
    let day = String(timestamp.prefix(8))
    let scope = "\(day)/us-east-1/\(service)/aws4_request"
    let contentType = "application/json"
    let canonicalQuery = query.split(separator: "&").map(String.init).sorted().joined(separator: "&")
    let canonicalRequest = [
      "POST", path, canonicalQuery, "content-type:\(contentType)\nhost:localhost\nx-amz-date:\(timestamp)\n",
      "content-type;host;x-amz-date", QueryRequestSigner.hex(SHA256.hash(data: Data(body.utf8))),
    ].joined(separator: "\n")
    let stringToSign = [
      "AWS4-HMAC-SHA256", timestamp, scope, QueryRequestSigner.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
    ].joined(separator: "\n")
    var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
    for part in [day, "us-east-1", service, "aws4_request"] {
      key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
    }
    let signature = QueryRequestSigner.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    var fields = HTTPFields()
    fields[.contentType] = contentType
    fields[HTTPField.Name("X-Amz-Date")!] = timestamp
    fields[.authorization] =
      "AWS4-HMAC-SHA256 Credential=\(ProtocolTests.rootKey.accessKeyID)/\(scope), SignedHeaders=content-type;host;x-amz-date, Signature=\(signature)"
    return fields
  }

  /// Calls ValidatePolicy and returns the status, the error type header and the JSON body.
  static func validate(
    _ input: [String: Any], query: String = "", signed: Bool = true, service: String = "access-analyzer"
  ) async throws -> (HTTPResponse.Status, String?, [String: Any]) {
    let (app, _) = try ProtocolTests.application()
    let body = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
    var headers = signed
      ? signedHeaders(path: "/policy/validation", query: query, body: body, service: service)
      : [.contentType: "application/json"]
    headers[.userAgent] = "portcullis-tests"
    let requestHeaders = headers
    let uri = query.isEmpty ? "/policy/validation" : "/policy/validation?\(query)"
    return try await app.test(.router) { client in
      try await client.execute(uri: uri, method: .post, headers: requestHeaders, body: ByteBuffer(string: body)) { response in
        let json = (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
        return (response.status, response.headers[Self.errorType], json)
      }
    }
  }

  static func findings(_ json: [String: Any]) -> [[String: Any]] { json["findings"] as? [[String: Any]] ?? [] }

  static func issues(_ json: [String: Any]) -> [String] {
    findings(json).map { "\($0["findingType"] as? String ?? "?") \($0["issueCode"] as? String ?? "?")" }.sorted()
  }

  /// One row: policy type, document, and the findings Access Analyzer's reference documents for it.
  struct Case: CustomTestStringConvertible, Sendable {
    var policyType: String
    var resourceType: String?
    var document: String
    var expected: [String]
    var testDescription: String { expected.joined(separator: ", ") }
  }

  static let cases: [Case] = [
    Case(
      policyType: "IDENTITY_POLICY",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
      expected: []),
    Case(
      policyType: "IDENTITY_POLICY",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}]}"#,
      expected: ["ERROR INVALID_ACTION"]),
    Case(
      policyType: "IDENTITY_POLICY",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"nosuchservice:Get","Resource":"*"}]}"#,
      expected: ["ERROR INVALID_SERVICE_IN_ACTION"]),
    Case(
      policyType: "IDENTITY_POLICY",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:NoSuchKey":"x"}}}]}"#,
      expected: ["ERROR INVALID_GLOBAL_CONDITION_KEY"]),
    Case(
      policyType: "IDENTITY_POLICY",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"*"}]}"#,
      expected: ["SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE"]),
    Case(
      policyType: "IDENTITY_POLICY",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3:GetObject"],"Resource":"*"}]}"#,
      expected: ["SUGGESTION REDUNDANT_ACTION"]),
    Case(
      policyType: "IDENTITY_POLICY",
      document: #"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
      expected: ["WARNING MISSING_VERSION"]),
    Case(
      policyType: "IDENTITY_POLICY", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#,
      expected: ["ERROR MISSING_RESOURCE"]),
    Case(
      policyType: "IDENTITY_POLICY", document: #"{"Version":"2012-10-17","Statement":[{"Action":"s3:GetObject","Resource":"*"}]}"#,
      expected: ["ERROR MISSING_EFFECT"]),
    Case(policyType: "IDENTITY_POLICY", document: #"{"Version":"2012-10-17","Statement":["#, expected: ["ERROR JSON_SYNTAX_ERROR"]),
    Case(
      policyType: "RESOURCE_POLICY", resourceType: "AWS::IAM::AssumeRolePolicyDocument",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
      expected: ["ERROR INVALID_POLICY_ELEMENT"]),
  ]

  @Test("each documented check raises its issue code", arguments: cases)
  func issueCodes(_ c: Case) async throws {
    var input: [String: Any] = ["policyDocument": c.document, "policyType": c.policyType]
    if let r = c.resourceType { input["validatePolicyResourceType"] = r }
    let (status, _, json) = try await Self.validate(input)
    #expect(status == .ok)
    #expect(Self.issues(json) == c.expected)
  }

  @Test("a finding about an action points at that action's array item, with its span")
  func actionLocation() async throws {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": [\"s3:GetObject\", \"s3:GetObjekt\"],\n    \"Resource\": \"*\"\n  }]\n}"
    let (_, _, json) = try await Self.validate(["policyDocument": text, "policyType": "IDENTITY_POLICY"])
    let location = try #require((Self.findings(json).first?["locations"] as? [[String: Any]])?.first)
    let path = location["path"] as? [[String: Any]] ?? []
    #expect(path.count == 4)
    #expect(path.last?["index"] as? Int == 1)
    let span = try #require(location["span"] as? [String: [String: Int]])
    let start = try #require(span["start"]), end = try #require(span["end"])
    let chars = Array(text)
    #expect(String(chars[start["offset"]!..<end["offset"]!]) == "\"s3:GetObjekt\"")
    #expect(start["line"] == 5)
    #expect(start["column"] == 31)
  }

  @Test("an unknown service points at the action that names it")
  func unknownServiceLocation() async throws {
    let text = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","nosuchservice:Get"],"Resource":"*"}]}"#
    let (_, _, json) = try await Self.validate(["policyDocument": text, "policyType": "IDENTITY_POLICY"])
    let location = try #require((Self.findings(json).first?["locations"] as? [[String: Any]])?.first)
    let path = location["path"] as? [[String: Any]] ?? []
    #expect(path.last?["index"] as? Int == 1)
  }

  @Test("a finding about a condition key points at the key under its operator")
  func conditionLocation() async throws {
    let text = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:NoSuchKey":"x"}}}}"#
    let (_, _, json) = try await Self.validate(["policyDocument": text, "policyType": "IDENTITY_POLICY"])
    let finding = try #require(Self.findings(json).first)
    #expect(finding["issueCode"] as? String == "INVALID_SERVICE_CONDITION_KEY")
    let location = try #require((finding["locations"] as? [[String: Any]])?.first)
    let path = (location["path"] as? [[String: Any]] ?? []).map { $0.values.first.map { "\($0)" } ?? "" }
    // A single statement object has no index in the path.
    #expect(path == ["Statement", "Condition", "StringEquals", "s3:NoSuchKey"])
  }

  @Test("maxResults pages the findings and nextToken resumes them")
  func pagination() async throws {
    let text = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:A1","s3:A2","s3:A3"],"Resource":"*"}]}"#
    let input: [String: Any] = ["policyDocument": text, "policyType": "IDENTITY_POLICY"]
    let (_, _, first) = try await Self.validate(input, query: "maxResults=2")
    #expect(Self.findings(first).count == 2)
    let token = try #require(first["nextToken"] as? String)
    let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
    let (_, _, second) = try await Self.validate(input, query: "maxResults=2&nextToken=\(encoded)")
    #expect(Self.findings(second).count == 1)
    #expect(second["nextToken"] == nil)
  }

  @Test("a missing policyType is a ValidationException with reason fieldValidationFailed")
  func missingPolicyType() async throws {
    let (status, type, json) = try await Self.validate(["policyDocument": "{}"])
    #expect(status == .badRequest)
    #expect(type == "ValidationException")
    #expect(json["reason"] as? String == "fieldValidationFailed")
    #expect((json["message"] as? String)?.contains("policyType") == true)
  }

  @Test("an unsigned request is refused with a REST-JSON error")
  func unsigned() async throws {
    let (status, type, json) = try await Self.validate(["policyDocument": "{}", "policyType": "IDENTITY_POLICY"], signed: false)
    #expect(status == .forbidden)
    #expect(type == "MissingAuthenticationTokenException")
    #expect(json["message"] != nil)
  }

  @Test("a request signed for another service is refused")
  func wrongService() async throws {
    let (status, type, _) = try await Self.validate(["policyDocument": "{}", "policyType": "IDENTITY_POLICY"], service: "iam")
    #expect(status == .forbidden)
    #expect(type == "InvalidSignatureException")
  }
}
