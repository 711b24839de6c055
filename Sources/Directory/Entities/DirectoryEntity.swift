import Foundation

/// The kinds of entity the store keeps, one table row per entity.
public enum EntityKind: String, Codable, Sendable, CaseIterable {
  case account, user, group, role, policy, accessKey, instanceProfile, mfaDevice
  case oidcProvider
  /// SAML 2.0 identity providers (`Entities/SAMLProvider.swift`).
  case samlProvider
  /// Per-user credentials besides access keys, and server certificates (`Entities/SigningCertificate.swift`...).
  case signingCertificate, serverCertificate, sshPublicKey, serviceSpecificCredential
  /// AWS Organizations, stored under the management account (`Entities/Organization.swift`).
  case organization, organizationalUnit, organizationAccount, organizationPolicy
}

/// An entity the directory stores: it knows its kind, its account and its key within the
/// account (a lowercased name, since IAM names are unique case-insensitively, or a key id).
public protocol DirectoryEntity: Codable, Sendable {
  static var kind: EntityKind { get }
  var accountID: String { get }
  var storeKey: String { get }
}

extension Account: DirectoryEntity {
  public static let kind = EntityKind.account
  public var accountID: String { id }
  public var storeKey: String { id }
}

extension User: DirectoryEntity {
  public static let kind = EntityKind.user
  public var storeKey: String { name.lowercased() }
}

extension Group: DirectoryEntity {
  public static let kind = EntityKind.group
  public var storeKey: String { name.lowercased() }
}

extension Role: DirectoryEntity {
  public static let kind = EntityKind.role
  public var storeKey: String { name.lowercased() }
}

extension ManagedPolicy: DirectoryEntity {
  public static let kind = EntityKind.policy
  public var storeKey: String { name.lowercased() }
}

extension AccessKey: DirectoryEntity {
  public static let kind = EntityKind.accessKey
  public var storeKey: String { id }
}

extension InstanceProfile: DirectoryEntity {
  public static let kind = EntityKind.instanceProfile
  public var storeKey: String { name.lowercased() }
}

extension VirtualMFADevice: DirectoryEntity {
  public static let kind = EntityKind.mfaDevice
  public var storeKey: String { serialNumber.lowercased() }
}
