import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// The caller side of temporary credentials: what the HTTP layer builds once it has opened a
/// request's `X-Amz-Security-Token` and checked the signature with the secret inside.
extension Caller {
  /// The caller of a request signed with temporary credentials.
  ///
  /// - A role session: principal `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, `userID`
  ///   `AROA…:SESSION`, no user name; `session` carries the role and the session's policies.
  /// - `GetSessionToken` credentials: the user (or root) itself, with `session` carrying the
  ///   MFA state and issue time.
  public init(
    session token: SessionToken, sourceIP: String, secureTransport: Bool, region: String, time: Date,
    userAgent: String? = nil
  ) {
    self.init(
      accountID: token.accountID, principal: RequestPrincipal(token.principalARN), userName: token.userName,
      userID: token.userID, accessKeyID: token.accessKeyID, sourceIP: sourceIP, secureTransport: secureTransport,
      region: region, time: time, userAgent: userAgent)
    session = CallerSession(token)
  }

  /// Whether the caller is a role session (`AssumeRole` credentials).
  public var isRoleSession: Bool {
    if case .assumedRole? = session?.kind { return true }
    return false
  }

  /// The role a role session belongs to, as the directory has it now; `nil` for other callers,
  /// and when the role was deleted (or replaced by another of the same name) since.
  public func sessionRole(in snapshot: DirectorySnapshot) -> Role? {
    guard case .assumedRole(let name, let id)? = session?.kind,
      let role = snapshot.accounts[accountID]?.roles[name.lowercased()], role.id == id
    else { return nil }
    return role
  }
}
