import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Groups and their members: create, list, rename, add and remove users, and what must go
/// before a group can be deleted.
@Suite("IAM groups")
struct GroupTests {
  typealias A = IAMTestAccount

  @Test("CreateGroup returns the group with an AGPA id and its ARN")
  func createGroup() throws {
    let account = try A()
    let output = try account.call("CreateGroup", ["GroupName": "devs", "Path": "/eng/"])
    #expect(output.string(at: "Group", "Arn") == "arn:aws:iam::123456789012:group/eng/devs")
    #expect(output.string(at: "Group", "GroupId")?.hasPrefix("AGPA") == true)
  }

  @Test("a group name already taken, in any letter case, is EntityAlreadyExists")
  func namesAreUniqueIgnoringCase() throws {
    let account = try A()
    try account.createGroup("devs")
    #expect(
      account.error("CreateGroup", ["GroupName": "DEVS"])
        == .entityAlreadyExists("Group with name DEVS already exists."))
  }

  @Test("an unknown group is NoSuchEntity, with AWS's message", arguments: ["GetGroup", "DeleteGroup", "UpdateGroup"])
  func unknownGroup(_ operation: String) throws {
    let account = try A()
    #expect(
      account.error(operation, ["GroupName": "nobody"]) == .noSuchEntity("The group with name nobody cannot be found."))
  }

  @Test("AddUserToGroup makes the user a member: GetGroup and ListGroupsForUser show it")
  func addMember() throws {
    let account = try A()
    try account.createGroup("devs")
    try account.createGroup("ops")
    try account.createUser("bob")
    try account.createUser("alice")
    for (group, user) in [("devs", "bob"), ("devs", "alice"), ("ops", "alice")] {
      try account.call("AddUserToGroup", ["GroupName": .string(group), "UserName": .string(user)])
    }

    let devs = try account.call("GetGroup", ["GroupName": "devs"])
    #expect(devs.string(at: "Group", "GroupName") == "devs")
    #expect(devs.names(in: "Users", member: "UserName") == ["alice", "bob"])
    let groups = try account.call("ListGroupsForUser", ["UserName": "alice"])
    #expect(groups.names(in: "Groups", member: "GroupName") == ["devs", "ops"])
  }

  @Test("adding a member twice keeps one membership")
  func addTwice() throws {
    let account = try A()
    try account.createGroup("devs")
    try account.createUser("alice")
    try account.call("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"])
    try account.call("AddUserToGroup", ["GroupName": "DEVS", "UserName": "alice"])
    #expect(account.entities.users["alice"]?.groups == ["devs"])
  }

  @Test("RemoveUserFromGroup ends the membership; removing a non-member is NoSuchEntity")
  func removeMember() throws {
    let account = try A()
    try account.createGroup("devs")
    try account.createUser("alice")
    try account.call("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"])

    try account.call("RemoveUserFromGroup", ["GroupName": "devs", "UserName": "alice"])
    #expect(try account.call("GetGroup", ["GroupName": "devs"]).names(in: "Users", member: "UserName") == [])

    let error = account.error("RemoveUserFromGroup", ["GroupName": "devs", "UserName": "alice"])
    #expect(error?.code == "NoSuchEntity")
  }

  @Test("a user belongs to at most 10 groups")
  func groupsPerUserQuota() throws {
    let account = try A()
    try account.createUser("alice")
    for i in 1...11 { try account.createGroup("g\(i)") }
    for i in 1...10 { try account.call("AddUserToGroup", ["GroupName": .string("g\(i)"), "UserName": "alice"]) }

    let error = account.error("AddUserToGroup", ["GroupName": "g11", "UserName": "alice"])

    #expect(error == .limitExceeded("Cannot exceed quota for GroupsPerUser: 10"))
    #expect(account.entities.users["alice"]?.groups.count == 10)
  }

  @Test("UpdateGroup renames the group and its members follow")
  func renameGroup() throws {
    let account = try A()
    try account.createGroup("devs")
    try account.createUser("alice")
    try account.call("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"])

    try account.call("UpdateGroup", ["GroupName": "devs", "NewGroupName": "engineers"])

    #expect(account.error("GetGroup", ["GroupName": "devs"])?.code == "NoSuchEntity")
    let renamed = try account.call("GetGroup", ["GroupName": "engineers"])
    #expect(renamed.names(in: "Users", member: "UserName") == ["alice"])
    let groups = try account.call("ListGroupsForUser", ["UserName": "alice"])
    #expect(groups.names(in: "Groups", member: "GroupName") == ["engineers"])
  }

  @Test("UpdateGroup refuses a name another group has")
  func renameOntoAnotherGroup() throws {
    let account = try A()
    try account.createGroup("devs")
    try account.createGroup("ops")
    let error = account.error("UpdateGroup", ["GroupName": "devs", "NewGroupName": "Ops"])
    #expect(error == .entityAlreadyExists("Group with name Ops already exists."))
    #expect(account.entities.groups.count == 2)
  }

  /// Something a group still has that `DeleteGroup` refuses to delete it over.
  struct Dependent: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let add: @Sendable (IAMTestAccount) throws -> Void
    let message: String
  }

  static let dependents: [Dependent] = [
    Dependent(
      testDescription: "a member",
      add: {
        try $0.createUser("alice")
        try $0.call("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"])
      },
      message: "Cannot delete entity, must remove users from group first."),
    Dependent(
      testDescription: "an inline policy",
      add: {
        try $0.call(
          "PutGroupPolicy", ["GroupName": "devs", "PolicyName": "p", "PolicyDocument": .string(A.allow("s3:*"))])
      },
      message: "Cannot delete entity, must delete policies first."),
    Dependent(
      testDescription: "an attached managed policy",
      add: {
        try $0.call(
          "AttachGroupPolicy", ["GroupName": "devs", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
      },
      message: "Cannot delete entity, must detach all policies first."),
  ]

  @Test("DeleteGroup is a DeleteConflict while the group still has", arguments: dependents)
  func deleteConflict(_ dependent: Dependent) throws {
    let account = try A()
    try account.createGroup("devs")
    try dependent.add(account)
    #expect(account.error("DeleteGroup", ["GroupName": "devs"]) == .deleteConflict(dependent.message))
    #expect(account.entities.groups["devs"] != nil)
  }

  @Test("DeleteGroup removes an empty group")
  func deleteGroup() throws {
    let account = try A()
    try account.createGroup("devs")
    try account.call("DeleteGroup", ["GroupName": "Devs"])
    #expect(account.entities.groups.isEmpty)
  }
}
