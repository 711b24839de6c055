import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerAccessKeys(_ h: inout [String: Handler]) {
    h["CreateAccessKey"] = { s, i, c in try s.createAccessKey(i, c) }
    h["ListAccessKeys"] = { s, i, c in try s.listAccessKeys(i, c) }
    h["UpdateAccessKey"] = { s, i, c in try s.updateAccessKey(i, c) }
    h["DeleteAccessKey"] = { s, i, c in try s.deleteAccessKey(i, c) }
    h["GetAccessKeyLastUsed"] = { s, i, c in try s.getAccessKeyLastUsed(i, c) }
  }

  /// The user an access-key call is about: the named one, or the caller itself (the root user
  /// when the caller is root: `nil`).
  func keyOwner(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> String? {
    if let name = input.string("UserName") ?? caller.userName { return name }
    // Only the root user owns keys without a user name; a role session must name the user.
    guard caller.isRoot else { throw .validationError("Must specify userName when calling with non-User credentials") }
    return nil
  }

  func keyOwnerARN(_ owner: String?, _ caller: Caller, _ snapshot: DirectorySnapshot) -> String {
    owner.map { userARN($0, caller, snapshot) } ?? caller.principal.accountRootARN
  }

  func createAccessKey(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try keyOwner(input, caller)
    let secret = Identifiers.secretAccessKey()
    let key = try directory.write { tx throws(AWSError) -> AccessKey in
      try authorize(caller, "CreateAccessKey", keyOwnerARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var ownerName: String? = nil
      if let owner { ownerName = try user(owner, in: account).name }
      let existing = account.accessKeys.values.filter { $0.userName?.lowercased() == ownerName?.lowercased() }
      if existing.count >= quotas.accessKeysPerUser {
        throw .limitExceeded("Cannot exceed quota for AccessKeysPerUser: \(quotas.accessKeysPerUser)")
      }
      let key = AccessKey(
        accountID: caller.accountID, id: Identifiers.accessKeyID(), userName: ownerName,
        sealedSecret: directory.secrets.seal(secret), createDate: now())
      tx.put(key)
      return key
    }
    return .structure([
      "AccessKey": .object([
        "UserName": .str(key.userName), "AccessKeyId": .string(key.id), "Status": .string(key.status),
        "SecretAccessKey": .string(secret), "CreateDate": .timestamp(key.createDate),
      ])
    ])
  }

  func listAccessKeys(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let owner = try keyOwner(input, caller)
    try authorize(caller, "ListAccessKeys", keyOwnerARN(owner, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    var ownerName: String? = nil
    if let owner { ownerName = try user(owner, in: account).name }
    let keys = account.accessKeys.values.filter { $0.userName?.lowercased() == ownerName?.lowercased() }
      .sorted { $0.createDate < $1.createDate }
    let (slice, marker) = page(keys, input: input) { $0.id }
    return listOutput("AccessKeyMetadata", slice.map(\.metadataModel), marker: marker)
  }

  /// The key `id` belonging to `owner` (nil: the root user), or `NoSuchEntity`.
  func accessKey(_ id: String, owner: String?, in account: AccountDirectory) throws(AWSError) -> AccessKey {
    guard let key = account.accessKeys[id], key.userName?.lowercased() == owner?.lowercased() else {
      throw .noSuchEntity("The Access Key with id \(id) cannot be found.")
    }
    return key
  }

  func updateAccessKey(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try keyOwner(input, caller)
    let id = input.string("AccessKeyId") ?? ""
    let status = input.string("Status") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateAccessKey", keyOwnerARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      if let owner { _ = try user(owner, in: account) }
      var key = try accessKey(id, owner: owner.flatMap { account.users[$0.lowercased()]?.name }, in: account)
      key.isActive = status == "Active"
      tx.put(key)
    }
    return .structure([:])
  }

  func deleteAccessKey(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try keyOwner(input, caller)
    let id = input.string("AccessKeyId") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteAccessKey", keyOwnerARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      if let owner { _ = try user(owner, in: account) }
      tx.deleteAccessKey(try accessKey(id, owner: owner.flatMap { account.users[$0.lowercased()]?.name }, in: account))
    }
    return .structure([:])
  }

  func getAccessKeyLastUsed(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let id = input.string("AccessKeyId") ?? ""
    guard let key = snapshot.accessKey(id), key.accountID == caller.accountID else {
      throw .accessDenied("User: \(caller.arn) is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key \(id)")
    }
    try authorize(caller, "GetAccessKeyLastUsed", keyOwnerARN(key.userName, caller, snapshot), snapshot: snapshot)
    let pending = lastUsed.pendingUse(of: id)
    let date: Date? = pending?.date ?? key.lastUsedDate
    let service: String = pending?.service ?? key.lastUsedService ?? "N/A"
    let region: String = pending?.region ?? key.lastUsedRegion ?? "N/A"
    let lastUsedModel: ModelValue = .object(["LastUsedDate": .date(date), "ServiceName": .string(service), "Region": .string(region)])
    return .object(["UserName": .str(key.userName), "AccessKeyLastUsed": lastUsedModel])
  }
}
