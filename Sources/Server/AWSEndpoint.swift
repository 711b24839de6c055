import AWSWire
import Audit
import Directory
import Foundation
import HTTPTypes
import HashTreeCollections
import Hummingbird
import Logging
import NIOCore
import PolicyEngine
import Services
import Synchronization

/// The AWS API endpoint: every signed Query-protocol request (POST form or GET) goes through
/// here — SigV4 verification, decoding against the service model, the operation handler (which
/// authorizes with the policy engine), and AWS's XML encoding of the result or the error.
struct AWSEndpoint: Sendable {
  let iam: IAMService
  let sts: STSService
  let verifier: SigV4Verifier
  let metrics: ServerMetrics
  let logger: Logger
  let iamDecoder = QueryRequestDecoder(model: .iam)
  let iamEncoder = QueryResponseEncoder(model: .iam)
  let iamErrors = QueryErrorEncoder(model: .iam)
  let stsDecoder = QueryRequestDecoder(model: .sts)
  let stsEncoder = QueryResponseEncoder(model: .sts)
  let stsErrors = QueryErrorEncoder(model: .sts)
  let principals = PrincipalCache()
  /// AWS Organizations, over JSON 1.1 (`AWSEndpoint+JSON`).
  var organizations: OrganizationsService? = nil
  /// CloudTrail's `LookupEvents` over the trail, JSON 1.1.
  var cloudtrail: CloudTrailService? = nil
  /// Where every request's event goes; `nil` when the server keeps no trail.
  var trail: TrailWriter? = nil

  /// Requests larger than this are refused before any work is done.
  static let maximumBodySize = 1 << 20

  func respond(_ request: Request, context: PortcullisRequestContext) async -> Response {
    let started = ContinuousClock.now
    let requestID = Self.makeRequestID()
    var record = RequestRecord()
    let response: Response
    var failure: AWSError?
    do {
      let body: [UInt8]
      do {
        body = Array(buffer: try await request.body.collect(upTo: Self.maximumBodySize))
      } catch {
        throw AWSError(code: "RequestEntityTooLarge", message: "Request body too large", status: 413)
      }
      let xml = try handle(request, body: body, context: context, requestID: requestID, record: &record)
      response = Self.isJSON(request)
        ? Self.jsonResponse(xml, status: .ok, requestID: requestID)
        : Self.xmlResponse(xml, status: .ok, requestID: requestID)
    } catch {
      let awsError = error as? AWSError ?? .serviceFailure()
      failure = awsError
      response = Self.isJSON(request)
        ? Self.jsonResponse(JSONErrorEncoder().encode(awsError), status: HTTPResponse.Status(code: awsError.status), requestID: requestID)
        : Self.xmlResponse(
        (record.service == "sts" ? stsErrors : iamErrors).encode(awsError, requestId: requestID),
        status: HTTPResponse.Status(code: awsError.status),
        requestID: requestID)
    }
    let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
      + Double((ContinuousClock.now - started).components.seconds)
    metrics.requestFinished(operation: record.operation, status: response.status.code, seconds: seconds)
    if let trail {
      trail.record(
        AuditRecording.event(
          record, error: failure, requestID: requestID, sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1",
          userAgent: request.headers[.userAgent], directory: iam.directory))
    }
    logger.info(
      "request",
      metadata: [
        "request_id": .string(requestID), "caller": .string(record.caller?.arn ?? "-"), "operation": .string(record.operation),
        "status": .stringConvertible(response.status.code), "duration_ms": .string(String(format: "%.2f", seconds * 1000)),
      ])
    return response
  }

  /// A random (version 4) UUID in lowercase, as AWS writes request IDs.
  ///
  /// Drawn from `SystemRandomNumberGenerator` (`getrandom(2)`), which is as unpredictable as
  /// `UUID()` but does not open, read and close `/dev/urandom` on every request as Foundation's
  /// `UUID()` does on Linux.
  static func makeRequestID() -> String {
    var generator = SystemRandomNumberGenerator()
    let high = generator.next() as UInt64
    let low = generator.next() as UInt64
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<8 {
      bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
      bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
    }
    bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
    bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    return String(unsafeUninitializedCapacity: 36) { out in
      var o = 0
      for (i, byte) in bytes.enumerated() {
        if i == 4 || i == 6 || i == 8 || i == 10 {
          out[o] = UInt8(ascii: "-")
          o += 1
        }
        out[o] = digits[Int(byte >> 4)]
        out[o + 1] = digits[Int(byte & 0x0F)]
        o += 2
      }
      return o
    }
  }

