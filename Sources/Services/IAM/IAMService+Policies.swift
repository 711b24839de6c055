import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// A managed policy as the API sees it: one of the account's, or one of AWS's.
enum ManagedPolicyReference {
  case customer(ManagedPolicy)
  case aws(AWSManagedPolicy)

  var arn: String {
    switch self {
    case .customer(let p): p.arn
    case .aws(let p): p.arn
    }
  }

  var name: String {
    switch self {
    case .customer(let p): p.name
    case .aws(let p): p.name
    }
  }

  var path: String {
    switch self {
    case .customer(let p): p.path
    case .aws(let p): p.path
    }
  }
}

extension IAMService {
  static func registerPolicies(_ h: inout [String: Handler]) {
    h["CreatePolicy"] = { s, i, c in try s.createPolicy(i, c) }
    h["GetPolicy"] = { s, i, c in try s.getPolicy(i, c) }
    h["ListPolicies"] = { s, i, c in try s.listPolicies(i, c) }
    h["DeletePolicy"] = { s, i, c in try s.deletePolicy(i, c) }
    h["CreatePolicyVersion"] = { s, i, c in try s.createPolicyVersion(i, c) }
    h["GetPolicyVersion"] = { s, i, c in try s.getPolicyVersion(i, c) }
    h["ListPolicyVersions"] = { s, i, c in try s.listPolicyVersions(i, c) }
    h["DeletePolicyVersion"] = { s, i, c in try s.deletePolicyVersion(i, c) }
    h["SetDefaultPolicyVersion"] = { s, i, c in try s.setDefaultPolicyVersion(i, c) }
    h["TagPolicy"] = { s, i, c in try s.tagPolicy(i, c) }
    h["UntagPolicy"] = { s, i, c in try s.untagPolicy(i, c) }
    h["ListPolicyTags"] = { s, i, c in try s.listPolicyTags(i, c) }
    h["AttachUserPolicy"] = { s, i, c in try s.attach(i, c, entity: .user, detach: false) }
    h["DetachUserPolicy"] = { s, i, c in try s.attach(i, c, entity: .user, detach: true) }
    h["AttachGroupPolicy"] = { s, i, c in try s.attach(i, c, entity: .group, detach: false) }
    h["DetachGroupPolicy"] = { s, i, c in try s.attach(i, c, entity: .group, detach: true) }
    h["AttachRolePolicy"] = { s, i, c in try s.attach(i, c, entity: .role, detach: false) }
    h["DetachRolePolicy"] = { s, i, c in try s.attach(i, c, entity: .role, detach: true) }
    h["ListAttachedUserPolicies"] = { s, i, c in try s.listAttached(i, c, entity: .user) }
    h["ListAttachedGroupPolicies"] = { s, i, c in try s.listAttached(i, c, entity: .group) }
    h["ListAttachedRolePolicies"] = { s, i, c in try s.listAttached(i, c, entity: .role) }
    h["ListEntitiesForPolicy"] = { s, i, c in try s.listEntitiesForPolicy(i, c) }
  }

  /// The policy with `arn`, visible to the caller's account, or AWS's `NoSuchEntity`.
  func policy(_ arn: String, _ caller: Caller, _ snapshot: DirectorySnapshot) throws(AWSError) -> ManagedPolicyReference {
    if arn.hasPrefix("arn:aws:iam::aws:policy/"), let managed = AWSManagedPolicies.shared.policy(arn: arn) {
      return .aws(managed)
    }
    if let parsed = ARN(arn), parsed.account == caller.accountID,
      let policy = snapshot.accounts[caller.accountID]?.policies[String(parsed.resource.split(separator: "/").last ?? "").lowercased()],
      policy.arn == arn
    {
      return .customer(policy)
    }
    throw .noSuchEntity("Policy \(arn) does not exist or is not attachable.")
  }

