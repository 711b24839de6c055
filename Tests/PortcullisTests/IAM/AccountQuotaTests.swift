import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// Per-account quotas on users, groups, roles, policies and instance profiles, which a server
/// may raise or (here, to keep the tests small) lower.
@Suite("IAM account quotas")
struct AccountQuotaTests {
  typealias A = IAMTestAccount

  /// A kind of entity, the quota on it, and how to create the n-th one.
  struct Quota: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let set: @Sendable (inout IAMQuotas) -> Void
    let create: @Sendable (IAMTestAccount, Int) throws -> Void
    let message: String
  }

  static let quotas = [
    Quota(
      testDescription: "users", set: { $0.usersPerAccount = 2 }, create: { try $0.createUser("u\($1)") },
      message: "Cannot exceed quota for UsersPerAccount: 2"),
    Quota(
      testDescription: "groups", set: { $0.groupsPerAccount = 2 }, create: { try $0.createGroup("g\($1)") },
      message: "Cannot exceed quota for GroupsPerAccount: 2"),
    Quota(
      testDescription: "roles", set: { $0.rolesPerAccount = 2 }, create: { try $0.createRole("r\($1)") },
      message: "Cannot exceed quota for RolesPerAccount: 2"),
    Quota(
      testDescription: "customer managed policies", set: { $0.customerManagedPoliciesPerAccount = 2 },
      create: { try $0.createPolicy("p\($1)") }, message: "Cannot exceed quota for PoliciesPerAccount: 2"),
    Quota(
      testDescription: "instance profiles", set: { $0.instanceProfilesPerAccount = 2 },
      create: { try $0.call("CreateInstanceProfile", ["InstanceProfileName": .string("i\($1)")]) },
      message: "Cannot exceed quota for InstanceProfilesPerAccount: 2"),
  ]

  @Test("creating past the account's quota is LimitExceeded, and deleting makes room", arguments: quotas)
  func quota(_ quota: Quota) throws {
    var limits = IAMQuotas()
    quota.set(&limits)
    let account = try A(quotas: limits)
    try quota.create(account, 1)
    try quota.create(account, 2)

    #expect(throws: AWSError.limitExceeded(quota.message)) { try quota.create(account, 3) }
  }
}