  /// What the endpoint learned about a request as it went: for metrics, the log and the trail.
  struct RequestRecord {
    var service = "iam"
    var operation = "unknown"
    var region = "us-east-1"
    var accessKeyID: String?
    var caller: Caller?
    var input: ModelValue?
    var output: ModelValue?
    var time = Date()
  }

  /// Validated once rather than on every response.
  static let requestIDField = HTTPField.Name("x-amzn-RequestId")!

  static func xmlResponse(_ xml: String, status: HTTPResponse.Status, requestID: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/xml"
    headers[Self.requestIDField] = requestID
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
  }

  /// Authenticates, decodes, runs and encodes; returns the response body. `record` collects
  /// the service, operation, caller, input and output as they become known.
  private func handle(
    _ request: Request, body: [UInt8], context: PortcullisRequestContext, requestID: String,
    record: inout RequestRecord
  ) throws(AWSError) -> String {
    let signed = Self.signedRequest(request, body: body)
    if let unsigned = try unsignedSTSRequest(
      request, signed: signed, body: body, context: context, requestID: requestID, record: &record)
    {
      return unsigned
    }
    let (caller, authorization) = try authenticate(request, signed: signed, context: context, record: &record)
    record.caller = caller
    if let target = request.headers[Self.targetField] {
      return try handleJSON(target: target, body: body, caller: caller, service: authorization.service, record: &record)
    }

    var parameters = FormURLEncoding.decode(String(decoding: signed.query.utf8, as: UTF8.self))
    if request.method == .post { parameters += FormURLEncoding.decode(bytes: body) }
    parameters.removeAll { name, _ in
      // An ASCII first byte other than `X` settles it without a Unicode-aware comparison.
      if let first = name.utf8.first, first < 0x80, first != UInt8(ascii: "X") { return false }
      return name.hasPrefix("X-Amz-")
    }

    switch authorization.service {
    case "sts":
      let decoded = try stsDecoder.decode(parameters)
      record.operation = decoded.operation.name
      record.input = decoded.input
      let output = try sts.handle(decoded.operation.name, input: decoded.input, caller: caller)
      record.output = output
      return stsEncoder.encode(output, for: decoded.operation, requestId: requestID)
    case "iam":
      // GetSessionToken credentials without MFA cannot call IAM, as on AWS.
      if caller.session?.kind == .sessionToken && caller.session?.mfaAuthenticatedAt == nil {
        throw .invalidClientTokenId()
      }
      // Federated users' credentials (GetFederationToken) cannot call IAM at all.
      if case .federatedUser? = caller.session?.kind { throw .invalidClientTokenId() }
      let decoded = try iamDecoder.decode(parameters)
      record.operation = decoded.operation.name
      record.input = decoded.input
      let output = try iam.handle(decoded.operation.name, input: decoded.input, caller: caller)
      record.output = output
      return iamEncoder.encode(output, for: decoded.operation, requestId: requestID)
    default:
      throw AWSError(
        code: "InvalidAction", message: "The service \(authorization.service) is not available on this endpoint.", status: 400)
    }
  }

  /// The request as SigV4 sees it: method, target, headers (with `host`) and body.
  static func signedRequest(_ request: Request, body: [UInt8]) -> SignedRequest {
    var headers: [(name: String, value: String)] = []
    headers.reserveCapacity(request.headers.count + 1)
    // HTTP types moves `Host` into the `:authority` pseudo-header; SigV4 signs it as `host`.
    if let authority = request.head.authority { headers.append(("host", authority)) }
    for field in request.headers { headers.append((field.name.rawName, field.value)) }
    return SignedRequest(method: request.method.rawValue, target: request.uri.description, headers: headers, body: body)
  }

