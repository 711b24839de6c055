import Foundation

/// An AWS Organizations organization: one per management account, global to the server (an
/// account belongs to at most one organization).
///
/// Stored under the management account, like every entity of the organization (OUs, member
/// accounts, policies), so the store needs no table beyond the entity table.
public struct Organization: Codable, Sendable, Equatable {
  /// `o-` and 10 lowercase letters or digits.
  public var id: String
  public var managementAccountID: String
  public var managementAccountEmail: String
  /// `ALL` (the only feature set this server offers) or `CONSOLIDATED_BILLING`.
  public var featureSet: String
  /// The single root: `r-` and 4 lowercase letters or digits.
  public var rootID: String
  public var rootName: String = "Root"
  /// Policy types enabled on the root (`SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`).
  public var enabledPolicyTypes: [String] = []
  /// Tags on the root.
  public var rootTags: [Tag] = []
  public var createDate: Date

  public init(
    id: String, managementAccountID: String, managementAccountEmail: String, featureSet: String, rootID: String,
    createDate: Date
  ) {
    self.id = id
    self.managementAccountID = managementAccountID
    self.managementAccountEmail = managementAccountEmail
    self.featureSet = featureSet
    self.rootID = rootID
    self.createDate = createDate
  }

  /// `arn:aws:organizations::MGMT:organization/o-…`.
  public var arn: String { "arn:aws:organizations::\(managementAccountID):organization/\(id)" }
  /// `arn:aws:organizations::MGMT:root/o-…/r-…`.
  public var rootARN: String { "arn:aws:organizations::\(managementAccountID):root/\(id)/\(rootID)" }

  /// The ARN of an OU of this organization.
  public func unitARN(_ unitID: String) -> String {
    "arn:aws:organizations::\(managementAccountID):ou/\(id)/\(unitID)"
  }

  /// The ARN of a member account of this organization.
  public func accountARN(_ accountID: String) -> String {
    "arn:aws:organizations::\(managementAccountID):account/\(id)/\(accountID)"
  }

  /// The ARN of a policy: AWS managed policies (`p-FullAWSAccess`) live in account `aws`.
  public func policyARN(_ policy: OrganizationPolicy) -> String {
    let type = policy.type.lowercased()
    if policy.isAWSManaged { return "arn:aws:organizations::aws:policy/\(type)/\(policy.id)" }
    return "arn:aws:organizations::\(managementAccountID):policy/\(id)/\(type)/\(policy.id)"
  }

  /// Whether policies of `type` may be attached.
  public func isEnabled(_ type: String) -> Bool { enabledPolicyTypes.contains(type) }
}

/// An organizational unit: a node of the tree under the root, holding accounts and OUs.
public struct OrganizationalUnit: Codable, Sendable, Equatable {
  public var managementAccountID: String
  /// `ou-` + the root's 4 characters + `-` + 8 lowercase letters or digits.
  public var id: String
  public var name: String
  /// The root's or another OU's id.
  public var parentID: String
  public var tags: [Tag] = []

  public init(managementAccountID: String, id: String, name: String, parentID: String) {
    self.managementAccountID = managementAccountID
    self.id = id
    self.name = name
    self.parentID = parentID
  }
}

/// An account's membership in an organization (the management account's included).
public struct OrganizationAccount: Codable, Sendable, Equatable {
  public var managementAccountID: String
  /// The member's 12-digit account id.
  public var id: String
  public var name: String
  public var email: String
  /// The root's or an OU's id.
  public var parentID: String
  /// `CREATED` or `INVITED`.
  public var joinedMethod: String
  public var joinedTimestamp: Date
  public var tags: [Tag] = []
  /// For accounts made by `CreateAccount`: the request's id (`car-…`), so
  /// `DescribeCreateAccountStatus` can find it.
  public var createAccountRequestID: String?

  public init(
    managementAccountID: String, id: String, name: String, email: String, parentID: String, joinedMethod: String,
    joinedTimestamp: Date
  ) {
    self.managementAccountID = managementAccountID
    self.id = id
    self.name = name
    self.email = email
    self.parentID = parentID
    self.joinedMethod = joinedMethod
    self.joinedTimestamp = joinedTimestamp
  }
}

/// A policy of the organization (an SCP or RCP) and the targets it is attached to.
public struct OrganizationPolicy: Codable, Sendable, Equatable {
  public var managementAccountID: String
  /// `p-` and 8 lowercase letters or digits; AWS managed ones are `p-FullAWSAccess` and
  /// `p-RCPFullAWSAccess`.
  public var id: String
  public var name: String
  public var description: String
  /// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
  public var type: String
  /// The policy document, as written.
  public var content: String
  public var isAWSManaged: Bool = false
  /// Ids of the root, OUs and accounts it is attached to, in attachment order.
  public var targets: [String] = []
  public var tags: [Tag] = []

  public init(
    managementAccountID: String, id: String, name: String, description: String, type: String, content: String
  ) {
    self.managementAccountID = managementAccountID
    self.id = id
    self.name = name
    self.description = description
    self.type = type
    self.content = content
  }
}

extension Organization: DirectoryEntity {
  public static let kind = EntityKind.organization
  public var accountID: String { managementAccountID }
  public var storeKey: String { id }
}

extension OrganizationalUnit: DirectoryEntity {
  public static let kind = EntityKind.organizationalUnit
  public var accountID: String { managementAccountID }
  public var storeKey: String { id }
}

extension OrganizationAccount: DirectoryEntity {
  public static let kind = EntityKind.organizationAccount
  public var accountID: String { managementAccountID }
  public var storeKey: String { id }
}

extension OrganizationPolicy: DirectoryEntity {
  public static let kind = EntityKind.organizationPolicy
  public var accountID: String { managementAccountID }
  public var storeKey: String { id }
}
