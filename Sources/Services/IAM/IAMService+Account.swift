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
      "AccountMFAEnabled": 0, "MFADevices": account.mfaDevices.count,
      "MFADevicesInUse": account.mfaDevices.values.filter { $0.userName != nil }.count,
      "AccountSigningCertificatesPresent": 0,
      "SigningCertificatesPerUserQuota": 2, "ServerCertificates": 0, "ServerCertificatesQuota": 20, "Providers": 0,
      "PolicySizeQuota": 6_144, "UserPolicySizeQuota": 2_048, "GroupPolicySizeQuota": 5_120,
      "RolePolicySizeQuota": 10_240, "AssumeRolePolicySizeQuota": 2_048, "GlobalEndpointTokenVersion": 1,
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
    return .object([
      "UserDetailList": .list(users), "GroupDetailList": .list(groups), "RoleDetailList": .list(roles),
      "Policies": .list(policies), "IsTruncated": .bool(false),
    ])
  }
}