  /// Users, groups and roles with the policy attached (or as boundary), for counts and listings.
  func usage(of arn: String, in account: AccountDirectory) -> (users: [User], groups: [Group], roles: [Role], boundaries: Int) {
    let users = account.users.values.filter { $0.attachedPolicies.contains(arn) }.sorted { $0.name < $1.name }
    let groups = account.groups.values.filter { $0.attachedPolicies.contains(arn) }.sorted { $0.name < $1.name }
    let roles = account.roles.values.filter { $0.attachedPolicies.contains(arn) }.sorted { $0.name < $1.name }
    let boundaries =
      account.users.values.filter { $0.permissionsBoundary == arn }.count
      + account.roles.values.filter { $0.permissionsBoundary == arn }.count
    return (users, groups, roles, boundaries)
  }

  func policyModel(_ ref: ManagedPolicyReference, account: AccountDirectory, tags: Bool = false) -> ModelValue {
    let use = usage(of: ref.arn, in: account)
    let attachments = use.users.count + use.groups.count + use.roles.count
    switch ref {
    case .customer(let p):
      return .object([
        "PolicyName": .string(p.name), "PolicyId": .string(p.id), "Arn": .string(p.arn), "Path": .string(p.path),
        "DefaultVersionId": .string(p.defaultVersionID), "AttachmentCount": .int(attachments),
        "PermissionsBoundaryUsageCount": .int(use.boundaries), "IsAttachable": .bool(true),
        "Description": .str(p.description), "CreateDate": .timestamp(p.createDate), "UpdateDate": .timestamp(p.updateDate),
        "Tags": tags ? p.tags.model : nil,
      ])
    case .aws(let p):
      return .object([
        "PolicyName": .string(p.name), "PolicyId": .string(p.policyId), "Arn": .string(p.arn), "Path": .string(p.path),
        "DefaultVersionId": .string(p.defaultVersionId), "AttachmentCount": .int(attachments),
        "PermissionsBoundaryUsageCount": .int(use.boundaries), "IsAttachable": .bool(true),
        "Description": .str(p.description), "CreateDate": .timestamp(p.createDate), "UpdateDate": .timestamp(p.updateDate),
      ])
    }
  }

