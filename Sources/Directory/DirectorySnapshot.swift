import Foundation
import HashTreeCollections

/// The entities of one account. Persistent hash maps keep copies cheap: a write changes a few
/// paths of the trees and shares the rest with the previous snapshot.
public struct AccountDirectory: Sendable {
  public var account: Account
  /// Keyed by lowercased name (IAM names are unique case-insensitively).
  public var users: TreeDictionary<String, User> = [:]
  public var groups: TreeDictionary<String, Group> = [:]
  public var roles: TreeDictionary<String, Role> = [:]
  public var policies: TreeDictionary<String, ManagedPolicy> = [:]
  public var instanceProfiles: TreeDictionary<String, InstanceProfile> = [:]
  /// Keyed by access key id.
  public var accessKeys: TreeDictionary<String, AccessKey> = [:]
  /// Virtual MFA devices, keyed by lowercased serial number.
  public var mfaDevices: TreeDictionary<String, VirtualMFADevice> = [:]
  /// OpenID Connect providers, keyed by lowercased URL (host and path, no scheme).
  public var oidcProviders: TreeDictionary<String, OpenIDConnectProvider> = [:]
  /// SAML providers, keyed by lowercased name.
  public var samlProviders: TreeDictionary<String, SAMLProvider> = [:]
  /// X.509 signing certificates of users and the root user, keyed by certificate id.
  public var signingCertificates: TreeDictionary<String, SigningCertificate> = [:]
  /// Server certificates, keyed by lowercased name.
  public var serverCertificates: TreeDictionary<String, ServerCertificate> = [:]
  /// Users' SSH public keys, keyed by key id.
  public var sshPublicKeys: TreeDictionary<String, SSHPublicKey> = [:]
  /// Users' service-specific credentials, keyed by credential id.
  public var serviceSpecificCredentials: TreeDictionary<String, ServiceSpecificCredential> = [:]

  public init(account: Account) {
    self.account = account
  }
}

/// The whole directory at one point in time: immutable once published, read without locks.
public struct DirectorySnapshot: Sendable {
  /// The change-log sequence number this snapshot reflects.
  public var sequence: Int64 = 0
  public var accounts: TreeDictionary<String, AccountDirectory> = [:]
  /// Access key id to account id, for authentication.
  public var accessKeyAccounts: TreeDictionary<String, String> = [:]
  /// Organizations, OUs, member accounts and SCPs/RCPs (`Entities/OrganizationDirectory.swift`).
  public var organizations = OrganizationsIndex()

  public init() {}

  /// The access key with this id, in whichever account holds it.
  public func accessKey(_ id: String) -> AccessKey? {
    guard let account = accessKeyAccounts[id] else { return nil }
    return accounts[account]?.accessKeys[id]
  }

  /// Applies one stored change (used at load and when catching up from the change log).
  public mutating func apply(_ change: EntityChange) throws {
    let d = EntityChange.decoder
    let key = change.key
    let accountID = change.accountID
    if change.kind == .account {
      if let body = change.body {
        let account = try d.decode(Account.self, from: body)
        if accounts[accountID] == nil {
          accounts[accountID] = AccountDirectory(account: account)
        } else {
          accounts[accountID]!.account = account
        }
      } else {
        accounts[accountID] = nil
      }
      return
    }
    if OrganizationsIndex.keeps(change.kind) { return try organizations.apply(change) }
    guard accounts[accountID] != nil else {
      throw DirectoryLoadError(message: "entity \(change.kind.rawValue) `\(key)` belongs to unknown account \(accountID)")
    }
    switch change.kind {
    case .account: break
    case .organization, .organizationalUnit, .organizationAccount, .organizationPolicy: break  // above
    case .user: accounts[accountID]!.users[key] = try change.body.map { try d.decode(User.self, from: $0) }
    case .group: accounts[accountID]!.groups[key] = try change.body.map { try d.decode(Group.self, from: $0) }
    case .role: accounts[accountID]!.roles[key] = try change.body.map { try d.decode(Role.self, from: $0) }
    case .policy: accounts[accountID]!.policies[key] = try change.body.map { try d.decode(ManagedPolicy.self, from: $0) }
    case .instanceProfile:
      accounts[accountID]!.instanceProfiles[key] = try change.body.map { try d.decode(InstanceProfile.self, from: $0) }
    case .mfaDevice:
      accounts[accountID]!.mfaDevices[key] = try change.body.map { try d.decode(VirtualMFADevice.self, from: $0) }
    case .oidcProvider:
      accounts[accountID]!.oidcProviders[key] = try change.body.map { try d.decode(OpenIDConnectProvider.self, from: $0) }
    case .samlProvider:
      accounts[accountID]!.samlProviders[key] = try change.body.map { try d.decode(SAMLProvider.self, from: $0) }
    case .signingCertificate:
      accounts[accountID]!.signingCertificates[key] = try change.body.map { try d.decode(SigningCertificate.self, from: $0) }
    case .serverCertificate:
      accounts[accountID]!.serverCertificates[key] = try change.body.map { try d.decode(ServerCertificate.self, from: $0) }
    case .sshPublicKey:
      accounts[accountID]!.sshPublicKeys[key] = try change.body.map { try d.decode(SSHPublicKey.self, from: $0) }
    case .serviceSpecificCredential:
      accounts[accountID]!.serviceSpecificCredentials[key] = try change.body.map {
        try d.decode(ServiceSpecificCredential.self, from: $0)
      }
    case .accessKey:
      let keyValue = try change.body.map { try d.decode(AccessKey.self, from: $0) }
      accounts[accountID]!.accessKeys[key] = keyValue
      accessKeyAccounts[key] = keyValue == nil ? nil : accountID
    }
  }
}

/// The store holds something the directory cannot read.
public struct DirectoryLoadError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
