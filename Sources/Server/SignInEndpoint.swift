import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Services

/// `POST /signin`: the console sign-in endpoint, on the API's listener. It only translates
/// HTTP to `SignInService` and back; the rules live there.
///
/// Request: a JSON object `{"account": "123456789012" or alias, "user": NAME, "password": P,
/// "mfaCode": optional, "newPassword": optional}`. Success: 200 with `AccessKeyId`,
/// `SecretAccessKey`, `SessionToken`, `Expiration` (ISO 8601) and `Arn`. Failure:
/// `{"error": CODE, "message": TEXT}` with 400 (malformed request or a new password the policy
/// refuses), 401 (wrong credentials or MFA code), 403 (reset or expiry), 429 (throttled, with
/// `Retry-After`). Every attempt is logged with account, user, address and outcome — never a
/// password.
struct SignInEndpoint: Sendable {
  let service: SignInService
  let logger: Logger

  /// Sign-in bodies are small; anything larger is refused unread.
  static let maximumBodySize = 16 * 1024

  func respond(_ request: Request, context: PortcullisRequestContext) async -> Response {
    let sourceIP = context.remoteAddress?.ipAddress ?? "127.0.0.1"
    guard let buffer = try? await request.body.collect(upTo: Self.maximumBodySize),
      let object = try? JSONSerialization.jsonObject(with: Data(Array(buffer: buffer))) as? [String: Any],
      let account = object["account"] as? String, let user = object["user"] as? String,
      let password = object["password"] as? String, !user.isEmpty, !password.isEmpty
    else {
      logger.info("signin", metadata: ["source_ip": .string(sourceIP), "outcome": "InvalidRequest"])
      return Self.json(
        ["error": "InvalidRequest", "message": "Send a JSON object with account, user and password."], status: .badRequest)
    }
    let signIn = SignInRequest(
      account: account, userName: user, password: password, mfaCode: object["mfaCode"] as? String,
      newPassword: object["newPassword"] as? String, sourceIP: sourceIP)
    do {
      let credentials = try service.signIn(signIn)
      return Self.json(
        [
          "AccessKeyId": credentials.accessKeyID, "SecretAccessKey": credentials.secretAccessKey,
          "SessionToken": credentials.sessionToken, "Expiration": Self.iso8601(credentials.expiration),
          "Arn": credentials.arn,
        ], status: .ok)
    } catch {
      var response = Self.json(
        ["error": error.code, "message": error.message], status: HTTPResponse.Status(code: error.status))
      if let wait = error.retryAfter { response.headers[.retryAfter] = String(wait) }
      return response
    }
  }

  static func iso8601(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  static func json(_ body: [String: String], status: HTTPResponse.Status) -> Response {
    // INVARIANT: a dictionary of strings always serialises.
    let data = try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
  }
}

extension SignInEndpoint {
  /// Logs each attempt: the service calls this with what it decided.
  static func log(_ attempt: SignInAttempt, to logger: Logger) {
    logger.info(
      "signin",
      metadata: [
        "account": .string(attempt.account), "user": .string(attempt.userName), "source_ip": .string(attempt.sourceIP),
        "mfa": .stringConvertible(attempt.mfa), "outcome": .string(attempt.outcome),
      ])
  }
}
