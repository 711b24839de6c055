import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerUsers(_ h: inout [String: Handler]) {
    h["CreateUser"] = { s, i, c in try s.createUser(i, c) }
    h["GetUser"] = { s, i, c in try s.getUser(i, c) }
    h["ListUsers"] = { s, i, c in try s.listUsers(i, c) }
    h["UpdateUser"] = { s, i, c in try s.updateUser(i, c) }
    h["DeleteUser"] = { s, i, c in try s.deleteUser(i, c) }
    h["TagUser"] = { s, i, c in try s.tagUser(i, c) }
    h["UntagUser"] = { s, i, c in try s.untagUser(i, c) }
    h["ListUserTags"] = { s, i, c in try s.listUserTags(i, c) }
    h["PutUserPermissionsBoundary"] = { s, i, c in try s.putUserPermissionsBoundary(i, c) }
    h["DeleteUserPermissionsBoundary"] = { s, i, c in try s.deleteUserPermissionsBoundary(i, c) }
  }

  /// The user named `name` in the caller's account, or AWS's `NoSuchEntity`.
  func user(_ name: String, in account: AccountDirectory) throws(AWSError) -> User {
    guard let user = account.users[name.lowercased()] else {
      throw .noSuchEntity("The user with name \(name) cannot be found.")
    }
    return user
  }

  /// The ARN to authorize against for a user that may not exist.
  func userARN(_ name: String, _ caller: Caller, _ snapshot: DirectorySnapshot) -> String {
    snapshot.accounts[caller.accountID]?.users[name.lowercased()]?.arn ?? arn(caller, "user", name: name)
  }

  /// Checks that a boundary policy exists and may be used as one: an AWS managed policy, or
  /// one of the caller's own account's policies.
  func checkBoundary(_ arn: String, _ caller: Caller, _ snapshot: DirectorySnapshot) throws(AWSError) {
    if arn.hasPrefix("arn:aws:iam::aws:policy") {
      if AWSManagedPolicies.shared.policy(arn: arn) != nil { return }
    } else if let parsed = ARN(arn), parsed.account == caller.accountID,
      let account = snapshot.accounts[caller.accountID],
      account.policies[String(parsed.resource.split(separator: "/").last ?? "").lowercased()]?.arn == arn
    {
      return
    }
    throw .noSuchEntity("Scope ARN: \(arn) does not exist or is not attachable.")
  }

  func createUser(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    let path = try validatePath(input.string("Path"))
    let tags = input.tags() ?? []
    let boundary = input.string("PermissionsBoundary")
    var context = tagContext(tags)
    if let boundary { context["iam:PermissionsBoundary"] = .single(boundary) }
    let user = try directory.write { tx throws(AWSError) -> User in
      try authorize(caller, "CreateUser", arn(caller, "user", path: path, name: name), context: context, snapshot: tx.snapshot)
      if !tags.isEmpty {
        try authorize(caller, "TagUser", arn(caller, "user", path: path, name: name), context: context, snapshot: tx.snapshot)
      }
      let account = try tx.account(caller.accountID)
      if account.users[name.lowercased()] != nil { throw .entityAlreadyExists("User with name \(name) already exists.") }
      if account.users.count >= quotas.usersPerAccount {
        throw .limitExceeded("Cannot exceed quota for UsersPerAccount: \(quotas.usersPerAccount)")
      }
      try validateTags(tags, entity: "user")
      if let boundary { try checkBoundary(boundary, caller, tx.snapshot) }
      var user = User(accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "AIDA"), name: name, path: path, createDate: now())
      user.tags = tags
      user.permissionsBoundary = boundary
      tx.put(user)
      return user
    }
    return .structure(["User": user.model(full: true)])
  }

  func getUser(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    guard let name = input.string("UserName") ?? caller.userName else {
      // The root user asking about itself.
      guard caller.isRoot else { throw .validationError("Must specify userName when calling with non-User credentials") }
      let account = try accountDirectory(caller, snapshot)
      return .structure([
        "User": .object([
          "UserId": .string(caller.accountID), "Arn": .string(account.account.rootARN),
          "CreateDate": .timestamp(account.account.createDate), "Path": .string("/"), "UserName": .string(""),
        ])
      ])
    }
    try authorize(caller, "GetUser", userARN(name, caller, snapshot), snapshot: snapshot)
    let user = try user(name, in: accountDirectory(caller, snapshot))
    return .structure(["User": user.model(full: true)])
  }

  func accountDirectory(_ caller: Caller, _ snapshot: DirectorySnapshot) throws(AWSError) -> AccountDirectory {
    guard let account = snapshot.accounts[caller.accountID] else { throw .serviceFailure() }
    return account
  }

  func listUsers(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListUsers", "*", snapshot: snapshot)
    let prefix = input.string("PathPrefix") ?? "/"
    let users = try accountDirectory(caller, snapshot).users.values.filter { $0.path.hasPrefix(prefix) }
      .sorted { $0.name.lowercased() < $1.name.lowercased() }
    let (slice, marker) = page(users, input: input) { $0.name.lowercased() }
    return listOutput("Users", slice.map { $0.model() }, marker: marker)
  }

  func updateUser(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    let newName = input.string("NewUserName")
    let newPath = try input.string("NewPath").map { path throws(AWSError) in try validatePath(path) }
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateUser", userARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var user = try user(name, in: account)
      if let newName, newName.lowercased() != name.lowercased() {
        try authorize(caller, "UpdateUser", arn(caller, "user", path: newPath ?? user.path, name: newName), snapshot: tx.snapshot)
        if account.users[newName.lowercased()] != nil {
          throw .entityAlreadyExists("User with name \(newName) already exists.")
        }
      }
      let oldName = user.name
      tx.deleteUser(user)
      if let newName { user.name = newName }
      if let newPath { user.path = newPath }
      tx.put(user)
      // Access keys carry the user's name.
      if user.name != oldName {
        for key in account.accessKeys.values where key.userName?.lowercased() == oldName.lowercased() {
          var renamed = key
          renamed.userName = user.name
          tx.put(renamed)
        }
        renameUserCredentials(from: oldName, to: user.name, in: account, &tx)
      }
    }
    return .structure([:])
  }

  func deleteUser(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteUser", userARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      let user = try user(name, in: account)
      if user.loginProfile != nil { throw .deleteConflict("Cannot delete entity, must delete login profile first.") }
      if account.accessKeys.values.contains(where: { $0.userName?.lowercased() == user.name.lowercased() }) {
        throw .deleteConflict("Cannot delete entity, must delete access keys first.")
      }
      if !user.inlinePolicies.isEmpty { throw .deleteConflict("Cannot delete entity, must delete policies first.") }
      if !user.attachedPolicies.isEmpty { throw .deleteConflict("Cannot delete entity, must detach all policies first.") }
      if !user.groups.isEmpty { throw .deleteConflict("Cannot delete entity, must remove user from all groups first.") }
      if account.mfaDevices.values.contains(where: { $0.userName?.lowercased() == user.name.lowercased() }) {
        throw .deleteConflict("Cannot delete entity, must delete MFA device first.")
      }
      if let conflict = userCredentialConflict(user, in: account) { throw conflict }
      tx.deleteUser(user)
    }
    return .structure([:])
  }

  func tagUser(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    let tags = input.tags() ?? []
    try directory.write { tx throws(AWSError) in
      let existing = tx.snapshot.accounts[caller.accountID]?.users[name.lowercased()]
      try authorize(
        caller, "TagUser", userARN(name, caller, tx.snapshot),
        context: tagContext(tags).merging(resourceTagContext(existing?.tags ?? [])) { a, _ in a }, snapshot: tx.snapshot)
      var user = try user(name, in: tx.account(caller.accountID))
      try validateTags(tags, existing: user.tags, entity: "user")
      user.tags.merge(tags)
      tx.put(user)
    }
    return .structure([:])
  }

  func untagUser(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    let keys = input.strings("TagKeys") ?? []
    try directory.write { tx throws(AWSError) in
      try authorize(
        caller, "UntagUser", userARN(name, caller, tx.snapshot), context: ["aws:TagKeys": .multiple(keys)],
        snapshot: tx.snapshot)
      var user = try user(name, in: tx.account(caller.accountID))
      user.tags.remove(keys: keys)
      tx.put(user)
    }
    return .structure([:])
  }

  func listUserTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("UserName") ?? ""
    try authorize(caller, "ListUserTags", userARN(name, caller, snapshot), snapshot: snapshot)
    let user = try user(name, in: accountDirectory(caller, snapshot))
    let (slice, marker) = page(Array(user.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }

  func putUserPermissionsBoundary(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    let boundary = input.string("PermissionsBoundary") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(
        caller, "PutUserPermissionsBoundary", userARN(name, caller, tx.snapshot),
        context: ["iam:PermissionsBoundary": .single(boundary)], snapshot: tx.snapshot)
      var user = try user(name, in: tx.account(caller.accountID))
      try checkBoundary(boundary, caller, tx.snapshot)
      user.permissionsBoundary = boundary
      tx.put(user)
    }
    return .structure([:])
  }

  func deleteUserPermissionsBoundary(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteUserPermissionsBoundary", userARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      var user = try user(name, in: tx.account(caller.accountID))
      user.permissionsBoundary = nil
      tx.put(user)
    }
    return .structure([:])
  }
}
