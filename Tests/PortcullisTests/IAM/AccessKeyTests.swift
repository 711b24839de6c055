import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Access keys: created with a secret shown once and kept sealed, at most two per user (and per
/// root user), deactivated and deleted by id.
@Suite("IAM access keys")
struct AccessKeyTests {
  typealias A = IAMTestAccount

  @Test("CreateAccessKey returns an AKIA id and a 40-character secret that is stored sealed")
  func createAccessKey() throws {
    let account = try A()
    try account.createUser("alice")

    let output = try account.call("CreateAccessKey", ["UserName": "alice"])

    let id = try #require(output.string(at: "AccessKey", "AccessKeyId"))
    let secret = try #require(output.string(at: "AccessKey", "SecretAccessKey"))
    #expect(id.hasPrefix("AKIA") && id.count == 20)
    #expect(secret.count == 40)
    #expect(output.string(at: "AccessKey", "Status") == "Active")
    #expect(output.string(at: "AccessKey", "UserName") == "alice")
    let stored = try #require(account.directory.snapshot.accessKey(id))
    #expect(stored.sealedSecret.range(of: Data(secret.utf8)) == nil)
    #expect(account.directory.secrets.open(stored.sealedSecret) == secret)
  }

  @Test("ListAccessKeys shows the key without its secret")
  func listAccessKeys() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try account.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId")

    let listed = try account.call("ListAccessKeys", ["UserName": "alice"])

    #expect(listed.names(in: "AccessKeyMetadata", member: "AccessKeyId") == [id].compactMap { $0 })
    #expect(listed.value(at: "AccessKeyMetadata")?.listValue?.first?[member: "SecretAccessKey"] == nil)
  }

  @Test("a user has at most two access keys: a third is LimitExceeded, with AWS's message")
  func twoKeysPerUser() throws {
    let account = try A()
    try account.createUser("alice")
    try account.call("CreateAccessKey", ["UserName": "alice"])
    try account.call("CreateAccessKey", ["UserName": "alice"])

    let error = account.error("CreateAccessKey", ["UserName": "alice"])

    #expect(error == .limitExceeded("Cannot exceed quota for AccessKeysPerUser: 2"))
    #expect(account.entities.accessKeys.count == 2)
  }

  @Test("the two-key quota is per user: another user still gets keys")
  func quotaIsPerUser() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    try account.call("CreateAccessKey", ["UserName": "alice"])
    try account.call("CreateAccessKey", ["UserName": "alice"])
    try account.call("CreateAccessKey", ["UserName": "bob"])
  }

  @Test("without a user name, the root user's call makes a root key, also at most two")
  func rootKeys() throws {
    let account = try A()
    let output = try account.call("CreateAccessKey")
    #expect(output.value(at: "AccessKey", "UserName") == nil)
    try account.call("CreateAccessKey")
    #expect(account.error("CreateAccessKey") == .limitExceeded("Cannot exceed quota for AccessKeysPerUser: 2"))
    #expect(account.entities.accessKeys.values.allSatisfy { $0.userName == nil })
  }

  @Test("UpdateAccessKey deactivates and reactivates a key")
  func updateStatus() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try #require(
      try account.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId"))

    try account.call("UpdateAccessKey", ["UserName": "alice", "AccessKeyId": .string(id), "Status": "Inactive"])
    #expect(
      try account.call("ListAccessKeys", ["UserName": "alice"]).names(in: "AccessKeyMetadata", member: "Status") == [
        "Inactive"
      ])
    #expect(account.directory.snapshot.accessKey(id)?.isActive == false)

    try account.call("UpdateAccessKey", ["UserName": "alice", "AccessKeyId": .string(id), "Status": "Active"])
    #expect(account.directory.snapshot.accessKey(id)?.isActive == true)
  }

  @Test("DeleteAccessKey removes the key; an unknown id is NoSuchEntity, with AWS's message")
  func deleteAccessKey() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try #require(
      try account.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId"))

    try account.call("DeleteAccessKey", ["UserName": "alice", "AccessKeyId": .string(id)])

    #expect(account.directory.snapshot.accessKey(id) == nil)
    let error = account.error("DeleteAccessKey", ["UserName": "alice", "AccessKeyId": .string(id)])
    #expect(error == .noSuchEntity("The Access Key with id \(id) cannot be found."))
  }

  @Test("a key is found only under the user that owns it")
  func keyBelongsToItsUser() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    let id = try #require(
      try account.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId"))

    let error = account.error("DeleteAccessKey", ["UserName": "bob", "AccessKeyId": .string(id)])

    #expect(error == .noSuchEntity("The Access Key with id \(id) cannot be found."))
    #expect(account.directory.snapshot.accessKey(id) != nil)
  }

  @Test("a user may manage their own keys through a policy on ${aws:username}")
  func selfService() throws {
    let account = try A()
    try account.createUser("alice")
    try account.call(
      "PutUserPolicy",
      [
        "UserName": "alice", "PolicyName": "own-keys",
        "PolicyDocument": .string(
          A.allow(
            "iam:CreateAccessKey", "iam:ListAccessKeys", resource: "arn:aws:iam::123456789012:user/${aws:username}")),
      ])
    try account.createUser("bob")
    let alice = account.user("alice")

    let output = try account.call("CreateAccessKey", [:], as: alice)

    #expect(output.string(at: "AccessKey", "UserName") == "alice")
    #expect(
      try account.call("ListAccessKeys", [:], as: alice).names(in: "AccessKeyMetadata", member: "UserName") == ["alice"]
    )
    #expect(account.error("CreateAccessKey", ["UserName": "bob"], as: alice)?.code == "AccessDenied")
  }

  @Test("GetAccessKeyLastUsed reports N/A for a key never used")
  func lastUsedOfUnusedKey() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try #require(
      try account.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId"))

    let output = try account.call("GetAccessKeyLastUsed", ["AccessKeyId": .string(id)])

    #expect(output.string(at: "UserName") == "alice")
    #expect(output.string(at: "AccessKeyLastUsed", "ServiceName") == "N/A")
    #expect(output.string(at: "AccessKeyLastUsed", "Region") == "N/A")
    #expect(output.value(at: "AccessKeyLastUsed", "LastUsedDate") == nil)
  }
}
