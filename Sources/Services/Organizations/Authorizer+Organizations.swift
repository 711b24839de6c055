import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Synchronization

/// What an organization adds to the authorization of one request: the SCP chain of the
/// caller's account, the RCP chain of the resource's account, and the organization condition
/// keys (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:ResourceOrgID`,
/// `aws:ResourceOrgPaths`; `aws:PrincipalIsAWSService` comes from the engine).
struct OrganizationGuardrails {
  var serviceControlLevels: [PolicySlot] = []
  var resourceControlLevels: [PolicySlot] = []
  var context: [(String, ContextValue)] = []

  static let none = OrganizationGuardrails()
}

/// One account's place in its organization, compiled: built once per organization revision and
/// kept, so a request in an organization compiles nothing.
struct OrganizationPlacement: Sendable {
  let revision: UInt64
  let managementAccountID: String
  let organizationID: String
  /// `o-…/r-…/ou-…/`.
  let path: String
  /// Root first, then each OU down the path, then the account; empty for the management
  /// account (SCPs never apply to it) or when the type is not enabled.
  let serviceControlLevels: [PolicySlot]
  /// Likewise for RCPs, which limit access to the account's resources.
  let resourceControlLevels: [PolicySlot]
}

/// Placements by account id; an entry is good while its organization's revision is current.
final class OrganizationPlacementCache: Sendable {
  let entries = Mutex<[String: OrganizationPlacement]>([:])
  init() {}
}

extension Authorizer {
  /// Services whose resources RCPs govern, as AWS lists them; for other actions RCPs do not
  /// take part.
  static let resourceControlServices: Set<String> = [
    "s3", "sts", "sqs", "kms", "secretsmanager", "ecr", "aoss", "cognito-identity", "logs", "dynamodb",
  ]

  /// The guardrails for a call by `caller` on a resource of `resourceAccount` (the caller's own
  /// when `nil`).
  func organizationGuardrails(
    _ caller: Caller, action: String, resourceAccount: String?, snapshot: DirectorySnapshot
  ) -> OrganizationGuardrails {
    let index = snapshot.organizations
    let resourceAccount = resourceAccount ?? caller.accountID
    // The common case, no organization at all, costs two failed lookups.
    let principalPlacement = index.managementAccountOf[caller.accountID] == nil
      ? nil : organizationPlacement(of: caller.accountID, snapshot: snapshot)
    let resourcePlacement: OrganizationPlacement?
    if resourceAccount == caller.accountID {
      resourcePlacement = principalPlacement
    } else {
      resourcePlacement = index.managementAccountOf[resourceAccount] == nil
        ? nil : organizationPlacement(of: resourceAccount, snapshot: snapshot)
    }
    guard principalPlacement != nil || resourcePlacement != nil else { return .none }
    var guardrails = OrganizationGuardrails()
    if let p = principalPlacement {
      guardrails.serviceControlLevels = p.serviceControlLevels
      guardrails.context.append(("aws:PrincipalOrgID", .single(p.organizationID)))
      guardrails.context.append(("aws:PrincipalOrgPaths", .multiple([p.path])))
    }
    if let r = resourcePlacement {
      guardrails.context.append(("aws:ResourceOrgID", .single(r.organizationID)))
      guardrails.context.append(("aws:ResourceOrgPaths", .multiple([r.path])))
      let service = action.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
      if Self.resourceControlServices.contains(service) {
        guardrails.resourceControlLevels = r.resourceControlLevels
      }
    }
    return guardrails
  }

  /// `accountID`'s compiled place in its organization, from the cache when the organization has
  /// not changed since.
  func organizationPlacement(of accountID: String, snapshot: DirectorySnapshot) -> OrganizationPlacement? {
    guard let org = snapshot.organizations.organization(of: accountID), let organization = org.organization else {
      return nil
    }
    if let cached = organizationPlacements.entries.withLock({ $0[accountID] }), cached.revision == org.revision,
      cached.managementAccountID == organization.managementAccountID
    {
      return cached
    }
    let chain = [organization.rootID] + org.ancestors(ofAccount: accountID).dropFirst() + [accountID]
    func levels(_ type: String, kind: PolicyKind, slotKind: PolicySlotKind) -> [PolicySlot] {
      guard organization.isEnabled(type), accountID != organization.managementAccountID else { return [] }
      return chain.map { target in
        let policies = org.policies(attachedTo: target, type: type).compactMap { p in
          policy(p.content, kind: kind, name: p.name)
        }
        // A level with no policy (never left so by the service) allows nothing: fail closed.
        return PolicySlot(kind: slotKind, policies: policies, label: target)
      }
    }
    let placement = OrganizationPlacement(
      revision: org.revision, managementAccountID: organization.managementAccountID,
      organizationID: organization.id, path: org.path(ofAccount: accountID) ?? "\(organization.id)/",
      serviceControlLevels: levels("SERVICE_CONTROL_POLICY", kind: .serviceControl, slotKind: .serviceControl),
      resourceControlLevels: levels("RESOURCE_CONTROL_POLICY", kind: .resourceControl, slotKind: .resourceControl))
    organizationPlacements.entries.withLock { cache in
      if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
      cache[accountID] = placement
    }
    return placement
  }
}
