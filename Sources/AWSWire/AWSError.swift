/// An error as AWS returns it: a code, a message, an HTTP status and whether the caller or the
/// service is at fault. The HTTP layer renders it into the protocol's error body (Query XML
/// `ErrorResponse`, or JSON `__type`).
///
/// Codes are a struct over a private string rather than an enum, so adding a code never breaks
/// a `switch` elsewhere.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
  /// AWS's error code, e.g. `NoSuchEntity`.
  public let code: String
  /// The message, worded as AWS words it.
  public let message: String
  /// The HTTP status.
  public let status: Int
  /// `Sender` (the caller's fault) or `Receiver` (the service's).
  public let isSenderFault: Bool
  /// Further members of the error shape, written beside the message by the JSON protocols
  /// (Organizations' `ConstraintViolationException` has a `Reason`); Query errors leave them out.
  public var fields: [String: String] = [:]

  /// Creates an error.
  public init(code: String, message: String, status: Int = 400, isSenderFault: Bool = true) {
    self.code = code
    self.message = message
    self.status = status
    self.isSenderFault = isSenderFault
  }

  public var description: String { "\(code): \(message)" }

  // MARK: common codes (IAM and STS)

  public static func accessDenied(_ message: String) -> AWSError {
    AWSError(code: "AccessDenied", message: message, status: 403)
  }
  public static func noSuchEntity(_ message: String) -> AWSError {
    AWSError(code: "NoSuchEntity", message: message, status: 404)
  }
  public static func entityAlreadyExists(_ message: String) -> AWSError {
    AWSError(code: "EntityAlreadyExists", message: message, status: 409)
  }
  public static func deleteConflict(_ message: String) -> AWSError {
    AWSError(code: "DeleteConflict", message: message, status: 409)
  }
  public static func limitExceeded(_ message: String) -> AWSError {
    AWSError(code: "LimitExceeded", message: message, status: 409)
  }
  public static func malformedPolicyDocument(_ message: String) -> AWSError {
    AWSError(code: "MalformedPolicyDocument", message: message, status: 400)
  }
  public static func invalidInput(_ message: String) -> AWSError {
    AWSError(code: "InvalidInput", message: message, status: 400)
  }
  public static func validationError(_ message: String) -> AWSError {
    AWSError(code: "ValidationError", message: message, status: 400)
  }
  public static func serviceFailure(_ message: String = "An internal error occurred.") -> AWSError {
    AWSError(code: "ServiceFailure", message: message, status: 500, isSenderFault: false)
  }
  public static func missingAuthenticationToken(_ message: String = "Request is missing Authentication Token") -> AWSError {
    AWSError(code: "MissingAuthenticationToken", message: message, status: 403)
  }
  public static func incompleteSignature(_ message: String) -> AWSError {
    AWSError(code: "IncompleteSignature", message: message, status: 403)
  }
  public static func invalidClientTokenId(
    _ message: String = "The security token included in the request is invalid."
  ) -> AWSError {
    AWSError(code: "InvalidClientTokenId", message: message, status: 403)
  }
  public static func signatureDoesNotMatch(
    _ message: String =
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
  ) -> AWSError {
    AWSError(code: "SignatureDoesNotMatch", message: message, status: 403)
  }
  public static func invalidAction(_ action: String) -> AWSError {
    AWSError(code: "InvalidAction", message: "Could not find operation \(action) for version 2010-05-08", status: 400)
  }
}
