import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Account-wide operations: the alias, the summary of counts and quotas, and the
/// authorization details snapshot.
@Suite("IAM account operations")
struct AccountTests {
  typealias A = IAMTestAccount

  @Test("CreateAccountAlias sets the alias ListAccountAliases shows; DeleteAccountAlias clears it")
  func alias() throws {
    let account = try A()
    #expect(try account.call("ListAccountAliases")[member: "AccountAliases"] == [])

    try account.call("CreateAccountAlias", ["AccountAlias": "example-corp"])
    #expect(try account.call("ListAccountAliases")[member: "AccountAliases"] == ["example-corp"])

    try account.call("DeleteAccountAlias", ["AccountAlias": "example-corp"])
    #expect(try account.call("ListAccountAliases")[member: "AccountAliases"] == [])
  }

  @Test("deleting an alias the account does not have is NoSuchEntity")
  func deleteUnknownAlias() throws {
    let account = try A()
    try account.call("CreateAccountAlias", ["AccountAlias": "example-corp"])
    let error = account.error("DeleteAccountAlias", ["AccountAlias": "other"])
    #expect(error == .noSuchEntity("The account alias other cannot be found."))
  }

  @Test("GetAccountSummary counts the account's entities and reports its quotas")
  func summary() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    try account.createGroup("devs")
    try account.createRole("App")
    let arn = try account.createPolicy("Read")
    try account.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(A.allow("s3:*"))])

    let map = try #require(try account.call("GetAccountSummary")[member: "SummaryMap"]?.mapValue)

    #expect(map["Users"] == 2)
    #expect(map["Groups"] == 1)
    #expect(map["Roles"] == 1)
    #expect(map["Policies"] == 1)
    #expect(map["PolicyVersionsInUse"] == 2)
    #expect(map["UsersQuota"] == 5000)
    #expect(map["AccessKeysPerUserQuota"] == 2)
    #expect(map["AccountAccessKeysPresent"] == 0)
  }

  @Test("GetAccountAuthorizationDetails lists users with their groups and policies, and the policies in use")
  func authorizationDetails() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createGroup("devs")
    try account.call("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"])
    try account.call(
      "PutUserPolicy", ["UserName": "alice", "PolicyName": "own", "PolicyDocument": .string(A.allow("s3:*"))])
    try account.call(
      "AttachUserPolicy", ["UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    try account.createPolicy("Local")

    let details = try account.call("GetAccountAuthorizationDetails")

    let user = try #require(details[member: "UserDetailList"]?.listValue?.first)
    #expect(user.string(at: "UserName") == "alice")
    #expect(user[member: "GroupList"] == ["devs"])
    #expect(user.names(in: "UserPolicyList", member: "PolicyName") == ["own"])
    #expect(user.names(in: "AttachedManagedPolicies", member: "PolicyName") == ["IAMReadOnlyAccess"])
    #expect(details.names(in: "GroupDetailList", member: "GroupName") == ["devs"])
    #expect(details.names(in: "Policies", member: "PolicyName") == ["IAMReadOnlyAccess", "Local"])

    let onlyGroups = try account.call("GetAccountAuthorizationDetails", ["Filter": ["Group"]])
    #expect(onlyGroups[member: "UserDetailList"] == [])
    #expect(onlyGroups.names(in: "GroupDetailList", member: "GroupName") == ["devs"])
  }

  @Test("an operation the service does not know is InvalidAction")
  func unknownOperation() throws {
    let account = try A()
    #expect(
      account.error("CreateUnicorn")
        == AWSError(code: "InvalidAction", message: "Could not find operation CreateUnicorn for version 2010-05-08"))
  }
}
