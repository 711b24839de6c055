import Directory
import Foundation
import HashTreeCollections

/// An input the analyzer cannot use.
public struct AnalyzerInputError: Error, CustomStringConvertible {
  public var description: String
}

/// The live mode: a Portcullis data directory (or an in-memory snapshot) as an `Inventory`.
public enum DirectoryInventory {
  /// Reads `dataDirectory/portcullis.sqlite` without starting a server. A running server may
  /// hold it: SQLite in WAL mode lets this reader see the last committed state.
  public static func load(dataDirectory: String) throws -> Inventory {
    let path = "\(dataDirectory)/portcullis.sqlite"
    guard FileManager.default.fileExists(atPath: path) else {
      throw AnalyzerInputError(description: "no Portcullis database at `\(path)`")
    }
    let store = try SQLiteDirectoryStore(path: path)
    let (entities, sequence) = try store.load()
    var snapshot = DirectorySnapshot()
    for change in entities where change.kind == .account { try snapshot.apply(change) }
    for change in entities where change.kind != .account { try snapshot.apply(change) }
    snapshot.sequence = sequence
    return inventory(from: snapshot, source: path)
  }

  /// Converts a snapshot into the analyzer's model.
  public static func inventory(from snapshot: DirectorySnapshot, source: String) -> Inventory {
    var inventory = Inventory()
    for (_, directory) in snapshot.accounts.sorted(by: { $0.key < $1.key }) {
      var account = AccountInventory(id: directory.account.id, source: source)
      // No stored policy means AWS's default rules, which CIS counts as too weak.
      account.passwordPolicyKnown = true
      account.passwordPolicy = directory.account.passwordPolicy.map {
        AccountPasswordPolicy(
          minimumLength: $0.minimumPasswordLength, reusePrevention: $0.passwordReusePrevention, maxAge: $0.maxPasswordAge)
      }
      var keysByUser: [String: [AccessKeyInfo]] = [:]
      var rootKeys: [AccessKeyInfo] = []
      for (_, key) in directory.accessKeys {
        let info = AccessKeyInfo(id: key.id, isActive: key.isActive, created: key.createDate, lastUsed: key.lastUsedDate)
        if let user = key.userName { keysByUser[user.lowercased(), default: []].append(info) } else { rootKeys.append(info) }
      }
      var mfaUsers: Set<String> = []
      for (_, device) in directory.mfaDevices where device.enableDate != nil {
        if let user = device.userName { mfaUsers.insert(user.lowercased()) }
      }
      // The server's rule (shared with the credential report): an enabled device no IAM user holds.
      let rootMFA = directory.rootMFADevice != nil
      account.root = RootCredentials(
        mfaActive: rootMFA, accessKeys: rootKeys.sorted { $0.id < $1.id }, passwordLastUsed: nil)
      for (_, p) in directory.policies {
        account.policies[p.arn] = IAMManagedPolicy(arn: p.arn, name: p.name, document: p.defaultDocument)
      }
      for (key, u) in directory.users.sorted(by: { $0.key < $1.key }) {
        var user = IAMUser(name: u.name, arn: u.arn, created: u.createDate)
        user.groups = u.groups
        user.inlinePolicies = u.inlinePolicies.sorted { $0.key < $1.key }.map { InlinePolicy(name: $0.key, document: $0.value) }
        user.attachedPolicies = u.attachedPolicies
        user.permissionsBoundary = u.permissionsBoundary
        for t in u.tags { user.tags[t.key] = t.value }
        user.passwordLastUsed = u.passwordLastUsed
        user.hasPassword = u.loginProfile != nil
        user.passwordLastChanged = u.loginProfile?.passwordSetDate
        user.mfaActive = mfaUsers.contains(key)
        user.accessKeys = (keysByUser[key] ?? []).sorted { $0.id < $1.id }
        account.users.append(user)
      }
      for (_, g) in directory.groups.sorted(by: { $0.key < $1.key }) {
        var group = IAMGroup(name: g.name, arn: g.arn)
        group.inlinePolicies = g.inlinePolicies.sorted { $0.key < $1.key }.map { InlinePolicy(name: $0.key, document: $0.value) }
        group.attachedPolicies = g.attachedPolicies
        account.groups.append(group)
      }
      for (_, r) in directory.roles.sorted(by: { $0.key < $1.key }) {
        var role = IAMRole(name: r.name, arn: r.arn, trustPolicy: r.assumeRolePolicyDocument)
        role.path = r.path
        role.created = r.createDate
        role.inlinePolicies = r.inlinePolicies.sorted { $0.key < $1.key }.map { InlinePolicy(name: $0.key, document: $0.value) }
        role.attachedPolicies = r.attachedPolicies
        role.permissionsBoundary = r.permissionsBoundary
        for t in r.tags { role.tags[t.key] = t.value }
        role.maxSessionDuration = r.maxSessionDuration
        role.lastUsed = r.lastUsedDate
        account.roles.append(role)
      }
      inventory.accounts.append(account)
    }
    InventoryLoader.fillMissingAWSManagedPolicies(&inventory)
    return inventory
  }
}
