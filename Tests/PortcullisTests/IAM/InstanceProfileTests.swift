import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Instance profiles: containers for one role, which must be emptied before they are deleted.
@Suite("IAM instance profiles")
struct InstanceProfileTests {
  typealias A = IAMTestAccount

  /// An account with the profile `web` and the roles `App` and `Batch`.
  static func account() throws -> IAMTestAccount {
    let account = try A()
    try account.call("CreateInstanceProfile", ["InstanceProfileName": "web", "Path": "/ec2/"])
    try account.createRole("App")
    try account.createRole("Batch")
    return account
  }

  @Test("CreateInstanceProfile returns the profile, with an AIPA id and no roles")
  func createProfile() throws {
    let account = try A()
    let output = try account.call("CreateInstanceProfile", ["InstanceProfileName": "web", "Path": "/ec2/"])
    #expect(output.string(at: "InstanceProfile", "Arn") == "arn:aws:iam::123456789012:instance-profile/ec2/web")
    #expect(output.string(at: "InstanceProfile", "InstanceProfileId")?.hasPrefix("AIPA") == true)
    #expect(output.value(at: "InstanceProfile", "Roles") == [])
  }

  @Test("a profile name already taken, in any letter case, is EntityAlreadyExists")
  func namesAreUniqueIgnoringCase() throws {
    let account = try Self.account()
    let error = account.error("CreateInstanceProfile", ["InstanceProfileName": "WEB"])
    #expect(error == .entityAlreadyExists("Instance Profile WEB already exists."))
  }

  @Test("a role added to a profile shows in GetInstanceProfile and ListInstanceProfilesForRole")
  func addRole() throws {
    let account = try Self.account()
    try account.call("AddRoleToInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"])

    let profile = try account.call("GetInstanceProfile", ["InstanceProfileName": "web"])
    #expect(profile.value(at: "InstanceProfile")?.names(in: "Roles", member: "RoleName") == ["App"])
    let forRole = try account.call("ListInstanceProfilesForRole", ["RoleName": "App"])
    #expect(forRole.names(in: "InstanceProfiles", member: "InstanceProfileName") == ["web"])
  }

  @Test(
    "a profile holds one role: a second role, or the same one again, is LimitExceeded",
    arguments: ["Batch", "App"])
  func oneRolePerProfile(_ second: String) throws {
    let account = try Self.account()
    try account.call("AddRoleToInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"])

    let error = account.error("AddRoleToInstanceProfile", ["InstanceProfileName": "web", "RoleName": .string(second)])

    #expect(error == .limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"))
    #expect(account.entities.instanceProfiles["web"]?.roles == ["App"])
  }

  @Test("a profile with a role cannot be deleted until the role is removed")
  func deleteNeedsEmptyProfile() throws {
    let account = try Self.account()
    try account.call("AddRoleToInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"])

    let error = account.error("DeleteInstanceProfile", ["InstanceProfileName": "web"])
    #expect(error == .deleteConflict("Cannot delete entity, must remove roles from instance profile first."))

    try account.call("RemoveRoleFromInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"])
    try account.call("DeleteInstanceProfile", ["InstanceProfileName": "web"])
    #expect(account.entities.instanceProfiles.isEmpty)
  }

  @Test("removing a role the profile does not hold is NoSuchEntity")
  func removeAbsentRole() throws {
    let account = try Self.account()
    let error = account.error("RemoveRoleFromInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"])
    #expect(error == .noSuchEntity("The role with name App cannot be found."))
  }

  @Test(
    "an unknown profile is NoSuchEntity, with AWS's message",
    arguments: ["GetInstanceProfile", "DeleteInstanceProfile"])
  func unknownProfile(_ operation: String) throws {
    let account = try A()
    #expect(
      account.error(operation, ["InstanceProfileName": "nope"])
        == .noSuchEntity("Instance Profile nope cannot be found."))
  }

  @Test("adding a role to a profile needs iam:PassRole on the role")
  func addRoleNeedsPassRole() throws {
    let account = try Self.account()
    try account.createUser("alice")
    try account.call(
      "PutUserPolicy",
      ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:AddRoleToInstanceProfile"))])

    let error = account.error(
      "AddRoleToInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"], as: account.user("alice"))

    #expect(
      error
        == .accessDenied(
          "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/App because no identity-based policy allows the iam:PassRole action"
        ))
    #expect(account.entities.instanceProfiles["web"]?.roles == [])
  }
}
