import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension OrganizationsService {
  static func registerOrganization(_ h: inout [String: Handler]) {
    h["CreateOrganization"] = { s, i, c in try s.createOrganization(i, c) }
    h["DescribeOrganization"] = { s, _, c in try s.describeOrganization(c) }
    h["DeleteOrganization"] = { s, _, c in try s.deleteOrganization(c) }
    h["ListRoots"] = { s, i, c in try s.listRoots(i, c) }
    h["EnablePolicyType"] = { s, i, c in try s.setPolicyType(i, c, enabled: true) }
    h["DisablePolicyType"] = { s, i, c in try s.setPolicyType(i, c, enabled: false) }
  }

  /// The policy types this server enforces, with the AWS managed policy that allows everything
  /// and is attached everywhere when the type is enabled.
  static let policyTypes: [String: (id: String, name: String, description: String, kind: PolicyKind)] = [
    "SERVICE_CONTROL_POLICY": (
      "p-FullAWSAccess", "FullAWSAccess", "Allows access to every operation", .serviceControl
    ),
    "RESOURCE_CONTROL_POLICY": (
      "p-RCPFullAWSAccess", "RCPFullAWSAccess", "Allows access to every resource", .resourceControl
    ),
  ]

  static let allowAllDocuments: [String: String] = [
    "SERVICE_CONTROL_POLICY": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    "RESOURCE_CONTROL_POLICY":
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
  ]

  /// `CreateOrganization`: the caller's account becomes the management account of a new
  /// organization, alone under its root. No policy type is enabled yet, as on AWS.
  func createOrganization(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let snapshot = directory.snapshot
    try authorize(caller, "CreateOrganization", "*", snapshot: snapshot)
    let featureSet = input.string("FeatureSet") ?? "ALL"
    let now = self.now()
    let organization = try directory.write { tx throws(AWSError) -> Organization in
      if tx.snapshot.organizations.managementAccountOf[caller.accountID] != nil { throw .alreadyInOrganization() }
      let management = caller.accountID
      let organization = Organization(
        id: OrganizationIdentifiers.organizationID(), managementAccountID: management,
        managementAccountEmail: "root@\(management).portcullis.invalid", featureSet: featureSet,
        rootID: OrganizationIdentifiers.rootID(), createDate: now)
      try tx.record(.put(organization))
      let member = OrganizationAccount(
        managementAccountID: management, id: management,
        name: tx.snapshot.accounts[management]?.account.alias ?? "management",
        email: organization.managementAccountEmail, parentID: organization.rootID, joinedMethod: "CREATED",
        joinedTimestamp: now)
      try tx.record(.put(member))
      for (type, managed) in Self.policyTypes.sorted(by: { $0.key < $1.key }) {
        var policy = OrganizationPolicy(
          managementAccountID: management, id: managed.id, name: managed.name, description: managed.description,
          type: type, content: Self.allowAllDocuments[type]!)
        policy.isAWSManaged = true
        try tx.record(.put(policy))
      }
      return organization
    }
    return .structure(["Organization": model(organization)])
  }

  /// `DescribeOrganization`: any member may call it.
  func describeOrganization(_ caller: Caller) throws(AWSError) -> ModelValue? {
    let (_, organization) = try self.organization(
      caller, "DescribeOrganization", managementOnly: false, snapshot: directory.snapshot)
    return .structure(["Organization": model(organization)])
  }

  /// `DeleteOrganization`: only once every member account has left; its OUs and policies go
  /// with it.
  func deleteOrganization(_ caller: Caller) throws(AWSError) -> ModelValue? {
    let (_, organization) = try self.organization(caller, "DeleteOrganization", snapshot: directory.snapshot)
    try writeOrganization(organization.managementAccountID) { tx, org, organization throws(AWSError) in
      guard org.accounts.count <= 1 else {
        throw .organizations(
          "OrganizationNotEmptyException",
          "The organization isn't empty. To delete an organization, you must first remove all accounts except the management account.")
      }
      let management = organization.managementAccountID
      for id in org.units.keys { try tx.record(.delete(.organizationalUnit, accountID: management, key: id)) }
      for id in org.policies.keys { try tx.record(.delete(.organizationPolicy, accountID: management, key: id)) }
      for id in org.accounts.keys { try tx.record(.delete(.organizationAccount, accountID: management, key: id)) }
      try tx.record(.delete(.organization, accountID: management, key: organization.id))
    }
    return nil
  }

  /// `ListRoots`: the single root.
  func listRoots(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let (_, organization) = try self.organization(caller, "ListRoots", snapshot: directory.snapshot)
    let (items, next) = try page([organization], input: input)
    return listOutput("Roots", items.map(rootModel), nextToken: next)
  }

  /// `EnablePolicyType` / `DisablePolicyType` on the root. Enabling attaches the type's
  /// allow-everything policy (`FullAWSAccess`) to the root and every OU and account, as AWS
  /// does, so nothing changes until a narrower policy replaces it; disabling detaches every
  /// policy of the type.
  func setPolicyType(_ input: ModelValue, _ caller: Caller, enabled: Bool) throws(AWSError) -> ModelValue? {
    let rootID = input.string("RootId") ?? ""
    let type = input.string("PolicyType") ?? ""
    let action = enabled ? "EnablePolicyType" : "DisablePolicyType"
    let (_, current) = try self.organization(
      caller, action, resource: { $0.rootARN }, context: ["organizations:PolicyType": .single(type)],
      snapshot: directory.snapshot)
    let organization = try writeOrganization(current.managementAccountID) {
      tx, org, organization throws(AWSError) -> Organization in
      guard rootID == organization.rootID else { throw .rootNotFound() }
      guard let managed = Self.policyTypes[type], organization.featureSet == "ALL" else {
        throw .organizations(
          "PolicyTypeNotAvailableForOrganizationException",
          "You can't use the specified policy type with the feature set currently enabled for this organization.")
      }
      var organization = organization
      if enabled {
        guard !organization.isEnabled(type) else {
          throw .organizations(
            "PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled in the specified root.")
        }
        organization.enabledPolicyTypes.append(type)
        if var allowAll = org.policies[managed.id] {
          allowAll.targets = [organization.rootID] + org.units.keys.sorted() + org.accounts.keys.sorted()
          try tx.record(.put(allowAll))
        }
      } else {
        guard organization.isEnabled(type) else { throw .policyTypeNotEnabled() }
        organization.enabledPolicyTypes.removeAll { $0 == type }
        for policy in org.policies.values where policy.type == type && !policy.targets.isEmpty {
          var detached = policy
          detached.targets = []
          try tx.record(.put(detached))
        }
      }
      try tx.record(.put(organization))
      return organization
    }
    return .structure(["Root": rootModel(organization)])
  }
}