  func createPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("PolicyName") ?? ""
    let path = try validatePath(input.string("Path"))
    let document = input.string("PolicyDocument") ?? ""
    let tags = input.tags() ?? []
    let (policy, account) = try directory.write { tx throws(AWSError) -> (ManagedPolicy, AccountDirectory) in
      let policyARN = arn(caller, "policy", path: path, name: name)
      try authorize(caller, "CreatePolicy", policyARN, context: tagContext(tags), snapshot: tx.snapshot)
      if !tags.isEmpty { try authorize(caller, "TagPolicy", policyARN, context: tagContext(tags), snapshot: tx.snapshot) }
      let account = try tx.account(caller.accountID)
      if account.policies[name.lowercased()] != nil {
        throw .entityAlreadyExists("A policy called \(name) already exists. Duplicate names are not allowed.")
      }
      if account.policies.count >= quotas.customerManagedPoliciesPerAccount {
        throw .limitExceeded("Cannot exceed quota for PoliciesPerAccount: \(quotas.customerManagedPoliciesPerAccount)")
      }
      try validatePolicy(document, kind: .managed)
      try validateTags(tags, entity: "policy")
      var policy = ManagedPolicy(
        accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "ANPA"), name: name, path: path,
        description: input.string("Description"), document: document, createDate: now())
      policy.tags = tags
      tx.put(policy)
      return (policy, try tx.account(caller.accountID))
    }
    return .structure(["Policy": policyModel(.customer(policy), account: account, tags: true)])
  }

  func getPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("PolicyArn") ?? ""
    try authorize(caller, "GetPolicy", arn, snapshot: snapshot)
    let ref: ManagedPolicyReference
    do {
      ref = try policy(arn, caller, snapshot)
    } catch {
      throw .noSuchEntity("Policy \(arn) was not found.")
    }
    return .structure(["Policy": policyModel(ref, account: try accountDirectory(caller, snapshot), tags: true)])
  }

  func listPolicies(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListPolicies", "*", snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let scope = input.string("Scope") ?? "All"
    let onlyAttached = input.bool("OnlyAttached") ?? false
    let prefix = input.string("PathPrefix") ?? "/"
    let usageFilter = input.string("PolicyUsageFilter")
    var refs: [ManagedPolicyReference] = []
    if scope != "AWS" { refs += account.policies.values.map { .customer($0) } }
    if scope != "Local" {
      if onlyAttached || usageFilter != nil {
        // Only the AWS managed policies this account uses: avoid scanning all of AWS's.
        var arns = Set<String>()
        for u in account.users.values { arns.formUnion(u.attachedPolicies); if let b = u.permissionsBoundary { arns.insert(b) } }
        for g in account.groups.values { arns.formUnion(g.attachedPolicies) }
        for r in account.roles.values { arns.formUnion(r.attachedPolicies); if let b = r.permissionsBoundary { arns.insert(b) } }
        refs += arns.compactMap { AWSManagedPolicies.shared.policy(arn: $0) }.map { .aws($0) }
      } else {
        refs += AWSManagedPolicies.shared.all.map { .aws($0) }
      }
    }
    refs = refs.filter { $0.path.hasPrefix(prefix) }
    if onlyAttached || usageFilter != nil {
      refs = refs.filter { ref in
        let use = usage(of: ref.arn, in: account)
        let attached = !(use.users.isEmpty && use.groups.isEmpty && use.roles.isEmpty)
        switch usageFilter {
        case "PermissionsPolicy": return attached
        case "PermissionsBoundary": return use.boundaries > 0 && (!onlyAttached || attached)
        default: return attached
        }
      }
    }
    // A customer policy may share its name with an AWS managed one: the ARN breaks the tie, so
    // every policy has its own marker.
    func sortKey(_ ref: ManagedPolicyReference) -> String { "\(ref.name.lowercased())\u{0}\(ref.arn)" }
    refs.sort { sortKey($0) < sortKey($1) }
    let (slice, marker) = page(refs, input: input, key: sortKey)
    return listOutput("Policies", slice.map { policyModel($0, account: account) }, marker: marker)
  }

  /// The caller's customer managed policy at `arn` (AWS managed ones cannot be changed).
  func customerPolicy(_ arn: String, _ caller: Caller, _ snapshot: DirectorySnapshot) throws(AWSError) -> ManagedPolicy {
    switch try policy(arn, caller, snapshot) {
    case .customer(let p): return p
    case .aws: throw .invalidInput("ARN \(arn) is not valid.")
    }
  }

  func deletePolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("PolicyArn") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeletePolicy", arn, snapshot: tx.snapshot)
      let policy = try customerPolicy(arn, caller, tx.snapshot)
      let use = usage(of: arn, in: try tx.account(caller.accountID))
      if !use.users.isEmpty || !use.groups.isEmpty || !use.roles.isEmpty || use.boundaries > 0 {
        throw .deleteConflict("Cannot delete a policy attached to entities.")
      }
      if policy.versions.count > 1 {
        throw .deleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
      }
      tx.deletePolicy(policy)
    }
    return .structure([:])
  }

  func versionModel(_ version: ManagedPolicy.Version, defaultID: String, document: Bool) -> ModelValue {
    .object([
      "Document": document ? urlEncodedDocument(version.document) : nil, "VersionId": .string(version.id),
      "IsDefaultVersion": .bool(version.id == defaultID), "CreateDate": .timestamp(version.createDate),
    ])
  }

  func createPolicyVersion(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("PolicyArn") ?? ""
    let document = input.string("PolicyDocument") ?? ""
    let setAsDefault = input.bool("SetAsDefault") ?? false
    let (version, defaultID) = try directory.write { tx throws(AWSError) -> (ManagedPolicy.Version, String) in
      try authorize(caller, "CreatePolicyVersion", arn, snapshot: tx.snapshot)
      var policy = try customerPolicy(arn, caller, tx.snapshot)
      if policy.versions.count >= quotas.versionsPerPolicy {
        throw .limitExceeded(
          "A managed policy can have up to \(quotas.versionsPerPolicy) versions. Before you create a new version, you must delete an existing version.")
      }
      try validatePolicy(document, kind: .managed)
      let version = ManagedPolicy.Version(id: "v\(policy.nextVersionNumber)", document: document, createDate: now())
      policy.nextVersionNumber += 1
      policy.versions.append(version)
      if setAsDefault { policy.defaultVersionID = version.id }
      policy.updateDate = version.createDate
      tx.put(policy)
      return (version, policy.defaultVersionID)
    }
    return .structure(["PolicyVersion": versionModel(version, defaultID: defaultID, document: false)])
  }

  func getPolicyVersion(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("PolicyArn") ?? ""
    let versionID = input.string("VersionId") ?? ""
    try authorize(caller, "GetPolicyVersion", arn, snapshot: snapshot)
    switch try policy(arn, caller, snapshot) {
    case .customer(let p):
      guard let version = p.versions.first(where: { $0.id == versionID }) else {
        throw .noSuchEntity("Policy \(arn) version \(versionID) does not exist or is not attachable.")
      }
      return .structure(["PolicyVersion": versionModel(version, defaultID: p.defaultVersionID, document: true)])
    case .aws(let p):
      guard versionID == p.defaultVersionId else {
        throw .noSuchEntity("Policy \(arn) version \(versionID) does not exist or is not attachable.")
      }
      let version = ManagedPolicy.Version(id: p.defaultVersionId, document: p.document, createDate: p.updateDate)
      return .structure(["PolicyVersion": versionModel(version, defaultID: p.defaultVersionId, document: true)])
    }
  }

  func listPolicyVersions(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("PolicyArn") ?? ""
    try authorize(caller, "ListPolicyVersions", arn, snapshot: snapshot)
    let versions: [ManagedPolicy.Version]
    let defaultID: String
    switch try policy(arn, caller, snapshot) {
    case .customer(let p):
      versions = p.versions.reversed()
      defaultID = p.defaultVersionID
    case .aws(let p):
      versions = [ManagedPolicy.Version(id: p.defaultVersionId, document: p.document, createDate: p.updateDate)]
      defaultID = p.defaultVersionId
    }
    let (slice, marker) = page(Array(versions.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Versions", slice.map { versionModel($0.element, defaultID: defaultID, document: false) }, marker: marker)
  }

  func deletePolicyVersion(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("PolicyArn") ?? ""
    let versionID = input.string("VersionId") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeletePolicyVersion", arn, snapshot: tx.snapshot)
      var policy = try customerPolicy(arn, caller, tx.snapshot)
      guard policy.versions.contains(where: { $0.id == versionID }) else {
        throw .noSuchEntity("Policy \(arn) version \(versionID) does not exist or is not attachable.")
      }
      if versionID == policy.defaultVersionID {
        throw .deleteConflict("Cannot delete the default version of a policy.")
      }
      policy.versions.removeAll { $0.id == versionID }
      tx.put(policy)
    }
    return .structure([:])
  }

  func setDefaultPolicyVersion(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("PolicyArn") ?? ""
    let versionID = input.string("VersionId") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "SetDefaultPolicyVersion", arn, snapshot: tx.snapshot)
      var policy = try customerPolicy(arn, caller, tx.snapshot)
      guard policy.versions.contains(where: { $0.id == versionID }) else {
        throw .noSuchEntity("Policy \(arn) version \(versionID) does not exist or is not attachable.")
      }
      policy.defaultVersionID = versionID
      policy.updateDate = now()
      tx.put(policy)
    }
    return .structure([:])
  }

  func tagPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("PolicyArn") ?? ""
    let tags = input.tags() ?? []
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "TagPolicy", arn, context: tagContext(tags), snapshot: tx.snapshot)
      var policy = try customerPolicy(arn, caller, tx.snapshot)
      try validateTags(tags, existing: policy.tags, entity: "policy")
      policy.tags.merge(tags)
      tx.put(policy)
    }
    return .structure([:])
  }

  func untagPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("PolicyArn") ?? ""
    let keys = input.strings("TagKeys") ?? []
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UntagPolicy", arn, context: ["aws:TagKeys": .multiple(keys)], snapshot: tx.snapshot)
      var policy = try customerPolicy(arn, caller, tx.snapshot)
      policy.tags.remove(keys: keys)
      tx.put(policy)
    }
    return .structure([:])
  }

  func listPolicyTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("PolicyArn") ?? ""
    try authorize(caller, "ListPolicyTags", arn, snapshot: snapshot)
    let policy = try customerPolicy(arn, caller, snapshot)
    let (slice, marker) = page(Array(policy.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }

  func attach(_ input: ModelValue, _ caller: Caller, entity: AttachableEntity, detach: Bool) throws(AWSError) -> ModelValue {
    let arn = input.string("PolicyArn") ?? ""
    let action = "\(detach ? "Detach" : "Attach")\(entity.noun)Policy"
    try directory.write { tx throws(AWSError) in
      var holder = try authorizedHolder(
        entity, input, caller, action: action, context: ["iam:PolicyARN": .single(arn)], snapshot: tx.snapshot)
      if detach {
        guard holder.attachedPolicies.contains(arn) else { throw .noSuchEntity("Policy \(arn) was not found.") }
        holder.attachedPolicies.removeAll { $0 == arn }
      } else {
        _ = try policy(arn, caller, tx.snapshot)
        guard !holder.attachedPolicies.contains(arn) else { return }
        if holder.attachedPolicies.count >= quotas.managedPoliciesPerEntity {
          throw .limitExceeded("Cannot exceed quota for PoliciesPer\(entity.noun): \(quotas.managedPoliciesPerEntity)")
        }
        holder.attachedPolicies.append(arn)
      }
      try save(holder, caller: caller, in: &tx)
    }
    return .structure([:])
  }

  func listAttached(_ input: ModelValue, _ caller: Caller, entity: AttachableEntity) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arns = try authorizedHolder(
      entity, input, caller, action: "ListAttached\(entity.noun)Policies", snapshot: snapshot
    ).attachedPolicies
    let prefix = input.string("PathPrefix") ?? "/"
    let refs = arns.compactMap { try? policy($0, caller, snapshot) }.filter { $0.path.hasPrefix(prefix) }
    let (slice, marker) = page(refs, input: input) { $0.name.lowercased() }
    return listOutput(
      "AttachedPolicies",
      slice.map { .structure(["PolicyName": .string($0.name), "PolicyArn": .string($0.arn)]) }, marker: marker)
  }

  func listEntitiesForPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("PolicyArn") ?? ""
    try authorize(caller, "ListEntitiesForPolicy", arn, snapshot: snapshot)
    _ = try policy(arn, caller, snapshot)
    let account = try accountDirectory(caller, snapshot)
    let filter = input.string("EntityFilter")
    let prefix = input.string("PathPrefix") ?? "/"
    let usageFilter = input.string("PolicyUsageFilter")
    var users: [User] = []
    var groups: [Group] = []
    var roles: [Role] = []
    if usageFilter != "PermissionsBoundary" {
      let use = usage(of: arn, in: account)
      users = use.users
      groups = use.groups
      roles = use.roles
    }
    if usageFilter != "PermissionsPolicy" && usageFilter != nil {
      users += account.users.values.filter { $0.permissionsBoundary == arn }
      roles += account.roles.values.filter { $0.permissionsBoundary == arn }
    }
    if filter != nil && filter != "User" { users = [] }
    if filter != nil && filter != "Group" { groups = [] }
    if filter != nil && filter != "Role" { roles = [] }
    if filter == "LocalManagedPolicy" || filter == "AWSManagedPolicy" {
      users = []; groups = []; roles = []
    }
    return .object([
      "PolicyGroups": .list(groups.filter { $0.path.hasPrefix(prefix) }.map {
        .structure(["GroupName": .string($0.name), "GroupId": .string($0.id)])
      }),
      "PolicyUsers": .list(users.filter { $0.path.hasPrefix(prefix) }.map {
        .structure(["UserName": .string($0.name), "UserId": .string($0.id)])
      }),
      "PolicyRoles": .list(roles.filter { $0.path.hasPrefix(prefix) }.map {
        .structure(["RoleName": .string($0.name), "RoleId": .string($0.id)])
      }),
      "IsTruncated": .bool(false),
    ])
  }
}
