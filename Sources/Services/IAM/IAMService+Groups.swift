import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerGroups(_ h: inout [String: Handler]) {
    h["CreateGroup"] = { s, i, c in try s.createGroup(i, c) }
    h["GetGroup"] = { s, i, c in try s.getGroup(i, c) }
    h["ListGroups"] = { s, i, c in try s.listGroups(i, c) }
    h["ListGroupsForUser"] = { s, i, c in try s.listGroupsForUser(i, c) }
    h["UpdateGroup"] = { s, i, c in try s.updateGroup(i, c) }
    h["DeleteGroup"] = { s, i, c in try s.deleteGroup(i, c) }
    h["AddUserToGroup"] = { s, i, c in try s.addUserToGroup(i, c) }
    h["RemoveUserFromGroup"] = { s, i, c in try s.removeUserFromGroup(i, c) }
  }

  func group(_ name: String, in account: AccountDirectory) throws(AWSError) -> Group {
    guard let group = account.groups[name.lowercased()] else {
      throw .noSuchEntity("The group with name \(name) cannot be found.")
    }
    return group
  }

  func groupARN(_ name: String, _ caller: Caller, _ snapshot: DirectorySnapshot) -> String {
    snapshot.accounts[caller.accountID]?.groups[name.lowercased()]?.arn ?? arn(caller, "group", name: name)
  }

  /// The users that belong to `group`, in name order.
  func members(of group: Group, in account: AccountDirectory) -> [User] {
    account.users.values.filter { user in user.groups.contains { $0.lowercased() == group.name.lowercased() } }
      .sorted { $0.name.lowercased() < $1.name.lowercased() }
  }

  func createGroup(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("GroupName") ?? ""
    let path = try validatePath(input.string("Path"))
    let group = try directory.write { tx throws(AWSError) -> Group in
      try authorize(caller, "CreateGroup", arn(caller, "group", path: path, name: name), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      if account.groups[name.lowercased()] != nil { throw .entityAlreadyExists("Group with name \(name) already exists.") }
      if account.groups.count >= quotas.groupsPerAccount {
        throw .limitExceeded("Cannot exceed quota for GroupsPerAccount: \(quotas.groupsPerAccount)")
      }
      let group = Group(accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "AGPA"), name: name, path: path, createDate: now())
      tx.put(group)
      return group
    }
    return .structure(["Group": group.model])
  }

  func getGroup(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("GroupName") ?? ""
    try authorize(caller, "GetGroup", groupARN(name, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let group = try group(name, in: account)
    let (slice, marker) = page(members(of: group, in: account), input: input) { $0.name.lowercased() }
    return .object([
      "Group": group.model, "Users": .list(slice.map { $0.model() }), "IsTruncated": .bool(marker != nil),
      "Marker": .str(marker),
    ])
  }

  func listGroups(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListGroups", "*", snapshot: snapshot)
    let prefix = input.string("PathPrefix") ?? "/"
    let groups = try accountDirectory(caller, snapshot).groups.values.filter { $0.path.hasPrefix(prefix) }
      .sorted { $0.name.lowercased() < $1.name.lowercased() }
    let (slice, marker) = page(groups, input: input) { $0.name.lowercased() }
    return listOutput("Groups", slice.map(\.model), marker: marker)
  }

  func listGroupsForUser(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("UserName") ?? ""
    try authorize(caller, "ListGroupsForUser", userARN(name, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let user = try user(name, in: account)
    let groups = user.groups.compactMap { account.groups[$0.lowercased()] }
    let (slice, marker) = page(groups, input: input) { $0.name.lowercased() }
    return listOutput("Groups", slice.map(\.model), marker: marker)
  }

  func updateGroup(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("GroupName") ?? ""
    let newName = input.string("NewGroupName")
    let newPath = try input.string("NewPath").map { p throws(AWSError) in try validatePath(p) }
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateGroup", groupARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var group = try group(name, in: account)
      if let newName, newName.lowercased() != name.lowercased(), account.groups[newName.lowercased()] != nil {
        throw .entityAlreadyExists("Group with name \(newName) already exists.")
      }
      let members = members(of: group, in: account)
      tx.deleteGroup(group)
      if let newName { group.name = newName }
      if let newPath { group.path = newPath }
      tx.put(group)
      if newName != nil {
        for var user in members {
          user.groups = user.groups.map { $0.lowercased() == name.lowercased() ? group.name : $0 }
          tx.put(user)
        }
      }
    }
    return .structure([:])
  }

  func deleteGroup(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("GroupName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteGroup", groupARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      let group = try group(name, in: account)
      if !members(of: group, in: account).isEmpty {
        throw .deleteConflict("Cannot delete entity, must remove users from group first.")
      }
      if !group.inlinePolicies.isEmpty { throw .deleteConflict("Cannot delete entity, must delete policies first.") }
      if !group.attachedPolicies.isEmpty { throw .deleteConflict("Cannot delete entity, must detach all policies first.") }
      tx.deleteGroup(group)
    }
    return .structure([:])
  }

  func addUserToGroup(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let groupName = input.string("GroupName") ?? ""
    let userName = input.string("UserName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "AddUserToGroup", groupARN(groupName, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      let group = try group(groupName, in: account)
      var user = try user(userName, in: account)
      guard !user.groups.contains(where: { $0.lowercased() == group.name.lowercased() }) else { return }
      if user.groups.count >= quotas.groupsPerUser {
        throw .limitExceeded("Cannot exceed quota for GroupsPerUser: \(quotas.groupsPerUser)")
      }
      user.groups.append(group.name)
      tx.put(user)
    }
    return .structure([:])
  }

  func removeUserFromGroup(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let groupName = input.string("GroupName") ?? ""
    let userName = input.string("UserName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "RemoveUserFromGroup", groupARN(groupName, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      let group = try group(groupName, in: account)
      var user = try user(userName, in: account)
      guard user.groups.contains(where: { $0.lowercased() == group.name.lowercased() }) else {
        throw .noSuchEntity("The user with name \(user.name) cannot be found in group \(group.name).")
      }
      user.groups.removeAll { $0.lowercased() == group.name.lowercased() }
      tx.put(user)
    }
    return .structure([:])
  }
}
