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

  public init() {}
}
