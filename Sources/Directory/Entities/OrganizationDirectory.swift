import Foundation
import HashTreeCollections

/// One organization's entities in a snapshot.
public struct OrganizationDirectory: Sendable {
  /// `nil` only while loading, before the organization's own row is applied.
  public var organization: Organization?
  /// OUs by id.
  public var units: TreeDictionary<String, OrganizationalUnit> = [:]
  /// Member accounts (the management account included) by account id.
  public var accounts: TreeDictionary<String, OrganizationAccount> = [:]
  /// Policies by id.
  public var policies: TreeDictionary<String, OrganizationPolicy> = [:]
  /// Changes whenever anything in the organization changes; caches of derived values (compiled
  /// SCP chains, condition keys) compare it. Random, so two directories in one process never
  /// share a revision.
  public var revision: UInt64 = 0

  public init() {}

  /// The ids from the root down to `accountID`'s parent (root, OU, OU…); empty when the
  /// account is not a member. A cycle (never written by the service) stops the walk.
  public func ancestors(ofAccount accountID: String) -> [String] {
    guard let member = accounts[accountID] else { return [] }
    return ancestors(startingAt: member.parentID)
  }

  /// `parentID` and its ancestors, root first.
  public func ancestors(startingAt parentID: String) -> [String] {
    var chain: [String] = []
    var current: String? = parentID
    while let id = current, chain.count < 10, !chain.contains(id) {
      chain.append(id)
      current = units[id]?.parentID
    }
    return chain.reversed()
  }

  /// The policies of `type` attached to `targetID`, in a stable order (by id).
  public func policies(attachedTo targetID: String, type: String) -> [OrganizationPolicy] {
    policies.values.filter { $0.type == type && $0.targets.contains(targetID) }.sorted { $0.id < $1.id }
  }

  /// `o-…/r-…/ou-…/…/` for `accountID`: the value of `aws:PrincipalOrgPaths` and
  /// `aws:ResourceOrgPaths`, as AWS writes it.
  public func path(ofAccount accountID: String) -> String? {
    guard let organization, accounts[accountID] != nil else { return nil }
    return ([organization.id] + ancestors(ofAccount: accountID)).joined(separator: "/") + "/"
  }
}

/// Every organization on the server, and which one each account belongs to.
public struct OrganizationsIndex: Sendable {
  /// By management account id.
  public var byManagementAccount: TreeDictionary<String, OrganizationDirectory> = [:]
  /// Account id (member or management) to its organization's management account id.
  public var managementAccountOf: TreeDictionary<String, String> = [:]

  public init() {}

  /// The organization `accountID` belongs to, if any.
  public func organization(of accountID: String) -> OrganizationDirectory? {
    guard let management = managementAccountOf[accountID] else { return nil }
    return byManagementAccount[management]
  }

  /// Applies one stored organization change.
  mutating func apply(_ change: EntityChange) throws {
    let d = EntityChange.decoder
    let management = change.accountID
    var org = byManagementAccount[management] ?? OrganizationDirectory()
    switch change.kind {
    case .organization:
      org.organization = try change.body.map { try d.decode(Organization.self, from: $0) }
    case .organizationalUnit:
      org.units[change.key] = try change.body.map { try d.decode(OrganizationalUnit.self, from: $0) }
    case .organizationAccount:
      let member = try change.body.map { try d.decode(OrganizationAccount.self, from: $0) }
      org.accounts[change.key] = member
      managementAccountOf[change.key] = member == nil ? nil : management
    case .organizationPolicy:
      org.policies[change.key] = try change.body.map { try d.decode(OrganizationPolicy.self, from: $0) }
    default:
      return
    }
    org.revision = UInt64.random(in: 1...UInt64.max)
    if org.organization == nil, org.units.isEmpty, org.accounts.isEmpty, org.policies.isEmpty {
      byManagementAccount[management] = nil
    } else {
      byManagementAccount[management] = org
    }
  }

  /// Whether `kind` is one of the organization kinds this index keeps.
  static func keeps(_ kind: EntityKind) -> Bool {
    switch kind {
    case .organization, .organizationalUnit, .organizationAccount, .organizationPolicy: true
    default: false
    }
  }
}
