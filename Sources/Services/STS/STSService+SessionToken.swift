import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension STSService {
  static func registerSessionToken(_ h: inout [String: Handler]) {
    h["GetSessionToken"] = { s, i, c in try s.getSessionToken(i, c) }
  }

  /// `GetSessionToken`: temporary credentials with the caller's own permissions, usually to
  /// prove MFA once (`SerialNumber`, `TokenCode`) for a working day. Needs no permission, as in
  /// AWS ("you cannot use policies to control authentication operations").
  ///
  /// Durations run from 900 to 129,600 seconds (default 43,200) for users; the root user's
  /// sessions last at most an hour (default an hour), longer requests being shortened to it.
  func getSessionToken(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    guard caller.session == nil else {
      throw .accessDenied("Cannot call GetSessionToken with session credentials")
    }
    var duration = input.int("DurationSeconds") ?? (caller.isRoot ? 3600 : 43200)
    try validateDuration(duration, in: 900...129_600)
    if caller.isRoot { duration = min(duration, 3600) }
    let mfa = try proveMFA(input, caller)
    let issued = now()
    let (_, credentials) = issueCredentials(accountID: caller.accountID) { keyID, secret in
      SessionToken(
        accessKeyID: keyID, secretAccessKey: secret, accountID: caller.accountID, principalARN: caller.arn,
        principalID: caller.userID, userName: caller.userName, issuedAt: issued,
        expiration: issued.addingTimeInterval(TimeInterval(duration)), mfaAuthenticatedAt: mfa)
    }
    return .structure(["Credentials": credentials])
  }
}
