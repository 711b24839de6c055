import Foundation
import PolicyEngine

/// Everything the analyzer knows about the accounts it looks at: one model, filled either from
/// AWS's exports (offline) or from a Portcullis data directory (live), so every check runs the
/// same way on both.
public struct Inventory: Sendable {
  public var accounts: [AccountInventory] = []
  /// Service control policies (name, document), applied to every account as one level.
  public var serviceControlPolicies: [PolicySource] = []
  /// Last activity seen in CloudTrail, by principal ARN (roles for their sessions).
  public var trailActivity: [String: Date] = [:]
  /// Problems met while reading the inputs (unreadable files, skipped `.gz` files...).
  public var notes: [String] = []

  public init() {}

  /// The account ids present, which form the zone of trust unless more are given.
  public var accountIDs: Set<String> { Set(accounts.map(\.id)) }
}

/// One account's IAM entities.
public struct AccountInventory: Sendable {
  public var id: String
  /// Where the data came from (a file path, or `data-dir`), for report locations.
  public var source: String
  public var users: [IAMUser] = []
  public var groups: [IAMGroup] = []
  public var roles: [IAMRole] = []
  /// Managed policies by ARN: the account's own and the AWS managed ones it uses.
  public var policies: [String: IAMManagedPolicy] = [:]
  /// The account password policy, when known.
  public var passwordPolicy: AccountPasswordPolicy?
  /// Whether the password-policy input was given at all (so "no policy" can be told from "unknown").
  public var passwordPolicyKnown = false
  /// The root user's credentials, when known (credential report or live directory).
  public var root: RootCredentials?

  public init(id: String, source: String) {
    self.id = id
    self.source = source
  }
}

/// A policy document with its name and where it is used.
public struct PolicySource: Sendable {
  /// The policy's name (inline) or ARN (managed).
  public var name: String
  /// The JSON text, decoded.
  public var document: String
  public var kind: PolicyKind

  public init(name: String, document: String, kind: PolicyKind) {
    self.name = name
    self.document = document
    self.kind = kind
  }
}

/// An inline policy.
public struct InlinePolicy: Sendable {
  public var name: String
  public var document: String

  public init(name: String, document: String) {
    self.name = name
    self.document = document
  }
}

/// A managed policy (customer or AWS managed) with its default version's document.
public struct IAMManagedPolicy: Sendable {
  public var arn: String
  public var name: String
  public var document: String
  public var attachmentCount: Int?
  /// `arn:aws:iam::aws:policy/...`.
  public var isAWSManaged: Bool { arn.contains(":iam::aws:policy/") }

  public init(arn: String, name: String, document: String, attachmentCount: Int? = nil) {
    self.arn = arn
    self.name = name
    self.document = document
    self.attachmentCount = attachmentCount
  }
}

/// An access key of a user (or of the root user).
public struct AccessKeyInfo: Sendable {
  public var id: String
  public var isActive: Bool
  /// When the key was created (or last rotated, as the credential report says).
  public var created: Date?
  public var lastUsed: Date?

  public init(id: String, isActive: Bool, created: Date?, lastUsed: Date?) {
    self.id = id
    self.isActive = isActive
    self.created = created
    self.lastUsed = lastUsed
  }
}

/// An IAM user.
public struct IAMUser: Sendable {
  public var name: String
  public var arn: String
  public var created: Date?
  public var groups: [String] = []
  public var inlinePolicies: [InlinePolicy] = []
  public var attachedPolicies: [String] = []
  public var permissionsBoundary: String?
  public var tags: [String: String] = [:]
  /// `nil` when unknown (no credential report); otherwise whether a console password is set.
  public var hasPassword: Bool?
  public var passwordLastUsed: Date?
  public var passwordLastChanged: Date?
  /// `nil` when unknown.
  public var mfaActive: Bool?
  /// `nil` when unknown.
  public var accessKeys: [AccessKeyInfo]?

  public init(name: String, arn: String, created: Date? = nil) {
    self.name = name
    self.arn = arn
    self.created = created
  }
}

/// An IAM group.
public struct IAMGroup: Sendable {
  public var name: String
  public var arn: String
  public var inlinePolicies: [InlinePolicy] = []
  public var attachedPolicies: [String] = []

  public init(name: String, arn: String) {
    self.name = name
    self.arn = arn
  }
}

/// An IAM role.
public struct IAMRole: Sendable {
  public var name: String
  public var arn: String
  public var path: String = "/"
  public var created: Date?
  public var trustPolicy: String
  public var inlinePolicies: [InlinePolicy] = []
  public var attachedPolicies: [String] = []
  public var permissionsBoundary: String?
  public var tags: [String: String] = [:]
  public var maxSessionDuration: Int?
  public var lastUsed: Date?

  public init(name: String, arn: String, trustPolicy: String) {
    self.name = name
    self.arn = arn
    self.trustPolicy = trustPolicy
  }

  /// Service-linked roles are AWS's to manage; most checks leave them alone.
  public var isServiceLinked: Bool { path.hasPrefix("/aws-service-role/") }
}

/// The root user's credentials as the credential report shows them.
public struct RootCredentials: Sendable {
  public var mfaActive: Bool
  public var accessKeys: [AccessKeyInfo]
  public var passwordLastUsed: Date?

  public init(mfaActive: Bool, accessKeys: [AccessKeyInfo], passwordLastUsed: Date?) {
    self.mfaActive = mfaActive
    self.accessKeys = accessKeys
    self.passwordLastUsed = passwordLastUsed
  }

  /// The latest use of any root credential.
  public var lastUsed: Date? { ([passwordLastUsed] + accessKeys.map(\.lastUsed)).compactMap { $0 }.max() }
}

/// The account password policy (`aws iam get-account-password-policy`).
public struct AccountPasswordPolicy: Sendable {
  public var minimumLength: Int?
  public var reusePrevention: Int?
  public var maxAge: Int?

  public init(minimumLength: Int?, reusePrevention: Int?, maxAge: Int?) {
    self.minimumLength = minimumLength
    self.reusePrevention = reusePrevention
    self.maxAge = maxAge
  }
}
