import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// IAM's default quotas, which a server may raise.
public struct IAMQuotas: Sendable {
  public var usersPerAccount = 5_000
  public var groupsPerAccount = 300
  public var rolesPerAccount = 1_000
  public var customerManagedPoliciesPerAccount = 1_500
  public var instanceProfilesPerAccount = 1_000
  public var groupsPerUser = 10
  public var managedPoliciesPerEntity = 10
  public var accessKeysPerUser = 2
  public var versionsPerPolicy = 5
  public var rolesPerInstanceProfile = 1
  public var tagsPerEntity = 50
  public var signingCertificatesPerUser = 2
  public var serverCertificatesPerAccount = 20
  public var sshPublicKeysPerUser = 5
  public var serviceSpecificCredentialsPerUserPerService = 2

  public init() {}

  /// The quotas by the names `portcullis serve --quota` and `PORTCULLIS_QUOTAS` use.
  public static let named: [String: any WritableKeyPath<IAMQuotas, Int> & Sendable] = [
    "users": \.usersPerAccount, "groups": \.groupsPerAccount, "roles": \.rolesPerAccount,
    "policies": \.customerManagedPoliciesPerAccount, "instanceProfiles": \.instanceProfilesPerAccount,
    "groupsPerUser": \.groupsPerUser, "managedPoliciesPerEntity": \.managedPoliciesPerEntity,
    "accessKeysPerUser": \.accessKeysPerUser, "versionsPerPolicy": \.versionsPerPolicy,
    "rolesPerInstanceProfile": \.rolesPerInstanceProfile, "tagsPerEntity": \.tagsPerEntity,
    "signingCertificatesPerUser": \.signingCertificatesPerUser,
    "serverCertificates": \.serverCertificatesPerAccount, "sshPublicKeysPerUser": \.sshPublicKeysPerUser,
    "serviceSpecificCredentialsPerUserPerService": \.serviceSpecificCredentialsPerUserPerService,
  ]

  /// Defaults with the named quotas replaced; unknown names are returned, not ignored silently.
  public static func with(_ overrides: [String: Int]) -> (IAMQuotas, unknown: [String]) {
    var quotas = IAMQuotas()
    var unknown: [String] = []
    for (name, value) in overrides {
      if let path = named[name] { quotas[keyPath: path] = value } else { unknown.append(name) }
    }
    return (quotas, unknown.sorted())
  }
}
