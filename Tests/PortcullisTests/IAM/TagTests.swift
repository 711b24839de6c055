import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Tags on users, roles, managed policies and instance profiles: the same rules for each —
/// no `aws:` prefix, keys unique ignoring case, at most 50 per entity.
@Suite("IAM tags")
struct TagTests {
  typealias A = IAMTestAccount

  /// One kind of taggable entity: how to create it and name it in a tagging call.
  struct Taggable: Sendable, CustomTestStringConvertible {
    let noun: String
    /// The member and value that name the entity.
    let member: String
    let value: String
    let create: @Sendable (IAMTestAccount) throws -> Void

    var testDescription: String { noun }

    func input(_ members: [String: ModelValue]) -> ModelValue {
      .structure(members.merging([member: .string(value)]) { a, _ in a })
    }
  }

  static let taggables = [
    Taggable(noun: "User", member: "UserName", value: "alice", create: { try $0.createUser("alice") }),
    Taggable(noun: "Role", member: "RoleName", value: "App", create: { try $0.createRole("App") }),
    Taggable(
      noun: "Policy", member: "PolicyArn", value: A.policyARN("Read"), create: { try $0.createPolicy("Read") }),
    Taggable(
      noun: "InstanceProfile", member: "InstanceProfileName", value: "web",
      create: { try $0.call("CreateInstanceProfile", ["InstanceProfileName": "web"]) }),
  ]

  static func tags(_ pairs: [(String, String)]) -> ModelValue {
    .list(pairs.map { ["Key": .string($0.0), "Value": .string($0.1)] })
  }

  static func tags(count: Int, prefix: String = "k") -> ModelValue {
    tags((1...count).map { ("\(prefix)\($0)", "v") })
  }

  /// The entity's tag keys, in order.
  func keys(_ account: IAMTestAccount, _ taggable: Taggable) throws -> [String] {
    try account.call("List\(taggable.noun)Tags", taggable.input([:])).names(in: "Tags", member: "Key")
  }

  @Test("Tag adds tags, replaces a value under the same key in any case, and Untag removes them", arguments: taggables)
  func tagAndUntag(_ taggable: Taggable) throws {
    let account = try A()
    try taggable.create(account)

    try account.call("Tag\(taggable.noun)", taggable.input(["Tags": Self.tags([("team", "blue"), ("env", "prod")])]))
    try account.call("Tag\(taggable.noun)", taggable.input(["Tags": Self.tags([("Team", "red")])]))
    let listed = try account.call("List\(taggable.noun)Tags", taggable.input([:]))
    #expect(listed.names(in: "Tags", member: "Key") == ["Team", "env"])
    #expect(listed.names(in: "Tags", member: "Value") == ["red", "prod"])

    try account.call("Untag\(taggable.noun)", taggable.input(["TagKeys": ["ENV"]]))
    #expect(try keys(account, taggable) == ["Team"])
  }

  /// Tags IAM refuses, and the error.
  struct BadTags: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let tags: ModelValue
    let error: AWSError
  }

  static let badTags = [
    BadTags(
      testDescription: "a key with the aws: prefix", tags: tags([("aws:owner", "x")]),
      error: .invalidInput("User-provided tag keys cannot start with the reserved prefix 'aws:'.")),
    BadTags(
      testDescription: "the aws: prefix in capitals", tags: tags([("AWS:owner", "x")]),
      error: .invalidInput("User-provided tag keys cannot start with the reserved prefix 'aws:'.")),
    BadTags(
      testDescription: "the same key twice, differing in case", tags: tags([("team", "a"), ("TEAM", "b")]),
      error: .invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")),
    BadTags(
      testDescription: "51 tags", tags: tags(count: 51),
      error: .limitExceeded("The number of tags has reached the maximum limit.")),
  ]

  @Test(
    "refused tags leave the entity's tags as they were",
    arguments: taggables, badTags)
  func refusedTags(_ taggable: Taggable, _ bad: BadTags) throws {
    let account = try A()
    try taggable.create(account)
    try account.call("Tag\(taggable.noun)", taggable.input(["Tags": Self.tags([("keep", "me")])]))

    #expect(account.error("Tag\(taggable.noun)", taggable.input(["Tags": bad.tags])) == bad.error)
    #expect(try keys(account, taggable) == ["keep"])
  }

  @Test("the 50-tag limit counts the tags already there, but not those a new tag replaces", arguments: taggables)
  func limitCountsExistingTags(_ taggable: Taggable) throws {
    let account = try A()
    try taggable.create(account)
    try account.call("Tag\(taggable.noun)", taggable.input(["Tags": Self.tags(count: 49)]))

    // Replacing one and adding one makes 50: allowed.
    try account.call("Tag\(taggable.noun)", taggable.input(["Tags": Self.tags([("k1", "new"), ("extra", "v")])]))
    #expect(try keys(account, taggable).count == 50)

    let error = account.error("Tag\(taggable.noun)", taggable.input(["Tags": Self.tags([("one-more", "v")])]))
    #expect(error == .limitExceeded("The number of tags has reached the maximum limit."))
  }

  /// A create operation that takes tags, with its other required members.
  struct Create: Sendable, CustomTestStringConvertible {
    let operation: String
    let input: [String: ModelValue]
    /// The operation that lists the new entity's tags, and its input.
    let listTags: String
    let naming: ModelValue
    var testDescription: String { operation }
  }

  static let creates = [
    Create(
      operation: "CreateUser", input: ["UserName": "alice"], listTags: "ListUserTags", naming: ["UserName": "alice"]),
    Create(
      operation: "CreateRole", input: ["RoleName": "App", "AssumeRolePolicyDocument": .string(A.ec2Trust)],
      listTags: "ListRoleTags", naming: ["RoleName": "App"]),
    Create(
      operation: "CreatePolicy", input: ["PolicyName": "Read", "PolicyDocument": .string(A.allow("s3:GetObject"))],
      listTags: "ListPolicyTags", naming: ["PolicyArn": .string(A.policyARN("Read"))]),
    Create(
      operation: "CreateInstanceProfile", input: ["InstanceProfileName": "web"], listTags: "ListInstanceProfileTags",
      naming: ["InstanceProfileName": "web"]),
  ]

  @Test("creating with refused tags creates nothing", arguments: creates, badTags)
  func createWithBadTags(_ create: Create, _ bad: BadTags) throws {
    let account = try A()
    var input = create.input
    input["Tags"] = bad.tags

    #expect(account.error(create.operation, .structure(input)) == bad.error)
    let entities = account.entities
    #expect(
      entities.users.isEmpty && entities.roles.isEmpty && entities.policies.isEmpty && entities.instanceProfiles.isEmpty
    )
  }

  @Test("tags given at creation are on the new entity", arguments: creates)
  func createWithTags(_ create: Create) throws {
    let account = try A()
    var input = create.input
    input["Tags"] = Self.tags(count: 50)
    try account.call(create.operation, .structure(input))
    let listed = try account.call(create.listTags, create.naming)
    #expect(listed.names(in: "Tags", member: "Key") == (1...50).map { "k\($0)" })
  }
}
