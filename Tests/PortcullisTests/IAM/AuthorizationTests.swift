import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Every IAM call is authorized by the policy engine over the caller's policies: its own, its
/// groups', AWS's managed ones, and its permissions boundary; a refusal is `AccessDenied` with
/// AWS's message saying why.
@Suite("IAM API authorization")
struct AuthorizationTests {
  typealias A = IAMTestAccount

  /// The user `alice` given some policies (as root), then calling `operation`.
  struct Case: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let grant: @Sendable (IAMTestAccount) throws -> Void
    let operation: String
    var input: ModelValue = [:]
    /// nil when the call is allowed.
    let denied: String?
  }

  static func put(_ document: String, name: String = "inline") -> @Sendable (IAMTestAccount) throws -> Void {
    { account in
      try account.call(
        "PutUserPolicy", ["UserName": "alice", "PolicyName": .string(name), "PolicyDocument": .string(document)])
    }
  }

  static func denied(_ action: String, _ resource: String = "*", _ reason: String) -> String {
    "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:\(action) on resource: \(resource) \(reason)"
  }

  static func noIdentityPolicy(_ action: String, _ resource: String = "*") -> String {
    denied(action, resource, "because no identity-based policy allows the iam:\(action) action")
  }

  static let readOnly = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"

  static let cases = [
    Case(
      testDescription: "no policies: denied, no identity-based policy allows",
      grant: { _ in }, operation: "ListUsers", denied: noIdentityPolicy("ListUsers")),
    Case(
      testDescription: "an inline Allow of the action: allowed",
      grant: put(A.allow("iam:ListUsers")), operation: "ListUsers", denied: nil),
    Case(
      testDescription: "an inline Allow of a wildcard action: allowed",
      grant: put(A.allow("iam:List*")), operation: "ListUsers", denied: nil),
    Case(
      testDescription: "an Allow of another action only: denied",
      grant: put(A.allow("iam:ListGroups")), operation: "ListUsers", denied: noIdentityPolicy("ListUsers")),
    Case(
      testDescription: "an explicit Deny beside an Allow: denied, with an explicit deny",
      grant: { a in
        try put(A.allow("iam:*"), name: "all")(a)
        try put(A.deny("iam:ListUsers"), name: "no-list")(a)
      },
      operation: "ListUsers",
      denied: denied("ListUsers", "*", "with an explicit deny in an identity-based policy")),
    Case(
      testDescription: "an Allow on the user's own ARN only: allowed for it",
      grant: put(A.allow("iam:GetUser", resource: A.userARN("alice"))), operation: "GetUser",
      input: ["UserName": "alice"], denied: nil),
    Case(
      testDescription: "an Allow on the user's own ARN only: denied for another user, named by its ARN",
      grant: put(A.allow("iam:GetUser", resource: A.userARN("alice"))), operation: "GetUser",
      input: ["UserName": "bob"], denied: noIdentityPolicy("GetUser", "arn:aws:iam::123456789012:user/team/bob")),
    Case(
      testDescription: "AWS's IAMReadOnlyAccess attached: reads allowed",
      grant: { try $0.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": .string(readOnly)]) },
      operation: "ListUsers", denied: nil),
    Case(
      testDescription: "AWS's IAMReadOnlyAccess attached: GetUser allowed",
      grant: { try $0.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": .string(readOnly)]) },
      operation: "GetUser", input: ["UserName": "bob"], denied: nil),
    Case(
      testDescription: "AWS's IAMReadOnlyAccess attached: writes denied",
      grant: { try $0.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": .string(readOnly)]) },
      operation: "CreateUser", input: ["UserName": "carol"],
      denied: noIdentityPolicy("CreateUser", A.userARN("carol"))),
    Case(
      testDescription: "a customer managed policy attached: allowed",
      grant: { a in
        let arn = try a.createPolicy("Lister", document: A.allow("iam:ListUsers"))
        try a.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": .string(arn)])
      },
      operation: "ListUsers", denied: nil),
    Case(
      testDescription: "a group's inline policy: allowed for a member",
      grant: { a in
        try a.createGroup("readers")
        try a.call(
          "PutGroupPolicy",
          ["GroupName": "readers", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:ListUsers"))])
        try a.call("AddUserToGroup", ["GroupName": "readers", "UserName": "alice"])
      },
      operation: "ListUsers", denied: nil),
    Case(
      testDescription: "a group's inline policy: denied for a non-member",
      grant: { a in
        try a.createGroup("readers")
        try a.call(
          "PutGroupPolicy",
          ["GroupName": "readers", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:ListUsers"))])
        try a.call("AddUserToGroup", ["GroupName": "readers", "UserName": "bob"])
      },
      operation: "ListUsers", denied: noIdentityPolicy("ListUsers")),
    Case(
      testDescription: "a group's attached managed policy: allowed for a member",
      grant: { a in
        try a.createGroup("readers")
        try a.call("AttachGroupPolicy", ["GroupName": "readers", "PolicyArn": .string(readOnly)])
        try a.call("AddUserToGroup", ["GroupName": "readers", "UserName": "alice"])
      },
      operation: "ListUsers", denied: nil),
    Case(
      testDescription: "a group's explicit Deny overrides the user's own Allow",
      grant: { a in
        try put(A.allow("iam:*"))(a)
        try a.createGroup("locked")
        try a.call(
          "PutGroupPolicy", ["GroupName": "locked", "PolicyName": "p", "PolicyDocument": .string(A.deny("iam:List*"))])
        try a.call("AddUserToGroup", ["GroupName": "locked", "UserName": "alice"])
      },
      operation: "ListUsers", denied: denied("ListUsers", "*", "with an explicit deny in an identity-based policy")),
    Case(
      testDescription: "a permissions boundary allowing the action: allowed",
      grant: { a in
        try put(A.allow("iam:*"))(a)
        let boundary = try a.createPolicy("Boundary", document: A.allow("iam:List*", "iam:Get*"))
        try a.call("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": .string(boundary)])
      },
      operation: "ListUsers", denied: nil),
    Case(
      testDescription: "a permissions boundary not allowing the action: denied by the boundary",
      grant: { a in
        try put(A.allow("iam:*"))(a)
        let boundary = try a.createPolicy("Boundary", document: A.allow("iam:List*", "iam:Get*"))
        try a.call("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": .string(boundary)])
      },
      operation: "CreateUser", input: ["UserName": "carol"],
      denied: denied(
        "CreateUser", A.userARN("carol"), "because no permissions boundary allows the iam:CreateUser action")),
    Case(
      testDescription: "a permissions boundary grants nothing by itself",
      grant: { a in
        let boundary = try a.createPolicy("Boundary", document: A.allow("iam:*"))
        try a.call("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": .string(boundary)])
      },
      operation: "ListUsers", denied: noIdentityPolicy("ListUsers")),
  ]

  @Test("a user's call is allowed or denied by its policies", arguments: cases)
  func authorization(_ c: Case) throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob", path: "/team/")
    try c.grant(account)

    let error = account.error(c.operation, c.input, as: account.user("alice"))

    #expect(error == c.denied.map(AWSError.accessDenied))
  }

  /// A `CreateUser` request and whether a policy requiring `aws:RequestTag/team` = `blue` allows it.
  struct TagCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let tags: [(String, String)]
    let allowed: Bool
  }

  static let tagCases = [
    TagCase(testDescription: "team=blue", tags: [("team", "blue")], allowed: true),
    TagCase(testDescription: "team=blue among others", tags: [("cost", "1"), ("team", "blue")], allowed: true),
    TagCase(testDescription: "team=red", tags: [("team", "red")], allowed: false),
    TagCase(testDescription: "no tags", tags: [], allowed: false),
  ]

  @Test("a condition on aws:RequestTag/team decides CreateUser by the tags in the request", arguments: tagCases)
  func requestTagCondition(_ c: TagCase) throws {
    let account = try A()
    try account.createUser("alice")
    let condition = #"{"StringEquals":{"aws:RequestTag/team":"blue"}}"#
    try Self.put(A.statement("Allow", ["iam:CreateUser", "iam:TagUser"], condition: condition))(account)
    var input: [String: ModelValue] = ["UserName": "carol"]
    if !c.tags.isEmpty { input["Tags"] = .list(c.tags.map { ["Key": .string($0.0), "Value": .string($0.1)] }) }

    let error = account.error("CreateUser", .structure(input), as: account.user("alice"))

    if c.allowed {
      #expect(error == nil)
      #expect(account.entities.users["carol"]?.tags.map(\.key) == c.tags.map(\.0))
    } else {
      #expect(error == .accessDenied(Self.noIdentityPolicy("CreateUser", A.userARN("carol"))))
      #expect(account.entities.users["carol"] == nil)
    }
  }

  @Test("changing a managed policy's default version changes what it grants")
  func defaultVersionDecides() throws {
    let account = try A()
    try account.createUser("alice")
    let arn = try account.createPolicy("Lister", document: A.allow("iam:ListUsers"))
    try account.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": .string(arn)])
    let alice = account.user("alice")
    #expect(account.error("ListUsers", [:], as: alice) == nil)

    try account.call(
      "CreatePolicyVersion",
      ["PolicyArn": .string(arn), "PolicyDocument": .string(A.allow("iam:ListGroups")), "SetAsDefault": true])
    #expect(account.error("ListUsers", [:], as: alice) == .accessDenied(Self.noIdentityPolicy("ListUsers")))
    #expect(account.error("ListGroups", [:], as: alice) == nil)

    try account.call("SetDefaultPolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v1"])
    #expect(account.error("ListUsers", [:], as: alice) == nil)
  }

  @Test("leaving a group takes its permissions away")
  func leavingAGroup() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createGroup("readers")
    try account.call("AttachGroupPolicy", ["GroupName": "readers", "PolicyArn": .string(Self.readOnly)])
    try account.call("AddUserToGroup", ["GroupName": "readers", "UserName": "alice"])
    let alice = account.user("alice")
    #expect(account.error("ListUsers", [:], as: alice) == nil)

    try account.call("RemoveUserFromGroup", ["GroupName": "readers", "UserName": "alice"])

    #expect(account.error("ListUsers", [:], as: alice) == .accessDenied(Self.noIdentityPolicy("ListUsers")))
  }

  @Test("a denied write changes nothing")
  func deniedWriteChangesNothing() throws {
    let account = try A()
    try account.createUser("alice")
    let sequence = account.directory.snapshot.sequence

    let error = account.error("CreateUser", ["UserName": "carol"], as: account.user("alice"))

    #expect(error?.code == "AccessDenied")
    #expect(account.directory.snapshot.sequence == sequence)
    #expect(account.entities.users["carol"] == nil)
  }

  @Test("the root user is allowed everything in its account, with no policy at all")
  func rootIsAllowed() throws {
    let account = try A()
    try account.call("CreateUser", ["UserName": "carol"])
    try account.call("ListUsers")
  }
}
