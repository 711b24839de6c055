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

  /// Writes `entity` into its account's `table` and records the change.
  private mutating func put<E: DirectoryEntity>(
    _ entity: E, in table: WritableKeyPath<AccountDirectory, TreeDictionary<String, E>>
  ) {
    snapshot.accounts[entity.accountID]![keyPath: table][entity.storeKey] = entity
    changes.append(.put(entity))
  }

  /// Removes `entity` from its account's `table` and records the change.
  private mutating func delete<E: DirectoryEntity>(
    _ entity: E, from table: WritableKeyPath<AccountDirectory, TreeDictionary<String, E>>
  ) {
    snapshot.accounts[entity.accountID]![keyPath: table][entity.storeKey] = nil
    changes.append(.delete(E.kind, accountID: entity.accountID, key: entity.storeKey))
  }

  /// Records `change` and applies it as loading would: for entities kept outside the accounts'
  /// tables (organizations), whose writes are rare enough that decoding the body again is free.
  public mutating func record(_ change: EntityChange) throws(AWSError) {
    do {
      try snapshot.apply(change)
    } catch {
      throw .serviceFailure()
    }
    changes.append(change)
  }

  public mutating func put(_ user: User) { put(user, in: \.users) }
  public mutating func deleteUser(_ user: User) { delete(user, from: \.users) }
  public mutating func put(_ group: Group) { put(group, in: \.groups) }
  public mutating func deleteGroup(_ group: Group) { delete(group, from: \.groups) }
  public mutating func put(_ role: Role) { put(role, in: \.roles) }
  public mutating func deleteRole(_ role: Role) { delete(role, from: \.roles) }
  public mutating func put(_ policy: ManagedPolicy) { put(policy, in: \.policies) }
  public mutating func deletePolicy(_ policy: ManagedPolicy) { delete(policy, from: \.policies) }
  public mutating func put(_ profile: InstanceProfile) { put(profile, in: \.instanceProfiles) }
  public mutating func deleteInstanceProfile(_ profile: InstanceProfile) { delete(profile, from: \.instanceProfiles) }
  public mutating func put(_ device: VirtualMFADevice) { put(device, in: \.mfaDevices) }
  public mutating func deleteMFADevice(_ device: VirtualMFADevice) { delete(device, from: \.mfaDevices) }
  public mutating func put(_ provider: OpenIDConnectProvider) { put(provider, in: \.oidcProviders) }
  public mutating func deleteOIDCProvider(_ provider: OpenIDConnectProvider) { delete(provider, from: \.oidcProviders) }
  public mutating func put(_ provider: SAMLProvider) { put(provider, in: \.samlProviders) }
  public mutating func deleteSAMLProvider(_ provider: SAMLProvider) { delete(provider, from: \.samlProviders) }
  public mutating func put(_ certificate: SigningCertificate) { put(certificate, in: \.signingCertificates) }
  public mutating func deleteSigningCertificate(_ certificate: SigningCertificate) {
    delete(certificate, from: \.signingCertificates)
  }
  public mutating func put(_ certificate: ServerCertificate) { put(certificate, in: \.serverCertificates) }
  public mutating func deleteServerCertificate(_ certificate: ServerCertificate) {
    delete(certificate, from: \.serverCertificates)
  }
  public mutating func put(_ key: SSHPublicKey) { put(key, in: \.sshPublicKeys) }
  public mutating func deleteSSHPublicKey(_ key: SSHPublicKey) { delete(key, from: \.sshPublicKeys) }
  public mutating func put(_ credential: ServiceSpecificCredential) { put(credential, in: \.serviceSpecificCredentials) }
  public mutating func deleteServiceSpecificCredential(_ credential: ServiceSpecificCredential) {
    delete(credential, from: \.serviceSpecificCredentials)
  }

  /// Access keys are also indexed by id across accounts, for authentication.
  public mutating func put(_ key: AccessKey) {
    put(key, in: \.accessKeys)
    snapshot.accessKeyAccounts[key.id] = key.accountID
  }

  public mutating func deleteAccessKey(_ key: AccessKey) {
    delete(key, from: \.accessKeys)
    snapshot.accessKeyAccounts[key.id] = nil
  }
}
