import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// A write that fails part-way — after some of its checks passed — leaves the directory, its
/// published snapshot and its store exactly as they were.
@Suite("IAM failed writes")
struct FailedWriteTests {
  typealias A = IAMTestAccount

  /// A call that fails after passing its first checks, and the error code it fails with.
  struct Failure: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let operation: String
    let input: ModelValue
    let code: String
  }

  static let failures = [
    Failure(
      testDescription: "CreateUser with a boundary that names no policy", operation: "CreateUser",
      input: ["UserName": "carol", "PermissionsBoundary": .string(A.policyARN("Missing"))], code: "NoSuchEntity"),
    Failure(
      testDescription: "CreateUser with a boundary in another account", operation: "CreateUser",
      input: ["UserName": "carol", "PermissionsBoundary": "arn:aws:iam::210987654321:policy/Boundary"],
      code: "NoSuchEntity"),
    Failure(
      testDescription: "CreateUser with a reserved tag key", operation: "CreateUser",
      input: ["UserName": "carol", "Tags": [["Key": "aws:x", "Value": "y"]]], code: "InvalidInput"),
    Failure(
      testDescription: "CreateRole with a malformed trust policy", operation: "CreateRole",
      input: ["RoleName": "Web", "AssumeRolePolicyDocument": "{"], code: "MalformedPolicyDocument"),
    Failure(
      testDescription: "CreatePolicy with a taken name", operation: "CreatePolicy",
      input: ["PolicyName": "boundary", "PolicyDocument": .string(A.allow("s3:*"))], code: "EntityAlreadyExists"),
    Failure(
      testDescription: "UpdateUser onto a taken name", operation: "UpdateUser",
      input: ["UserName": "alice", "NewUserName": "Bob"], code: "EntityAlreadyExists"),
    Failure(
      testDescription: "PutUserPolicy over the size quota", operation: "PutUserPolicy",
      input: [
        "UserName": "alice", "PolicyName": "big",
        "PolicyDocument": .string(
          A.allow("s3:GetObject", resource: "arn:aws:s3:::" + String(repeating: "b", count: 2_048))),
      ], code: "LimitExceeded"),
    Failure(
      testDescription: "AddRoleToInstanceProfile onto a full profile", operation: "AddRoleToInstanceProfile",
      input: ["InstanceProfileName": "web", "RoleName": "Other"], code: "LimitExceeded"),
    Failure(
      testDescription: "DetachUserPolicy of a policy not attached", operation: "DetachUserPolicy",
      input: ["UserName": "alice", "PolicyArn": .string(A.policyARN("Boundary"))], code: "NoSuchEntity"),
  ]

  /// An account with some of everything, for the failures above to run into.
  static func populated() throws -> IAMTestAccount {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    try account.createPolicy("Boundary")
    try account.createRole("App")
    try account.createRole("Other")
    try account.call("CreateInstanceProfile", ["InstanceProfileName": "web"])
    try account.call("AddRoleToInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"])
    return account
  }

  @Test("the failed call leaves the snapshot and the store unchanged", arguments: failures)
  func failureChangesNothing(_ failure: Failure) throws {
    let account = try Self.populated()
    let before = account.entities
    let sequence = account.directory.snapshot.sequence
    let stored = try account.store.load().entities

    let error = account.error(failure.operation, failure.input)

    #expect(error?.code == failure.code)
    let after = account.entities
    #expect(account.directory.snapshot.sequence == sequence)
    #expect(after.users == before.users)
    #expect(after.roles == before.roles)
    #expect(after.policies == before.policies)
    #expect(after.instanceProfiles == before.instanceProfiles)
    #expect(try account.store.load().entities == stored)
    #expect(try account.store.changes(after: sequence, limit: 10).isEmpty)
  }
}
