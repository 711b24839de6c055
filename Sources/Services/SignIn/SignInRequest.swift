import Foundation

/// A console sign-in (`POST /signin`): who, with what password, and from where.
public struct SignInRequest: Sendable {
  /// The 12-digit account id or the account's alias.
  public var account: String
  public var userName: String
  public var password: String
  /// The current code of one of the user's MFA devices; required when it has one.
  public var mfaCode: String?
  /// The password to change to, when the current one must be reset or has expired.
  public var newPassword: String?
  /// The client's address, for throttling and the log.
  public var sourceIP: String

  public init(
    account: String, userName: String, password: String, mfaCode: String? = nil, newPassword: String? = nil,
    sourceIP: String
  ) {
    self.account = account
    self.userName = userName
    self.password = password
    self.mfaCode = mfaCode
    self.newPassword = newPassword
    self.sourceIP = sourceIP
  }
}

/// The console session a successful sign-in returns: temporary credentials acting as the user.
public struct ConsoleCredentials: Sendable {
  public var accessKeyID: String
  public var secretAccessKey: String
  public var sessionToken: String
  public var expiration: Date
  /// The user's ARN.
  public var arn: String
}

/// A refused sign-in: an error code and message for the JSON body, and the HTTP status.
public struct SignInFailure: Error, Sendable, Equatable {
  public var code: String
  public var message: String
  public var status: Int
  /// Seconds to wait before trying again (`Retry-After`), for 429.
  public var retryAfter: Int?

  public init(code: String, message: String, status: Int, retryAfter: Int? = nil) {
    self.code = code
    self.message = message
    self.status = status
    self.retryAfter = retryAfter
  }

  /// The one answer for an unknown account, an unknown user, a user without a password and a
  /// wrong password, so the endpoint does not tell which names exist.
  public static let invalidCredentials = SignInFailure(
    code: "InvalidCredentials", message: "The account, user name or password is incorrect.", status: 401)
  public static let mfaRequired = SignInFailure(
    code: "MFARequired", message: "This user has an MFA device: send its current code as mfaCode.", status: 401)
  public static let invalidMFACode = SignInFailure(
    code: "InvalidMFACode", message: "The MFA code is not valid.", status: 401)
  public static let passwordResetRequired = SignInFailure(
    code: "PasswordResetRequired", message: "The password must be changed: send a new one as newPassword.", status: 403)
  public static let passwordExpired = SignInFailure(
    code: "PasswordExpired", message: "The password has expired: send a new one as newPassword.", status: 403)
  public static let passwordExpiredHard = SignInFailure(
    code: "PasswordExpired", message: "The password has expired and only an administrator can reset it.", status: 403)

  static func throttled(_ seconds: Int) -> SignInFailure {
    SignInFailure(
      code: "Throttling", message: "Too many failed sign-in attempts; try again in \(seconds) seconds.", status: 429,
      retryAfter: seconds)
  }
}

/// One sign-in attempt, for the log: never the password.
public struct SignInAttempt: Sendable {
  public var account: String
  /// The user name, or `SignInService.hiddenUserName` when no such user has a password.
  public var userName: String
  public var sourceIP: String
  /// `success`, or the failure's code.
  public var outcome: String
  public var mfa: Bool
  /// The user's ARN once the user is known (for an audit record's `userIdentity`).
  public var userARN: String?
}
