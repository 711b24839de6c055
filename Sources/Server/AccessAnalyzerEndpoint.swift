import AWSWire
import Analyzer
import Audit
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PolicyEngine
import Services

/// IAM Access Analyzer's `ValidatePolicy` (REST-JSON, `POST /policy/validation`), so
/// `aws accessanalyzer validate-policy --endpoint-url …` and boto3's `validate_policy` check a
/// policy against the analyzer's linter.
///
/// SigV4 and the caller come from `AWSEndpoint.authenticate` (signing name `access-analyzer`);
/// the call is authorized by the engine as `access-analyzer:ValidatePolicy` on `*`, and recorded
/// in the trail like every other request. Findings carry Access Analyzer's issue codes where
/// the check has one (`AccessAnalyzerIssue`), and locations as a JSON path plus a span.
struct AccessAnalyzerEndpoint: Sendable {
  let aws: AWSEndpoint
  let linter = PolicyLinter()

  static let policyTypes = ["IDENTITY_POLICY", "RESOURCE_POLICY", "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
  static let resourceTypes = [
    "AWS::S3::Bucket", "AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPoint", "AWS::S3ObjectLambda::AccessPoint",
    "AWS::IAM::AssumeRolePolicyDocument", "AWS::DynamoDB::Table",
  ]
  static let locales = ["DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT_BR", "ZH_CN", "ZH_TW"]
  static let errorTypeField = HTTPField.Name("x-amzn-ErrorType")!

  func respond(_ request: Request, context: PortcullisRequestContext) async -> Response {
    let started = ContinuousClock.now
    let requestID = AWSEndpoint.makeRequestID()
    var record = AWSEndpoint.RequestRecord()
    record.service = "access-analyzer"
    record.operation = "ValidatePolicy"
    var failure: AWSError?
    let response: Response
    do {
      let body: [UInt8]
      do {
        body = Array(buffer: try await request.body.collect(upTo: AWSEndpoint.maximumBodySize))
      } catch {
        throw AWSError(code: "ValidationException", message: "Request body too large", status: 413)
      }
      let json = try handle(request, body: body, context: context, record: &record)
      response = Self.response(json, status: .ok, requestID: requestID)
    } catch {
      let awsError = Self.restJSONError(error as? AWSError ?? .serviceFailure())
      failure = awsError
      response = Self.errorResponse(awsError, requestID: requestID)
    }
    let elapsed = (ContinuousClock.now - started).components
    let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    aws.metrics.requestFinished(operation: record.operation, status: response.status.code, seconds: seconds)
    if let trail = aws.trail {
      trail.record(
        AuditRecording.event(
          record, error: failure, requestID: requestID, sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1",
          userAgent: request.headers[.userAgent], directory: aws.iam.directory))
    }
    aws.logger.info(
      "request",
      metadata: [
        "request_id": .string(requestID), "caller": .string(record.caller?.arn ?? "-"),
        "operation": .string(record.operation), "status": .stringConvertible(response.status.code),
        "duration_ms": .string(String(format: "%.2f", seconds * 1000)),
      ])
    return response
  }

  /// Authenticates, authorizes, validates the input and lints; returns the JSON body.
  private func handle(
    _ request: Request, body: [UInt8], context: PortcullisRequestContext, record: inout AWSEndpoint.RequestRecord
  ) throws(AWSError) -> String {
    let signed = AWSEndpoint.signedRequest(request, body: body)
    let (caller, authorization) = try aws.authenticate(request, signed: signed, context: context, record: &record)
    record.caller = caller
    record.operation = "ValidatePolicy"
    guard authorization.service == "access-analyzer" else {
      throw AWSError(
        code: "InvalidSignatureException",
        message: "Credential should be scoped to correct service: 'access-analyzer'. ", status: 403)
    }
    let input = try ValidatePolicyInput(body: body, query: String(decoding: signed.query.utf8, as: UTF8.self))
    record.input = input.modelValue
    try aws.iam.authorizer.authorize(
      caller, action: "access-analyzer:ValidatePolicy", resource: "*", snapshot: aws.iam.directory.snapshot)

    let findings = validate(input.policyDocument, kind: input.kind)
    let start = input.startIndex
    guard start <= findings.count else { throw Self.validation("Invalid nextToken", reason: "fieldValidationFailed") }
    let end = input.maxResults.map { min(findings.count, start + $0) } ?? findings.count
    var output: [String: Any] = ["findings": findings[start..<end].map(\.json)]
    if end < findings.count { output["nextToken"] = ValidatePolicyInput.token(for: end) }
    let data = (try? JSONSerialization.data(withJSONObject: output, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// The findings for `text` as a policy of `kind`: the parser's errors when it does not parse,
  /// else its warnings and the linter's findings.
  func validate(_ text: String, kind: PolicyKind) -> [ValidatePolicyFinding] {
    let bytes = Array(text.utf8)
    let source = PolicySourceMap(bytes: bytes)
    let parsed = PolicyParser.parse(bytes: bytes, kind: kind, enforcingSizeLimit: false)
    var findings = parsed.diagnostics.map { ValidatePolicyFinding(diagnostic: $0, in: source) }
    guard let document = parsed.document else { return findings }
    if document.version == .unspecified {
      findings.append(
        ValidatePolicyFinding(
          issue: .missingVersion, details: "We recommend that you specify the Version element to help you with debugging permission issues.",
          locations: [source.location(path: [], fallback: 0)]))
    }
    for lint in linter.lint(document, kind: kind) {
      findings.append(ValidatePolicyFinding(lint: lint, in: source))
    }
    return findings
  }

  // MARK: Wire

  static func response(_ json: String, status: HTTPResponse.Status, requestID: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    headers[AWSEndpoint.requestIDField] = requestID
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
  }

  /// REST-JSON errors: the code in `x-amzn-ErrorType` (botocore reads it from there first), the
  /// message (and any further members, such as `reason`) in the body.
  static func errorResponse(_ error: AWSError, requestID: String) -> Response {
    var object: [String: Any] = ["message": error.message]
    for (key, value) in error.fields { object[key] = value }
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    var response = Self.response(
      String(decoding: data, as: UTF8.self), status: HTTPResponse.Status(code: error.status), requestID: requestID)
    response.headers[Self.errorTypeField] = error.code
    return response
  }

  /// The shared SigV4 and authorization errors under the names AWS's JSON services use
  /// (`AccessDeniedException`, `UnrecognizedClientException`, `InvalidSignatureException`…).
  static func restJSONError(_ error: AWSError) -> AWSError {
    let code: String
    switch error.code {
    case "AccessDenied": code = "AccessDeniedException"
    case "InvalidClientTokenId": code = "UnrecognizedClientException"
    case "SignatureDoesNotMatch": code = "InvalidSignatureException"
    case "IncompleteSignature": code = "IncompleteSignatureException"
    case "MissingAuthenticationToken": code = "MissingAuthenticationTokenException"
    case "ExpiredToken": code = "ExpiredTokenException"
    case "ServiceFailure": code = "InternalServerException"
    default: return error
    }
    var mapped = AWSError(code: code, message: error.message, status: error.status, isSenderFault: error.isSenderFault)
    mapped.fields = error.fields
    return mapped
  }

  static func validation(_ message: String, reason: String) -> AWSError {
    AWSError(code: "ValidationException", message: message, status: 400).with(fields: ["reason": reason])
  }
}

/// The input of `ValidatePolicy`: the JSON body and the query string (`maxResults`, `nextToken`).
struct ValidatePolicyInput {
  var policyDocument: String
  var policyType: String
  var locale: String?
  var resourceType: String?
  var maxResults: Int?
  var startIndex = 0

  init(body: [UInt8], query: String) throws(AWSError) {
    let object: [String: Any]
    do {
      guard let parsed = try JSONSerialization.jsonObject(with: Data(body.isEmpty ? Array("{}".utf8) : body)) as? [String: Any]
      else { throw AccessAnalyzerEndpoint.validation("Request body must be a JSON object", reason: "cannotParse") }
      object = parsed
    } catch let error as AWSError {
      throw error
    } catch {
      throw AccessAnalyzerEndpoint.validation("Request body is not valid JSON", reason: "cannotParse")
    }
    var problems: [String] = []
    func string(_ name: String) -> String? {
      guard let value = object[name] else { return nil }
      guard let text = value as? String else {
        problems.append("Value at '\(name)' failed to satisfy constraint: Member must be a string")
        return nil
      }
      return text
    }
    let document = string("policyDocument")
    let type = string("policyType")
    locale = string("locale")
    resourceType = string("validatePolicyResourceType")
    if document == nil && object["policyDocument"] == nil {
      problems.append("Value null at 'policyDocument' failed to satisfy constraint: Member must not be null")
    }
    if let type, !AccessAnalyzerEndpoint.policyTypes.contains(type) {
      problems.append(
        "Value '\(type)' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [\(AccessAnalyzerEndpoint.policyTypes.joined(separator: ", "))]")
    } else if type == nil && object["policyType"] == nil {
      problems.append("Value null at 'policyType' failed to satisfy constraint: Member must not be null")
    }
    if let locale, !AccessAnalyzerEndpoint.locales.contains(locale) {
      problems.append(
        "Value '\(locale)' at 'locale' failed to satisfy constraint: Member must satisfy enum value set: [\(AccessAnalyzerEndpoint.locales.joined(separator: ", "))]")
    }
    if let resourceType, !AccessAnalyzerEndpoint.resourceTypes.contains(resourceType) {
      problems.append(
        "Value '\(resourceType)' at 'validatePolicyResourceType' failed to satisfy constraint: Member must satisfy enum value set: [\(AccessAnalyzerEndpoint.resourceTypes.joined(separator: ", "))]")
    }
    for (name, value) in FormURLEncoding.decode(query) {
      switch name {
      case "maxResults":
        guard let n = Int(value), n >= 1 else {
          problems.append("Value '\(value)' at 'maxResults' failed to satisfy constraint: Member must be a positive integer")
          continue
        }
        maxResults = n
      case "nextToken":
        guard let index = Self.index(of: value) else {
          throw AccessAnalyzerEndpoint.validation("Invalid nextToken", reason: "fieldValidationFailed")
        }
        startIndex = index
      default: continue
      }
    }
    if !problems.isEmpty {
      let count = problems.count
      throw AccessAnalyzerEndpoint.validation(
        "\(count) validation error\(count == 1 ? "" : "s") detected: \(problems.joined(separator: "; "))",
        reason: "fieldValidationFailed")
    }
    policyDocument = document ?? ""
    policyType = type ?? ""
  }

  /// The grammar the document is checked with. A resource policy declared as a role's trust
  /// policy is checked as one.
  var kind: PolicyKind {
    switch policyType {
    case "RESOURCE_POLICY": resourceType == "AWS::IAM::AssumeRolePolicyDocument" ? .trust : .resource
    case "SERVICE_CONTROL_POLICY": .serviceControl
    case "RESOURCE_CONTROL_POLICY": .resourceControl
    default: .managed
    }
  }

  /// What the trail records as `requestParameters`.
  var modelValue: ModelValue {
    var members: [String: ModelValue] = ["policyType": .string(policyType), "policyDocument": .string(policyDocument)]
    if let locale { members["locale"] = .string(locale) }
    if let resourceType { members["validatePolicyResourceType"] = .string(resourceType) }
    if let maxResults { members["maxResults"] = .integer(Int64(maxResults)) }
    return .structure(members)
  }

  /// Page tokens are opaque to clients: the index of the next finding, base64-encoded.
  static func token(for index: Int) -> String { Data("v1:\(index)".utf8).base64EncodedString() }

  static func index(of token: String) -> Int? {
    guard let data = Data(base64Encoded: token) else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    guard text.hasPrefix("v1:"), let index = Int(text.dropFirst(3)), index >= 0 else { return nil }
    return index
  }
}
