import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Attaching managed policies to users, groups and roles: the same rules for each kind of
/// entity, so each test runs once per kind.
@Suite("IAM managed policy attachments")
struct PolicyAttachmentTests {
  typealias A = IAMTestAccount

  /// One kind of entity a managed policy attaches to, with its operations and name member.
  struct Entity: Sendable, CustomTestStringConvertible {
    let noun: String
    let create: @Sendable (IAMTestAccount) throws -> Void

    var testDescription: String { noun.lowercased() }
    var nameMember: String { "\(noun)Name" }
    var name: ModelValue { "target" }
    var attach: String { "Attach\(noun)Policy" }
    var detach: String { "Detach\(noun)Policy" }
    var list: String { "ListAttached\(noun)Policies" }

    func input(_ arn: String) -> ModelValue { [nameMember: name, "PolicyArn": .string(arn)] }
  }

  static let entities = [
    Entity(noun: "User", create: { try $0.createUser("target") }),
    Entity(noun: "Group", create: { try $0.createGroup("target") }),
    Entity(noun: "Role", create: { try $0.createRole("target") }),
  ]

  @Test("an attached policy is listed, counted on the policy and shown by ListEntitiesForPolicy", arguments: entities)
  func attach(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let arn = try account.createPolicy("Read")

    try account.call(entity.attach, entity.input(arn))

    let listed = try account.call(entity.list, [entity.nameMember: entity.name])
    #expect(listed.names(in: "AttachedPolicies", member: "PolicyArn") == [arn])
    #expect(listed.names(in: "AttachedPolicies", member: "PolicyName") == ["Read"])
    #expect(try account.call("GetPolicy", ["PolicyArn": .string(arn)]).value(at: "Policy", "AttachmentCount") == 1)
    let users = try account.call("ListEntitiesForPolicy", ["PolicyArn": .string(arn)])
    #expect(users.names(in: "Policy\(entity.noun)s", member: entity.nameMember) == ["target"])
  }

  @Test("attaching the same policy twice attaches it once", arguments: entities)
  func attachTwice(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let arn = try account.createPolicy("Read")
    try account.call(entity.attach, entity.input(arn))
    try account.call(entity.attach, entity.input(arn))
    let listed = try account.call(entity.list, [entity.nameMember: entity.name])
    #expect(listed.names(in: "AttachedPolicies", member: "PolicyArn") == [arn])
  }

  @Test("detaching removes the attachment; detaching again is NoSuchEntity", arguments: entities)
  func detach(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let arn = try account.createPolicy("Read")
    try account.call(entity.attach, entity.input(arn))

    try account.call(entity.detach, entity.input(arn))
    #expect(
      try account.call(entity.list, [entity.nameMember: entity.name]).names(in: "AttachedPolicies", member: "PolicyArn")
        == [])

    #expect(account.error(entity.detach, entity.input(arn)) == .noSuchEntity("Policy \(arn) was not found."))
  }

  @Test("attaching a policy that does not exist is NoSuchEntity, with AWS's message", arguments: entities)
  func attachMissingPolicy(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let arn = A.policyARN("Missing")
    #expect(
      account.error(entity.attach, entity.input(arn))
        == .noSuchEntity("Policy \(arn) does not exist or is not attachable."))
  }

  @Test("an entity takes at most 10 managed policies", arguments: entities)
  func attachedPolicyQuota(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    for n in 1...11 { try account.createPolicy("P\(n)") }
    for n in 1...10 { try account.call(entity.attach, entity.input(A.policyARN("P\(n)"))) }

    let error = account.error(entity.attach, entity.input(A.policyARN("P11")))

    #expect(error == .limitExceeded("Cannot exceed quota for PoliciesPer\(entity.noun): 10"))
    let listed = try account.call(entity.list, [entity.nameMember: entity.name])
    #expect(listed.names(in: "AttachedPolicies", member: "PolicyArn").count == 10)
  }

  @Test("an AWS managed policy attaches like a customer one", arguments: entities)
  func attachAWSManaged(_ entity: Entity) throws {
    let account = try A()
    try entity.create(account)
    let arn = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    try account.call(entity.attach, entity.input(arn))
    let listed = try account.call(entity.list, [entity.nameMember: entity.name])
    #expect(listed.names(in: "AttachedPolicies", member: "PolicyName") == ["IAMReadOnlyAccess"])
  }
}
