import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerAccount(_ h: inout [String: Handler]) {
    h["CreateAccountAlias"] = { s, i, c in try s.createAccountAlias(i, c) }
    h["DeleteAccountAlias"] = { s, i, c in try s.deleteAccountAlias(i, c) }
    h["ListAccountAliases"] = { s, i, c in try s.listAccountAliases(i, c) }
    h["GetAccountSummary"] = { s, i, c in try s.getAccountSummary(i, c) }
    h["GetAccountAuthorizationDetails"] = { s, i, c in try s.getAccountAuthorizationDetails(i, c) }
    h["SetSecurityTokenServicePreferences"] = { s, i, c in try s.setSecurityTokenServicePreferences(i, c) }
  }

  /// Which session tokens STS's global endpoint issues (`v1Token`, valid only in Regions enabled
  /// by default, or `v2Token`, valid everywhere). This server has one endpoint and one token
  /// format, so the choice is recorded and reported (`GetAccountSummary`'s
  /// `GlobalEndpointTokenVersion`) but changes no token.
  func setSecurityTokenServicePreferences(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let version = input.string("GlobalEndpointTokenVersion") ?? ""
    guard version == "v1Token" || version == "v2Token" else {
      throw .validationError(violations: [
        ConstraintViolation(
          path: "globalEndpointTokenVersion", value: .shown(version),
          constraint: "Member must satisfy enum value set: [v1Token, v2Token]")
      ])
    }
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "SetSecurityTokenServicePreferences", "*", snapshot: tx.snapshot)
      var account = try tx.account(caller.accountID).account
      account.globalEndpointTokenVersion = version
      tx.put(account)
    }
    return .structure([:])
  }

  func createAccountAlias(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let alias = input.string("AccountAlias") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "CreateAccountAlias", "*", snapshot: tx.snapshot)
      if tx.snapshot.accounts.values.contains(where: { $0.account.alias == alias && $0.account.id != caller.accountID }) {
        throw .entityAlreadyExists("The account alias \(alias) already exists.")
      }
      var account = try tx.account(caller.accountID).account
      account.alias = alias
      tx.put(account)
    }
    return .structure([:])
  }

  func deleteAccountAlias(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let alias = input.string("AccountAlias") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteAccountAlias", "*", snapshot: tx.snapshot)
      var account = try tx.account(caller.accountID).account
      guard account.alias == alias else { throw .noSuchEntity("The account alias \(alias) cannot be found.") }
      account.alias = nil
      tx.put(account)
    }
    return .structure([:])
  }

  func listAccountAliases(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListAccountAliases", "*", snapshot: snapshot)
    let alias = try accountDirectory(caller, snapshot).account.alias
    return listOutput("AccountAliases", alias.map { [.string($0)] } ?? [], marker: nil)
  }

  func getAccountSummary(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "GetAccountSummary", "*", snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let versions = account.policies.values.reduce(0) { $0 + $1.versions.count }
    let rootKeys = account.accessKeys.values.contains { $0.userName == nil }
    let map: [String: Int] = [
      "Users": account.users.count, "UsersQuota": quotas.usersPerAccount,
      "Groups": account.groups.count, "GroupsQuota": quotas.groupsPerAccount,
      "Roles": account.roles.count, "RolesQuota": quotas.rolesPerAccount,
      "Policies": account.policies.count, "PoliciesQuota": quotas.customerManagedPoliciesPerAccount,
      "InstanceProfiles": account.instanceProfiles.count, "InstanceProfilesQuota": quotas.instanceProfilesPerAccount,
      "PolicyVersionsInUse": versions, "PolicyVersionsInUseQuota": 10_000,
      "VersionsPerPolicyQuota": quotas.versionsPerPolicy, "GroupsPerUserQuota": quotas.groupsPerUser,
      "AttachedPoliciesPerUserQuota": quotas.managedPoliciesPerEntity,
      "AttachedPoliciesPerGroupQuota": quotas.managedPoliciesPerEntity,
      "AttachedPoliciesPerRoleQuota": quotas.managedPoliciesPerEntity,
      "AccessKeysPerUserQuota": quotas.accessKeysPerUser, "AccountAccessKeysPresent": rootKeys ? 1 : 0,
      "AccountMFAEnabled": account.rootMFADevice == nil ? 0 : 1, "MFADevices": account.mfaDevices.count,
      "MFADevicesInUse": account.mfaDevices.values.filter { $0.userName != nil }.count,
      "AccountSigningCertificatesPresent": account.signingCertificates.values.contains { $0.userName == nil } ? 1 : 0,
      "SigningCertificatesPerUserQuota": quotas.signingCertificatesPerUser,
      "ServerCertificates": account.serverCertificates.count, "ServerCertificatesQuota": quotas.serverCertificatesPerAccount, "Providers": 0,
      "PolicySizeQuota": 6_144, "UserPolicySizeQuota": 2_048, "GroupPolicySizeQuota": 5_120,
      "RolePolicySizeQuota": 10_240, "AssumeRolePolicySizeQuota": 2_048,
      "GlobalEndpointTokenVersion": account.account.globalEndpointTokenVersion == "v2Token" ? 2 : 1,
    ]
    return .structure(["SummaryMap": .map(map.mapValues { .int($0) })])
  }

  func getAccountAuthorizationDetails(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "GetAccountAuthorizationDetails", "*", snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let filter = Set(input.strings("Filter") ?? [])
    func wants(_ kind: String) -> Bool { filter.isEmpty || filter.contains(kind) }
    func inline(_ policies: [String: String]) -> ModelValue {
      .list(policies.sorted { $0.key < $1.key }.map {
        .structure(["PolicyName": .string($0.key), "PolicyDocument": urlEncodedDocument($0.value)])
      })
    }
    func attached(_ arns: [String]) -> ModelValue {
      .list(arns.compactMap { try? policy($0, caller, snapshot) }.map {
        .structure(["PolicyName": .string($0.name), "PolicyArn": .string($0.arn)])
      })
    }
    var users: [ModelValue] = []
    if wants("User") {
      users = account.users.values.sorted { $0.name.lowercased() < $1.name.lowercased() }.map { u in
        .object([
          "Path": .string(u.path), "UserName": .string(u.name), "UserId": .string(u.id), "Arn": .string(u.arn),
          "CreateDate": .timestamp(u.createDate), "UserPolicyList": inline(u.inlinePolicies),
          "GroupList": .list(u.groups.map(ModelValue.string)), "AttachedManagedPolicies": attached(u.attachedPolicies),
          "PermissionsBoundary": boundaryModel(u.permissionsBoundary), "Tags": u.tags.model,
        ])
      }
    }
    var groups: [ModelValue] = []
    if wants("Group") {
      groups = account.groups.values.sorted { $0.name.lowercased() < $1.name.lowercased() }.map { g in
        .object([
          "Path": .string(g.path), "GroupName": .string(g.name), "GroupId": .string(g.id), "Arn": .string(g.arn),
          "CreateDate": .timestamp(g.createDate), "GroupPolicyList": inline(g.inlinePolicies),
          "AttachedManagedPolicies": attached(g.attachedPolicies),
        ])
      }
    }
    var roles: [ModelValue] = []
    if wants("Role") {
      roles = account.roles.values.sorted { $0.name.lowercased() < $1.name.lowercased() }.map { r in
        let profiles = account.instanceProfiles.values.filter { $0.roles.contains { $0.lowercased() == r.name.lowercased() } }
        var model = lastUsed.withPendingUse(r).model(full: true)
        if case .structure(var members) = model {
          members["InstanceProfileList"] = .list(profiles.map { profileModel($0, account) })
          members["RolePolicyList"] = inline(r.inlinePolicies)
          members["AttachedManagedPolicies"] = attached(r.attachedPolicies)
          model = .structure(members)
        }
        return model
      }
    }
    var policies: [ModelValue] = []
    if wants("LocalManagedPolicy") || wants("AWSManagedPolicy") {
      var refs: [ManagedPolicyReference] = []
      if wants("LocalManagedPolicy") { refs += account.policies.values.map { .customer($0) } }
      if wants("AWSManagedPolicy") {
        // AWS lists the AWS managed policies the account uses, not all of them.
        var arns = Set<String>()
        for u in account.users.values { arns.formUnion(u.attachedPolicies); if let b = u.permissionsBoundary { arns.insert(b) } }
        for g in account.groups.values { arns.formUnion(g.attachedPolicies) }
        for r in account.roles.values { arns.formUnion(r.attachedPolicies); if let b = r.permissionsBoundary { arns.insert(b) } }
        refs += arns.sorted().compactMap { AWSManagedPolicies.shared.policy(arn: $0) }.map { .aws($0) }
      }
      policies = refs.sorted { $0.name.lowercased() < $1.name.lowercased() }.map { ref in
        var model = policyModel(ref, account: account)
        let versions: [ModelValue]
        switch ref {
        case .customer(let p):
          versions = p.versions.reversed().map { versionModel($0, defaultID: p.defaultVersionID, document: true) }
        case .aws(let p):
          versions = [
            versionModel(
              ManagedPolicy.Version(id: p.defaultVersionId, document: p.document, createDate: p.updateDate),
              defaultID: p.defaultVersionId, document: true)
          ]
        }
        if case .structure(var members) = model {
          members["PolicyVersionList"] = .list(versions)
          model = .structure(members)
        }
        return model
      }
    }
    // One page runs through the four lists in this order, `MaxItems` entries in all (AWS's
    // default is 100), each list sorted by name: the marker names the next entry by its list
    // and name, so a page boundary survives changes elsewhere in the account.
    func key(_ list: Int, _ entry: ModelValue, _ member: String) -> String {
      "\(list)\u{0}\(entry[member: member]?.stringValue?.lowercased() ?? "")\u{0}\(entry[member: "Arn"]?.stringValue ?? "")"
    }
    let entries =
      users.map { (0, $0, key(0, $0, "UserName")) } + groups.map { (1, $0, key(1, $0, "GroupName")) }
      + roles.map { (2, $0, key(2, $0, "RoleName")) } + policies.map { (3, $0, key(3, $0, "PolicyName")) }
    let (slice, marker) = page(entries, input: input) { $0.2 }
    func list(_ index: Int) -> ModelValue { .list(slice.filter { $0.0 == index }.map(\.1)) }
    return .object([
      "UserDetailList": list(0), "GroupDetailList": list(1), "RoleDetailList": list(2),
      "Policies": list(3), "IsTruncated": .bool(marker != nil), "Marker": .str(marker),
    ])
  }
}
