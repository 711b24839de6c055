import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// What a caller using temporary credentials carries beyond its principal: the facts the
/// Authorizer needs to evaluate its requests, taken from its opened `SessionToken` (secrets
/// left behind).
///
/// For a role session the permissions are the role's — its identity policies, within its
/// permissions boundary — intersected with the session policies, and its principal tags are the
/// role's tags overridden by the session tags. For `GetSessionToken` credentials they are the
/// user's own; only the MFA state and the issue time are new.
public struct CallerSession: Sendable, Equatable {
  /// Where the credentials came from.
  public enum Kind: Sendable, Equatable {
    /// `AssumeRole`: the session of role `roleName` (unique id `roleID`) in the caller's
    /// account. The id tells a role from a later one of the same name: a session of a deleted
    /// role has no permissions.
    case assumedRole(roleName: String, roleID: String)
    /// `GetSessionToken`: the user's (or root's) own permissions.
    case sessionToken
    /// `GetFederationToken`: a federated user whose permissions are the session policies
    /// within those of IAM user `userName` (`nil`: the root user) with unique id `userID`.
    case federatedUser(userName: String?, userID: String)
    /// The sign-in endpoint's console session: the user's own permissions.
    case consoleSignIn
  }

  public var kind: Kind
  /// `RoleSessionName`, for a role session.
  public var roleSessionName: String?
  /// `aws:TokenIssueTime`.
  public var issuedAt: Date
  public var expiration: Date
  /// When MFA was proved, if it was (`aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`).
  public var mfaAuthenticatedAt: Date?
  /// The inline session policy document.
  public var sessionPolicy: String?
  /// The managed session policies' ARNs.
  public var sessionPolicyARNs: [String]
  /// Session tags (`aws:PrincipalTag/…`, over the role's own tags).
  public var tags: [Tag]
  /// The keys of `tags` that pass on to sessions this one assumes.
  public var transitiveTagKeys: [String]
  /// `aws:SourceIdentity`.
  public var sourceIdentity: String?
  /// `aws:FederatedProvider`: the OIDC provider of a web identity session.
  public var federatedProvider: String?

  /// The session facts of an opened token.
  public init(_ token: SessionToken) {
    if let session = token.roleSessionName,
      case .assumedRole(let roleName, _) = RequestPrincipal(token.principalARN).kind
    {
      kind = .assumedRole(roleName: roleName, roleID: token.principalID)
      roleSessionName = session
    } else if case .federatedUser = RequestPrincipal(token.principalARN).kind {
      kind = .federatedUser(userName: token.federatingUserName, userID: token.federatingUserID ?? "")
      roleSessionName = nil
    } else if token.consoleSignIn == true {
      kind = .consoleSignIn
      roleSessionName = nil
    } else {
      kind = .sessionToken
      roleSessionName = nil
    }
    federatedProvider = token.federatedProvider
    issuedAt = token.issuedAt
    expiration = token.expiration
    mfaAuthenticatedAt = token.mfaAuthenticatedAt
    sessionPolicy = token.sessionPolicy
    sessionPolicyARNs = token.sessionPolicyARNs
    tags = token.tags
    transitiveTagKeys = token.transitiveTagKeys
    sourceIdentity = token.sourceIdentity
  }

  /// Whether session policies were passed: then they must allow too, and an inline policy or
  /// managed ARN that no longer resolves allows nothing.
  public var hasSessionPolicies: Bool { sessionPolicy != nil || !sessionPolicyARNs.isEmpty }

  /// The session tags that pass on to a session this one assumes (role chaining).
  public var transitiveTags: [Tag] {
    let keys = Set(transitiveTagKeys.map { $0.lowercased() })
    return tags.filter { keys.contains($0.key.lowercased()) }
  }
}
