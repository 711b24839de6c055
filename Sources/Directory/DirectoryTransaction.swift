import AWSWire
import HashTreeCollections

/// A write in progress: a private copy of the snapshot plus the changes to persist. Nothing
/// is visible to readers until the directory commits the changes and publishes the copy; a
/// write that throws leaves no trace.
public struct DirectoryTransaction: Sendable {
  /// The snapshot as modified so far.
  public private(set) var snapshot: DirectorySnapshot
  /// The entity changes, in order.
  public private(set) var changes: [EntityChange] = []

  init(snapshot: DirectorySnapshot) {
    self.snapshot = snapshot
  }

  /// The account's entities, or `NoSuchEntity`.
  public func account(_ id: String) throws(AWSError) -> AccountDirectory {
    guard let account = snapshot.accounts[id] else { throw .noSuchEntity("The account \(id) cannot be found.") }
    return account
  }

  public mutating func put(_ account: Account) {
    if snapshot.accounts[account.id] == nil {
      snapshot.accounts[account.id] = AccountDirectory(account: account)
    } else {
      snapshot.accounts[account.id]!.account = account
    }
    changes.append(.put(account))
  }

  public mutating func put(_ user: User) {
    snapshot.accounts[user.accountID]!.users[user.storeKey] = user
    changes.append(.put(user))
  }

  public mutating func deleteUser(_ user: User) {
    snapshot.accounts[user.accountID]!.users[user.storeKey] = nil
    changes.append(.delete(.user, accountID: user.accountID, key: user.storeKey))
  }

  public mutating func put(_ group: Group) {
    snapshot.accounts[group.accountID]!.groups[group.storeKey] = group
    changes.append(.put(group))
  }

  public mutating func deleteGroup(_ group: Group) {
    snapshot.accounts[group.accountID]!.groups[group.storeKey] = nil
    changes.append(.delete(.group, accountID: group.accountID, key: group.storeKey))
  }

  public mutating func put(_ role: Role) {
    snapshot.accounts[role.accountID]!.roles[role.storeKey] = role
    changes.append(.put(role))
  }

  public mutating func deleteRole(_ role: Role) {
    snapshot.accounts[role.accountID]!.roles[role.storeKey] = nil
    changes.append(.delete(.role, accountID: role.accountID, key: role.storeKey))
  }

  public mutating func put(_ policy: ManagedPolicy) {
    snapshot.accounts[policy.accountID]!.policies[policy.storeKey] = policy
    changes.append(.put(policy))
  }

  public mutating func deletePolicy(_ policy: ManagedPolicy) {
    snapshot.accounts[policy.accountID]!.policies[policy.storeKey] = nil
    changes.append(.delete(.policy, accountID: policy.accountID, key: policy.storeKey))
  }

  public mutating func put(_ profile: InstanceProfile) {
    snapshot.accounts[profile.accountID]!.instanceProfiles[profile.storeKey] = profile
    changes.append(.put(profile))
  }

  public mutating func deleteInstanceProfile(_ profile: InstanceProfile) {
    snapshot.accounts[profile.accountID]!.instanceProfiles[profile.storeKey] = nil
    changes.append(.delete(.instanceProfile, accountID: profile.accountID, key: profile.storeKey))
  }

  public mutating func put(_ key: AccessKey) {
    snapshot.accounts[key.accountID]!.accessKeys[key.id] = key
    snapshot.accessKeyAccounts[key.id] = key.accountID
    changes.append(.put(key))
  }

  public mutating func deleteAccessKey(_ key: AccessKey) {
    snapshot.accounts[key.accountID]!.accessKeys[key.id] = nil
    snapshot.accessKeyAccounts[key.id] = nil
    changes.append(.delete(.accessKey, accountID: key.accountID, key: key.id))
  }
}
