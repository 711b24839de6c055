import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Two accounts on one server see nothing of each other: names are per account, and one
/// account's policies, users and keys cannot be named from the other.
@Suite("IAM account isolation")
struct AccountIsolationTests {
  typealias A = IAMTestAccount
  static let otherID = "210987654321"

  @Test("each account lists only its own users, and may reuse the other's names")
  func namesArePerAccount() throws {
    let first = try A()
    let second = try A(joining: first, accountID: Self.otherID)
    try first.createUser("alice")
    try second.createUser("alice")
    try second.createUser("bob")

    #expect(try first.call("ListUsers").names(in: "Users", member: "UserName") == ["alice"])
    #expect(try second.call("ListUsers").names(in: "Users", member: "UserName") == ["alice", "bob"])
    let arn = try second.call("GetUser", ["UserName": "alice"]).string(at: "User", "Arn")
    #expect(arn == "arn:aws:iam::210987654321:user/alice")
  }

  @Test("another account's customer managed policy cannot be attached")
  func foreignPolicyCannotBeAttached() throws {
    let first = try A()
    let second = try A(joining: first, accountID: Self.otherID)
    let foreign = try first.createPolicy("Admin", document: A.allow("iam:*"))
    try second.createUser("mallory")

    let error = second.error("AttachUserPolicy", ["UserName": "mallory", "PolicyArn": .string(foreign)])

    #expect(error == .noSuchEntity("Policy \(foreign) does not exist or is not attachable."))
  }

  @Test(
    "another account's customer managed policy cannot be a permissions boundary",
    arguments: ["CreateUser", "PutUserPermissionsBoundary"])
  func foreignPolicyCannotBeABoundary(_ operation: String) throws {
    let first = try A()
    let second = try A(joining: first, accountID: Self.otherID)
    let foreign = try first.createPolicy("Boundary", document: A.allow("iam:*"))
    if operation != "CreateUser" { try second.createUser("mallory") }

    let error = second.error(operation, ["UserName": "mallory", "PermissionsBoundary": .string(foreign)])

    #expect(error == .noSuchEntity("Scope ARN: \(foreign) does not exist or is not attachable."))
    #expect(second.entities.users["mallory"]?.permissionsBoundary == nil)
  }

  @Test("a user's policies grant nothing in another account")
  func policiesStayInTheirAccount() throws {
    let first = try A()
    let second = try A(joining: first, accountID: Self.otherID)
    try first.createUser("alice")
    try first.call(
      "PutUserPolicy", ["UserName": "alice", "PolicyName": "all", "PolicyDocument": .string(A.allow("iam:*"))])
    try second.createUser("victim")

    // Alice's calls act in her own account whatever ARN she names: there is no victim there.
    let error = first.error("DeleteUser", ["UserName": "victim"], as: first.user("alice"))

    #expect(error == .noSuchEntity("The user with name victim cannot be found."))
    #expect(second.entities.users["victim"] != nil)
  }

  @Test("GetAccessKeyLastUsed on another account's key is AccessDenied")
  func foreignAccessKey() throws {
    let first = try A()
    let second = try A(joining: first, accountID: Self.otherID)
    try first.createUser("alice")
    let id = try #require(
      try first.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId"))

    let error = second.error("GetAccessKeyLastUsed", ["AccessKeyId": .string(id)])

    #expect(error?.code == "AccessDenied")
  }

  @Test("an account alias belongs to one account at a time")
  func aliasIsUniqueAcrossAccounts() throws {
    let first = try A()
    let second = try A(joining: first, accountID: Self.otherID)
    try first.call("CreateAccountAlias", ["AccountAlias": "example-corp"])

    let error = second.error("CreateAccountAlias", ["AccountAlias": "example-corp"])

    #expect(error == .entityAlreadyExists("The account alias example-corp already exists."))
    #expect(try second.call("ListAccountAliases")[member: "AccountAliases"] == [])
  }
}
