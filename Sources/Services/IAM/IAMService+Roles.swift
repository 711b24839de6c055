import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerRoles(_ h: inout [String: Handler]) {
    h["CreateRole"] = { s, i, c in try s.createRole(i, c) }
    h["GetRole"] = { s, i, c in try s.getRole(i, c) }
    h["ListRoles"] = { s, i, c in try s.listRoles(i, c) }
    h["UpdateRole"] = { s, i, c in try s.updateRole(i, c) }
    h["UpdateRoleDescription"] = { s, i, c in try s.updateRoleDescription(i, c) }
    h["UpdateAssumeRolePolicy"] = { s, i, c in try s.updateAssumeRolePolicy(i, c) }
    h["DeleteRole"] = { s, i, c in try s.deleteRole(i, c) }
    h["TagRole"] = { s, i, c in try s.tagRole(i, c) }
    h["UntagRole"] = { s, i, c in try s.untagRole(i, c) }
    h["ListRoleTags"] = { s, i, c in try s.listRoleTags(i, c) }
    h["PutRolePermissionsBoundary"] = { s, i, c in try s.putRolePermissionsBoundary(i, c) }
    h["DeleteRolePermissionsBoundary"] = { s, i, c in try s.deleteRolePermissionsBoundary(i, c) }
  }

  func role(_ name: String, in account: AccountDirectory) throws(AWSError) -> Role {
    guard let role = account.roles[name.lowercased()] else {
      throw .noSuchEntity("The role with name \(name) cannot be found.")
    }
    return role
  }

  func roleARN(_ name: String, _ caller: Caller, _ snapshot: DirectorySnapshot) -> String {
    snapshot.accounts[caller.accountID]?.roles[name.lowercased()]?.arn ?? arn(caller, "role", name: name)
  }

  func validateMaxSessionDuration(_ value: Int?) throws(AWSError) {
    if let value, !(3600...43200).contains(value) {
      throw .validationError(
        "1 validation error detected: Value '\(value)' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"
          .replacingOccurrences(of: "less than or equal to 43200", with: value < 3600 ? "greater than or equal to 3600" : "less than or equal to 43200"))
    }
  }

  func createRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("RoleName") ?? ""
    let path = try validatePath(input.string("Path"))
    let document = input.string("AssumeRolePolicyDocument") ?? ""
    let tags = input.tags() ?? []
    let boundary = input.string("PermissionsBoundary")
    let maxSession = input.int("MaxSessionDuration")
    try validateMaxSessionDuration(maxSession)
    var context = tagContext(tags)
    if let boundary { context["iam:PermissionsBoundary"] = .single(boundary) }
    let role = try directory.write { tx throws(AWSError) -> Role in
      let roleARN = arn(caller, "role", path: path, name: name)
      try authorize(caller, "CreateRole", roleARN, context: context, snapshot: tx.snapshot)
      if !tags.isEmpty { try authorize(caller, "TagRole", roleARN, context: context, snapshot: tx.snapshot) }
      let account = try tx.account(caller.accountID)
      if account.roles[name.lowercased()] != nil { throw .entityAlreadyExists("Role with name \(name) already exists.") }
      if account.roles.count >= quotas.rolesPerAccount {
        throw .limitExceeded("Cannot exceed quota for RolesPerAccount: \(quotas.rolesPerAccount)")
      }
      try validatePolicy(document, kind: .trust)
      try validateTags(tags, entity: "role")
      if let boundary { try checkBoundary(boundary, caller, tx.snapshot) }
      var role = Role(
        accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "AROA"), name: name, path: path, createDate: now(),
        assumeRolePolicyDocument: document)
      role.description = input.string("Description")
      role.maxSessionDuration = maxSession ?? 3600
      role.tags = tags
      role.permissionsBoundary = boundary
      tx.put(role)
      return role
    }
    return .structure(["Role": role.model(full: true)])
  }

  func getRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("RoleName") ?? ""
    try authorize(caller, "GetRole", roleARN(name, caller, snapshot), snapshot: snapshot)
    // Uses not yet flushed count: a role used a moment ago shows it, as the access key API does.
    return .structure(["Role": lastUsed.withPendingUse(try role(name, in: accountDirectory(caller, snapshot))).model(full: true)])
  }

  func listRoles(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListRoles", "*", snapshot: snapshot)
    let prefix = input.string("PathPrefix") ?? "/"
    let roles = try accountDirectory(caller, snapshot).roles.values.filter { $0.path.hasPrefix(prefix) }
      .sorted { $0.name.lowercased() < $1.name.lowercased() }
    let (slice, marker) = page(roles, input: input) { $0.name.lowercased() }
    return listOutput("Roles", slice.map { $0.model() }, marker: marker)
  }

  /// Applies `change` to the role named in the input after authorizing `action` on it.
  func updateRole(
    named name: String, _ caller: Caller, action: String, context: [String: ContextValue] = [:],
    _ change: (inout Role) throws(AWSError) -> Void
  ) throws(AWSError) -> Role {
    try directory.write { tx throws(AWSError) -> Role in
      try authorize(caller, action, roleARN(name, caller, tx.snapshot), context: context, snapshot: tx.snapshot)
      var role = try role(name, in: tx.account(caller.accountID))
      try change(&role)
      tx.put(role)
      return role
    }
  }

  func updateRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let maxSession = input.int("MaxSessionDuration")
    try validateMaxSessionDuration(maxSession)
    _ = try updateRole(named: input.string("RoleName") ?? "", caller, action: "UpdateRole") { role throws(AWSError) in
      // A service-linked role's description is the one thing IAM lets its account change.
      if maxSession != nil { try refuseIfServiceLinked(role) }
      if let description = input.string("Description") { role.description = description }
      if let maxSession { role.maxSessionDuration = maxSession }
    }
    return .structure([:])
  }

  func updateRoleDescription(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let role = try updateRole(named: input.string("RoleName") ?? "", caller, action: "UpdateRoleDescription") {
      role throws(AWSError) in role.description = input.string("Description")
    }
    return .structure(["Role": role.model(full: true)])
  }

  func updateAssumeRolePolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let document = input.string("PolicyDocument") ?? ""
    _ = try updateRole(named: input.string("RoleName") ?? "", caller, action: "UpdateAssumeRolePolicy") {
      role throws(AWSError) in
      try refuseIfServiceLinked(role)
      try validatePolicy(document, kind: .trust)
      role.assumeRolePolicyDocument = document
    }
    return .structure([:])
  }

  func deleteRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("RoleName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteRole", roleARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      let role = try role(name, in: account)
      try refuseIfServiceLinked(role)
      if account.instanceProfiles.values.contains(where: { $0.roles.contains { $0.lowercased() == role.name.lowercased() } }) {
        throw .deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
      }
      if !role.inlinePolicies.isEmpty { throw .deleteConflict("Cannot delete entity, must delete policies first.") }
      if !role.attachedPolicies.isEmpty { throw .deleteConflict("Cannot delete entity, must detach all policies first.") }
      tx.deleteRole(role)
    }
    return .structure([:])
  }

  func tagRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let tags = input.tags() ?? []
    _ = try updateRole(named: input.string("RoleName") ?? "", caller, action: "TagRole", context: tagContext(tags)) {
      role throws(AWSError) in
      try validateTags(tags, existing: role.tags, entity: "role")
      role.tags.merge(tags)
    }
    return .structure([:])
  }

  func untagRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let keys = input.strings("TagKeys") ?? []
    _ = try updateRole(
      named: input.string("RoleName") ?? "", caller, action: "UntagRole", context: ["aws:TagKeys": .multiple(keys)]
    ) { role throws(AWSError) in role.tags.remove(keys: keys) }
    return .structure([:])
  }

  func listRoleTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("RoleName") ?? ""
    try authorize(caller, "ListRoleTags", roleARN(name, caller, snapshot), snapshot: snapshot)
    let role = try role(name, in: accountDirectory(caller, snapshot))
    let (slice, marker) = page(Array(role.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }

  func putRolePermissionsBoundary(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let boundary = input.string("PermissionsBoundary") ?? ""
    let snapshot = directory.snapshot
    _ = try updateRole(
      named: input.string("RoleName") ?? "", caller, action: "PutRolePermissionsBoundary",
      context: ["iam:PermissionsBoundary": .single(boundary)]
    ) { role throws(AWSError) in
      try refuseIfServiceLinked(role)
      try checkBoundary(boundary, caller, snapshot)
      role.permissionsBoundary = boundary
    }
    return .structure([:])
  }

  func deleteRolePermissionsBoundary(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    _ = try updateRole(named: input.string("RoleName") ?? "", caller, action: "DeleteRolePermissionsBoundary") {
      role throws(AWSError) in
      try refuseIfServiceLinked(role)
      role.permissionsBoundary = nil
    }
    return .structure([:])
  }
}
