import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Inline policies of users, groups and roles: put, get, list and delete, and the size quota
/// each kind of entity has for all its inline policies together.
@Suite("IAM inline policies")
struct InlinePolicyTests {
  typealias A = IAMTestAccount

  /// One kind of entity that holds inline policies, with its quota.
  struct Entity: Sendable, CustomTestStringConvertible {
    let noun: String
    /// The entity's name as created; messages carry it.
    let name: String
    let quota: Int
    let create: @Sendable (IAMTestAccount) throws -> Void

    var testDescription: String { noun.lowercased() }
    var nameMember: String { "\(noun)Name" }

    func input(_ policyName: String, _ document: String? = nil) -> ModelValue {
      var members: [String: ModelValue] = [nameMember: .string(name), "PolicyName": .string(policyName)]
      if let document { members["PolicyDocument"] = .string(document) }
      return .structure(members)
    }
  }

  static let entities = [
    Entity(noun: "User", name: "alice", quota: 2_048, create: { try $0.createUser("alice") }),
    Entity(noun: "Group", name: "developers", quota: 5_120, create: { try $0.createGroup("developers") }),
    Entity(noun: "Role", name: "app-role", quota: 10_240, create: { try $0.createRole("app-role") }),
  ]

  /// A valid policy whose size, as IAM counts it (no white space outside strings), is `size`.
  static func document(ofSize size: Int) -> String {
    let shell = A.allow("s3:GetObject", resource: "arn:aws:s3:::")
    let padding = size - shell.count
    precondition(padding >= 0)
    return A.allow("s3:GetObject", resource: "arn:aws:s3:::" + String(repeating: "b", count: padding))
  }

  @Test("a put policy is returned by Get (URL-encoded) and named by List", arguments: entities)
  func putGetList(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let document = A.allow("s3:GetObject")
    try account.call("Put\(entity.noun)Policy", entity.input("read", document))
    try account.call("Put\(entity.noun)Policy", entity.input("Admin", A.allow("s3:*")))

    let got = try account.call("Get\(entity.noun)Policy", entity.input("read"))
    #expect(got.string(at: "PolicyName") == "read")
    #expect(got.string(at: entity.nameMember) == entity.name)
    #expect(got.string(at: "PolicyDocument")?.removingPercentEncoding == document)
    let names = try account.call("List\(entity.noun)Policies", [entity.nameMember: .string(entity.name)])
    #expect(names[member: "PolicyNames"] == ["Admin", "read"])
  }

  @Test("putting a policy under an existing name replaces it", arguments: entities)
  func putReplaces(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    try account.call("Put\(entity.noun)Policy", entity.input("read", A.allow("s3:GetObject")))
    try account.call("Put\(entity.noun)Policy", entity.input("read", A.allow("s3:ListBucket")))
    let got = try account.call("Get\(entity.noun)Policy", entity.input("read"))
    #expect(got.string(at: "PolicyDocument")?.removingPercentEncoding == A.allow("s3:ListBucket"))
    #expect(
      try account.call("List\(entity.noun)Policies", [entity.nameMember: .string(entity.name)])[member: "PolicyNames"]
        == ["read"])
  }

  @Test("deleting removes the policy; getting or deleting it again is NoSuchEntity", arguments: entities)
  func delete(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    try account.call("Put\(entity.noun)Policy", entity.input("read", A.allow("s3:GetObject")))

    try account.call("Delete\(entity.noun)Policy", entity.input("read"))

    let missing = AWSError.noSuchEntity("The \(entity.noun.lowercased()) policy with name read cannot be found.")
    #expect(account.error("Get\(entity.noun)Policy", entity.input("read")) == missing)
    #expect(account.error("Delete\(entity.noun)Policy", entity.input("read")) == missing)
  }

  @Test("a policy at the size quota is accepted", arguments: entities)
  func atQuota(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    try account.call("Put\(entity.noun)Policy", entity.input("big", Self.document(ofSize: entity.quota)))
  }

  @Test(
    "one character over the size quota is LimitExceeded, naming the entity as AWS does",
    arguments: entities)
  func overQuota(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)

    let error = account.error("Put\(entity.noun)Policy", entity.input("big", Self.document(ofSize: entity.quota + 1)))

    #expect(
      error
        == .limitExceeded(
          "Maximum policy size of \(entity.quota) bytes exceeded for \(entity.noun.lowercased()) \(entity.name)"))
  }

  @Test("the quota counts all of an entity's inline policies together", arguments: entities)
  func quotaIsForAllPolicies(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let half = Self.document(ofSize: entity.quota / 2 + 1)
    try account.call("Put\(entity.noun)Policy", entity.input("first", half))

    // Replacing the same policy does not count it twice...
    try account.call("Put\(entity.noun)Policy", entity.input("first", half))
    // ...but a second one puts the total over.
    let error = account.error("Put\(entity.noun)Policy", entity.input("second", half))

    #expect(error?.code == "LimitExceeded")
    #expect(error?.message.hasSuffix("exceeded for \(entity.noun.lowercased()) \(entity.name)") == true)
  }

  @Test(
    "putting a policy under its name in another letter case replaces it, and the quota counts it once",
    arguments: entities)
  func putReplacesIgnoringCase(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let big = Self.document(ofSize: entity.quota / 2 + 1)
    try account.call("Put\(entity.noun)Policy", entity.input("Read", big))

    try account.call("Put\(entity.noun)Policy", entity.input("read", big))

    let names = try account.call("List\(entity.noun)Policies", [entity.nameMember: .string(entity.name)])
    #expect(names[member: "PolicyNames"] == ["read"])
  }

  @Test("white space outside strings does not count towards the quota")
  func whiteSpaceIsNotCounted() throws {
    let account = try A()
    try account.createUser("alice")
    let pretty = Self.document(ofSize: 2_048).replacingOccurrences(of: ",", with: ",\n    ")
    try account.call("PutUserPolicy", ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(pretty)])
  }

  @Test("an inline policy on an entity that does not exist is NoSuchEntity", arguments: entities)
  func missingEntity(_ entity: Entity) throws {
    let account = try A()
    let error = account.error("Put\(entity.noun)Policy", entity.input("read", A.allow("s3:GetObject")))
    #expect(error == .noSuchEntity("The \(entity.noun.lowercased()) with name \(entity.name) cannot be found."))
  }
}
