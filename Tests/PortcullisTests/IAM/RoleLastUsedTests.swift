import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// `RoleLastUsed`: a request signed with a role session's credentials is a use of the role
/// (its date and Region), shown by `GetRole` and `GetAccountAuthorizationDetails` at once and
/// written to the directory at the next flush; `ListRoles` does not return it, as on AWS.
@Suite("Role last used")
struct RoleLastUsedTests {
  typealias A = IAMTestAccount
  static let usedAt = A.now.addingTimeInterval(-120)

  static func account(roleNamed name: String = "reader") throws -> (IAMTestAccount, Role) {
    let account = try IAMTestAccount()
    try account.createRole(name)
    return (account, account.entities.roles[name.lowercased()]!)
  }

  static func record(_ role: Role, in account: IAMTestAccount, region: String = "eu-west-1", at date: Date = usedAt) {
    _ = account.iam.lastUsed.record(roleName: role.name, roleID: role.id, accountID: role.accountID, region: region, at: date)
  }

  @Test("a role never used has an empty RoleLastUsed in GetRole")
  func neverUsed() throws {
    let (account, _) = try Self.account()
    let output = try account.call("GetRole", ["RoleName": "reader"])
    #expect(output.value(at: "Role", "RoleLastUsed", "LastUsedDate")?.timestampValue == nil)
    #expect(output.string(at: "Role", "RoleLastUsed", "Region") == nil)
  }

  @Test("GetRole shows a use not yet flushed, with its date and Region")
  func pendingUseShows() throws {
    let (account, role) = try Self.account()
    Self.record(role, in: account)
    let output = try account.call("GetRole", ["RoleName": "reader"])
    #expect(output.value(at: "Role", "RoleLastUsed", "LastUsedDate")?.timestampValue == Self.usedAt)
    #expect(output.string(at: "Role", "RoleLastUsed", "Region") == "eu-west-1")
  }

  @Test("a flush writes the newest use to the role in the directory")
  func flushWritesRole() throws {
    let (account, role) = try Self.account()
    Self.record(role, in: account, region: "us-east-1", at: Self.usedAt.addingTimeInterval(-60))
    Self.record(role, in: account)
    account.iam.lastUsed.flush(into: account.directory)
    let stored = try #require(account.entities.roles["reader"])
    #expect(stored.lastUsedDate == Self.usedAt)
    #expect(stored.lastUsedRegion == "eu-west-1")
  }

  @Test("a use of a deleted role is not credited to a new role of the same name")
  func replacedRoleNotCredited() throws {
    let (account, role) = try Self.account()
    Self.record(role, in: account)
    try account.call("DeleteRole", ["RoleName": "reader"])
    try account.createRole("reader")
    #expect(try account.call("GetRole", ["RoleName": "reader"]).value(at: "Role", "RoleLastUsed", "LastUsedDate")?.timestampValue == nil)
    account.iam.lastUsed.flush(into: account.directory)
    #expect(account.entities.roles["reader"]?.lastUsedDate == nil)
  }

  @Test("GetAccountAuthorizationDetails carries RoleLastUsed; ListRoles does not")
  func whereItShows() throws {
    let (account, role) = try Self.account()
    Self.record(role, in: account)
    let details = try account.call("GetAccountAuthorizationDetails", ["Filter": ["Role"]])
    let detail = try #require(details[member: "RoleDetailList"]?.listValue?.first)
    #expect(detail.string(at: "RoleLastUsed", "Region") == "eu-west-1")
    let listed = try #require(try account.call("ListRoles")[member: "Roles"]?.listValue?.first)
    #expect(listed[member: "RoleLastUsed"] == nil)
  }

  @Test("a role stored before RoleLastUsed was recorded still decodes, with no last use")
  func oldRowsDecode() throws {
    let json = #"{"accountID":"123456789012","id":"AROAOLD","name":"old","path":"/","createDate":1700000000,"assumeRolePolicyDocument":"{}","maxSessionDuration":3600,"tags":[],"inlinePolicies":{},"attachedPolicies":[]}"#
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .secondsSince1970
    let role = try decoder.decode(Role.self, from: Data(json.utf8))
    #expect(role.lastUsedDate == nil && role.lastUsedRegion == nil)
  }
}
