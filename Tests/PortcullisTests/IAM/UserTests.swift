import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Users: create, get, list, rename and delete, with IAM's rules on names, paths and what must
/// go before a user can be deleted.
@Suite("IAM users")
struct UserTests {
  typealias A = IAMTestAccount

  @Test("CreateUser returns the user with its ARN, an AIDA id and the path, and GetUser finds it")
  func createThenGet() throws {
    let account = try A()
    let created = try account.call("CreateUser", ["UserName": "alice", "Path": "/staff/"])

    #expect(created.string(at: "User", "UserName") == "alice")
    #expect(created.string(at: "User", "Path") == "/staff/")
    #expect(created.string(at: "User", "Arn") == "arn:aws:iam::123456789012:user/staff/alice")
    let id = try #require(created.string(at: "User", "UserId"))
    #expect(id.hasPrefix("AIDA") && id.count == 21)
    #expect(created.value(at: "User", "CreateDate") == .timestamp(A.now))

    let fetched = try account.call("GetUser", ["UserName": "alice"])
    #expect(fetched.string(at: "User", "UserId") == id)
    #expect(fetched.string(at: "User", "Arn") == "arn:aws:iam::123456789012:user/staff/alice")
  }

  @Test("GetUser without a name describes the calling user")
  func getUserDefaultsToTheCaller() throws {
    let account = try A()
    try account.createUser("alice")
    try account.call(
      "PutUserPolicy", ["UserName": "alice", "PolicyName": "self", "PolicyDocument": .string(A.allow("iam:GetUser"))])

    let output = try account.call("GetUser", [:], as: account.user("alice"))

    #expect(output.string(at: "User", "UserName") == "alice")
  }

  @Test("GetUser without a name, called by the root user, describes the root user")
  func getUserAsRoot() throws {
    let account = try A()
    let output = try account.call("GetUser")
    #expect(output.string(at: "User", "Arn") == "arn:aws:iam::123456789012:root")
    #expect(output.string(at: "User", "UserId") == A.id)
  }

  @Test(
    "a name already taken, in any letter case, is refused with EntityAlreadyExists",
    arguments: ["alice", "Alice", "ALICE"])
  func namesAreUniqueIgnoringCase(_ name: String) throws {
    let account = try A()
    try account.createUser("alice")

    let error = account.error("CreateUser", ["UserName": .string(name)])

    #expect(error == .entityAlreadyExists("User with name \(name) already exists."))
    #expect(account.entities.users.count == 1)
  }

  @Test("a user is found by any letter case of its name and keeps the case it was created with")
  func lookupIgnoresCase() throws {
    let account = try A()
    try account.createUser("Alice")
    let output = try account.call("GetUser", ["UserName": "aLiCe"])
    #expect(output.string(at: "User", "UserName") == "Alice")
  }

