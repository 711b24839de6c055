import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerInstanceProfiles(_ h: inout [String: Handler]) {
    h["CreateInstanceProfile"] = { s, i, c in try s.createInstanceProfile(i, c) }
    h["GetInstanceProfile"] = { s, i, c in try s.getInstanceProfile(i, c) }
    h["ListInstanceProfiles"] = { s, i, c in try s.listInstanceProfiles(i, c) }
    h["ListInstanceProfilesForRole"] = { s, i, c in try s.listInstanceProfilesForRole(i, c) }
    h["AddRoleToInstanceProfile"] = { s, i, c in try s.changeInstanceProfileRole(i, c, add: true) }
    h["RemoveRoleFromInstanceProfile"] = { s, i, c in try s.changeInstanceProfileRole(i, c, add: false) }
    h["DeleteInstanceProfile"] = { s, i, c in try s.deleteInstanceProfile(i, c) }
    h["TagInstanceProfile"] = { s, i, c in try s.tagInstanceProfile(i, c, untag: false) }
    h["UntagInstanceProfile"] = { s, i, c in try s.tagInstanceProfile(i, c, untag: true) }
    h["ListInstanceProfileTags"] = { s, i, c in try s.listInstanceProfileTags(i, c) }
  }

  func instanceProfile(_ name: String, in account: AccountDirectory) throws(AWSError) -> InstanceProfile {
    guard let profile = account.instanceProfiles[name.lowercased()] else {
      throw .noSuchEntity("Instance Profile \(name) cannot be found.")
    }
    return profile
  }

  func instanceProfileARN(_ name: String, _ caller: Caller, _ snapshot: DirectorySnapshot) -> String {
    snapshot.accounts[caller.accountID]?.instanceProfiles[name.lowercased()]?.arn
      ?? arn(caller, "instance-profile", name: name)
  }

  func profileModel(_ profile: InstanceProfile, _ account: AccountDirectory) -> ModelValue {
    profile.model(roles: profile.roles.compactMap { account.roles[$0.lowercased()] })
  }

  func createInstanceProfile(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("InstanceProfileName") ?? ""
    let path = try validatePath(input.string("Path"))
    let tags = input.tags() ?? []
    let (profile, account) = try directory.write { tx throws(AWSError) -> (InstanceProfile, AccountDirectory) in
      try authorize(
        caller, "CreateInstanceProfile", arn(caller, "instance-profile", path: path, name: name), context: tagContext(tags),
        snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      if account.instanceProfiles[name.lowercased()] != nil {
        throw .entityAlreadyExists("Instance Profile \(name) already exists.")
      }
      if account.instanceProfiles.count >= quotas.instanceProfilesPerAccount {
        throw .limitExceeded("Cannot exceed quota for InstanceProfilesPerAccount: \(quotas.instanceProfilesPerAccount)")
      }
      try validateTags(tags, entity: "instance profile")
      var profile = InstanceProfile(
        accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "AIPA"), name: name, path: path, createDate: now())
      profile.tags = tags
      tx.put(profile)
      return (profile, account)
    }
    return .structure(["InstanceProfile": profileModel(profile, account)])
  }

  func getInstanceProfile(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("InstanceProfileName") ?? ""
    try authorize(caller, "GetInstanceProfile", instanceProfileARN(name, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    return .structure(["InstanceProfile": profileModel(try instanceProfile(name, in: account), account)])
  }

  func listInstanceProfiles(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListInstanceProfiles", "*", snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let prefix = input.string("PathPrefix") ?? "/"
    let profiles = account.instanceProfiles.values.filter { $0.path.hasPrefix(prefix) }
      .sorted { $0.name.lowercased() < $1.name.lowercased() }
    let (slice, marker) = page(profiles, input: input) { $0.name.lowercased() }
    return listOutput("InstanceProfiles", slice.map { profileModel($0, account) }, marker: marker)
  }

  func listInstanceProfilesForRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("RoleName") ?? ""
    try authorize(caller, "ListInstanceProfilesForRole", roleARN(name, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let role = try role(name, in: account)
    let profiles = account.instanceProfiles.values.filter { $0.roles.contains { $0.lowercased() == role.name.lowercased() } }
      .sorted { $0.name.lowercased() < $1.name.lowercased() }
    let (slice, marker) = page(profiles, input: input) { $0.name.lowercased() }
    return listOutput("InstanceProfiles", slice.map { profileModel($0, account) }, marker: marker)
  }

  func changeInstanceProfileRole(_ input: ModelValue, _ caller: Caller, add: Bool) throws(AWSError) -> ModelValue {
    let name = input.string("InstanceProfileName") ?? ""
    let roleName = input.string("RoleName") ?? ""
    try directory.write { tx throws(AWSError) in
      let action = add ? "AddRoleToInstanceProfile" : "RemoveRoleFromInstanceProfile"
      try authorize(caller, action, instanceProfileARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var profile = try instanceProfile(name, in: account)
      let role = try role(roleName, in: account)
      let present = profile.roles.contains { $0.lowercased() == role.name.lowercased() }
      if add {
        // Putting a role in a profile hands it to EC2: AWS requires iam:PassRole on the role.
        try authorize(
          caller, "PassRole", role.arn, context: ["iam:PassedToService": .single("ec2.amazonaws.com")],
          snapshot: tx.snapshot)
        if present || profile.roles.count >= quotas.rolesPerInstanceProfile {
          throw .limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: \(quotas.rolesPerInstanceProfile)")
        }
        profile.roles.append(role.name)
      } else {
        guard present else { throw .noSuchEntity("The role with name \(roleName) cannot be found.") }
        profile.roles.removeAll { $0.lowercased() == role.name.lowercased() }
      }
      tx.put(profile)
    }
    return .structure([:])
  }

  func deleteInstanceProfile(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("InstanceProfileName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteInstanceProfile", instanceProfileARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let profile = try instanceProfile(name, in: tx.account(caller.accountID))
      if !profile.roles.isEmpty {
        throw .deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
      }
      tx.deleteInstanceProfile(profile)
    }
    return .structure([:])
  }

  func tagInstanceProfile(_ input: ModelValue, _ caller: Caller, untag: Bool) throws(AWSError) -> ModelValue {
    let name = input.string("InstanceProfileName") ?? ""
    let tags = input.tags() ?? []
    let keys = input.strings("TagKeys") ?? []
    try directory.write { tx throws(AWSError) in
      try authorize(
        caller, untag ? "UntagInstanceProfile" : "TagInstanceProfile", instanceProfileARN(name, caller, tx.snapshot),
        context: untag ? ["aws:TagKeys": .multiple(keys)] : tagContext(tags), snapshot: tx.snapshot)
      var profile = try instanceProfile(name, in: tx.account(caller.accountID))
      if untag {
        profile.tags.remove(keys: keys)
      } else {
        try validateTags(tags, existing: profile.tags, entity: "instance profile")
        profile.tags.merge(tags)
      }
      tx.put(profile)
    }
    return .structure([:])
  }

  func listInstanceProfileTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("InstanceProfileName") ?? ""
    try authorize(caller, "ListInstanceProfileTags", instanceProfileARN(name, caller, snapshot), snapshot: snapshot)
    let profile = try instanceProfile(name, in: accountDirectory(caller, snapshot))
    let (slice, marker) = page(Array(profile.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }
}