  /// Verifies the request's SigV4 signature and builds its caller (long-term key or session
  /// token), recording what it learns; shared by every signed endpoint (`AccessAnalyzerEndpoint`).
  func authenticate(
    _ request: Request, signed: SignedRequest, context: PortcullisRequestContext, record: inout RequestRecord
  ) throws(AWSError) -> (Caller, SigV4Authorization) {
    let authorization = try verifier.authorization(of: signed)

    record.service = authorization.service
    record.region = authorization.region
    record.accessKeyID = authorization.accessKeyID
    let snapshot = iam.directory.snapshot
    let caller: Caller
    if authorization.accessKeyID.hasPrefix("ASIA") || authorization.securityToken != nil {
      // Temporary credentials: the token carries the secret and the session, sealed by the key
      // ring, so no lookup is needed; it must belong to the key that signed the request.
      guard let token = authorization.securityToken else { throw .invalidClientTokenId() }
      let session = try SessionToken.open(token, with: sts.keyRing, accessKeyID: authorization.accessKeyID, now: Date())
      try verifier.verify(signed, authorization, secretAccessKey: session.secretAccessKey)
      if let userName = session.userName, snapshot.accounts[session.accountID]?.users[userName.lowercased()] == nil {
        throw .invalidClientTokenId()
      }
      caller = Caller(
        session: session, sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1", secureTransport: false,
        region: authorization.region, time: Date(), userAgent: request.headers[.userAgent])
      // A request signed with a role session's credentials is a use of the role (`RoleLastUsed`).
      if case .assumedRole(let roleName, let roleID) = caller.session?.kind,
        iam.lastUsed.record(
          roleName: roleName, roleID: roleID, accountID: caller.accountID, region: authorization.region, at: caller.time)
      {
        let iam = self.iam
        Task.detached { iam.lastUsed.flush(into: iam.directory) }
      }
    } else {
      guard let key = snapshot.accessKey(authorization.accessKeyID), key.isActive,
        let secret = iam.directory.secrets.open(key.sealedSecret)
      else {
        throw .invalidClientTokenId()
      }
      try verifier.verify(signed, authorization, secretAccessKey: secret)
      caller = try makeCaller(key: key, authorization: authorization, snapshot: snapshot, request: request, context: context)
      if iam.lastUsed.record(
        keyID: key.id, accountID: key.accountID, service: authorization.service, region: authorization.region,
        at: caller.time)
      {
        let iam = self.iam
        Task.detached { iam.lastUsed.flush(into: iam.directory) }
      }
    }

    return (caller, authorization)
  }

  private func makeCaller(
    key: AccessKey, authorization: SigV4Authorization, snapshot: DirectorySnapshot, request: Request,
    context: PortcullisRequestContext
  ) throws(AWSError) -> Caller {
    let sourceIP = context.remoteAddress?.ipAddress ?? "127.0.0.1"
    let userAgent = request.headers[.userAgent]
    if let userName = key.userName {
      guard let user = snapshot.accounts[key.accountID]?.users[userName.lowercased()] else { throw .invalidClientTokenId() }
      return Caller(
        accountID: key.accountID, principal: principals.principal(user.arn), userName: user.name, userID: user.id,
        accessKeyID: key.id, sourceIP: sourceIP, secureTransport: false, region: authorization.region, time: Date(),
        userAgent: userAgent)
    }
    return Caller(
      accountID: key.accountID, principal: RequestPrincipal("arn:aws:iam::\(key.accountID):root"), userName: nil,
      userID: key.accountID, accessKeyID: key.id, sourceIP: sourceIP, secureTransport: false,
      region: authorization.region, time: Date(), userAgent: userAgent)
  }
}

/// Parsed principals by ARN: `RequestPrincipal(arn)` parses the ARN, the same for every request
/// a user signs. Bounded; cleared when full.
final class PrincipalCache: Sendable {
  private let principals = Mutex<[String: RequestPrincipal]>([:])

  func principal(_ arn: String) -> RequestPrincipal {
    if let cached = principals.withLock({ $0[arn] }) { return cached }
    let principal = RequestPrincipal(arn)
    principals.withLock { cache in
      if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
      cache[arn] = principal
    }
    return principal
  }
}