  @Test(
    "an unknown user is NoSuchEntity, with AWS's message",
    arguments: ["GetUser", "DeleteUser", "UpdateUser", "ListUserTags"])
  func unknownUser(_ operation: String) throws {
    let account = try A()
    #expect(
      account.error(operation, ["UserName": "nobody"]) == .noSuchEntity("The user with name nobody cannot be found."))
  }

  @Test("a path must begin and end with a slash", arguments: ["staff", "/staff", "staff/"])
  func pathMustBeSlashed(_ path: String) throws {
    let account = try A()
    let error = account.error("CreateUser", ["UserName": "alice", "Path": .string(path)])
    #expect(error?.code == "ValidationError")
    #expect(account.entities.users.isEmpty)
  }

  @Test("ListUsers returns the users in name order, filtered by path prefix")
  func listUsers() throws {
    let account = try A()
    try account.createUser("carol", path: "/ops/")
    try account.createUser("Bob")
    try account.createUser("alice", path: "/ops/team/")

    let all = try account.call("ListUsers")
    #expect(all.names(in: "Users", member: "UserName") == ["alice", "Bob", "carol"])
    #expect(all[member: "IsTruncated"] == false)

    let ops = try account.call("ListUsers", ["PathPrefix": "/ops/"])
    #expect(ops.names(in: "Users", member: "UserName") == ["alice", "carol"])
  }

  @Test("UpdateUser renames a user, keeping its id, groups and access keys")
  func renameKeepsEverything() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createGroup("devs")
    try account.call("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"])
    let key = try account.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId")
    let id = try account.call("GetUser", ["UserName": "alice"]).string(at: "User", "UserId")

    try account.call("UpdateUser", ["UserName": "alice", "NewUserName": "alicia", "NewPath": "/moved/"])

    #expect(account.error("GetUser", ["UserName": "alice"])?.code == "NoSuchEntity")
    let renamed = try account.call("GetUser", ["UserName": "alicia"])
    #expect(renamed.string(at: "User", "UserId") == id)
    #expect(renamed.string(at: "User", "Arn") == "arn:aws:iam::123456789012:user/moved/alicia")
    let members = try account.call("GetGroup", ["GroupName": "devs"])
    #expect(members.names(in: "Users", member: "UserName") == ["alicia"])
    let keys = try account.call("ListAccessKeys", ["UserName": "alicia"])
    #expect(keys.names(in: "AccessKeyMetadata", member: "AccessKeyId") == [key].compactMap { $0 })
    #expect(keys.names(in: "AccessKeyMetadata", member: "UserName") == ["alicia"])
  }

  @Test("UpdateUser can change only the letter case of a name")
  func renameChangingCase() throws {
    let account = try A()
    try account.createUser("alice")
    try account.call("UpdateUser", ["UserName": "alice", "NewUserName": "Alice"])
    #expect(try account.call("ListUsers").names(in: "Users", member: "UserName") == ["Alice"])
  }

  @Test("UpdateUser refuses a new name another user has, in any letter case")
  func renameOntoAnotherUser() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")

    let error = account.error("UpdateUser", ["UserName": "alice", "NewUserName": "BOB"])

    #expect(error == .entityAlreadyExists("User with name BOB already exists."))
    #expect(account.entities.users.count == 2)
    #expect(account.entities.users["alice"] != nil)
  }

  @Test("DeleteUser removes the user")
  func deleteUser() throws {
    let account = try A()
    try account.createUser("alice")
    try account.call("DeleteUser", ["UserName": "ALICE"])
    #expect(account.entities.users.isEmpty)
  }

  /// Something attached to a user that `DeleteUser` refuses to delete it over.
  struct Dependent: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let add: @Sendable (IAMTestAccount) throws -> Void
    let message: String
  }

  static let dependents: [Dependent] = [
    Dependent(
      testDescription: "an access key",
      add: { try $0.call("CreateAccessKey", ["UserName": "alice"]) },
      message: "Cannot delete entity, must delete access keys first."),
    Dependent(
      testDescription: "an inline policy",
      add: {
        try $0.call(
          "PutUserPolicy", ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("s3:*"))])
      },
      message: "Cannot delete entity, must delete policies first."),
    Dependent(
      testDescription: "an attached managed policy",
      add: {
        try $0.call(
          "AttachUserPolicy", ["UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
      },
      message: "Cannot delete entity, must detach all policies first."),
    Dependent(
      testDescription: "a group membership",
      add: {
        try $0.createGroup("devs")
        try $0.call("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"])
      },
      message: "Cannot delete entity, must remove user from all groups first."),
  ]

  @Test("DeleteUser is a DeleteConflict while the user still has", arguments: dependents)
  func deleteConflict(_ dependent: Dependent) throws {
    let account = try A()
    try account.createUser("alice")
    try dependent.add(account)

    #expect(account.error("DeleteUser", ["UserName": "alice"]) == .deleteConflict(dependent.message))
    #expect(account.entities.users["alice"] != nil)
  }

  @Test("PutUserPermissionsBoundary sets a boundary GetUser reports, and DeleteUserPermissionsBoundary clears it")
  func permissionsBoundary() throws {
    let account = try A()
    try account.createUser("alice")
    let boundary = try account.createPolicy("Boundary")

    try account.call("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": .string(boundary)])
    let bounded = try account.call("GetUser", ["UserName": "alice"])
    #expect(bounded.string(at: "User", "PermissionsBoundary", "PermissionsBoundaryArn") == boundary)
    #expect(bounded.string(at: "User", "PermissionsBoundary", "PermissionsBoundaryType") == "Policy")

    try account.call("DeleteUserPermissionsBoundary", ["UserName": "alice"])
    #expect(try account.call("GetUser", ["UserName": "alice"]).value(at: "User", "PermissionsBoundary") == nil)
  }

  @Test("a boundary that names no policy is NoSuchEntity, with AWS's message")
  func unknownBoundary() throws {
    let account = try A()
    let arn = A.policyARN("Missing")
    let error = account.error("CreateUser", ["UserName": "alice", "PermissionsBoundary": .string(arn)])
    #expect(error == .noSuchEntity("Scope ARN: \(arn) does not exist or is not attachable."))
  }
}
