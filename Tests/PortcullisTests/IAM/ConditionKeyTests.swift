import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// The condition keys the IAM service puts in each request's context — the caller's tags,
/// the policy being attached, the boundary being set, the tags being written — decide the
/// delegation patterns AWS documents.
@Suite("IAM condition keys")
struct ConditionKeyTests {
  typealias A = IAMTestAccount

  /// A policy with one conditioned statement, a call by `alice`, and whether it is allowed.
  struct Case: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let actions: [String]
    let condition: String
    let operation: String
    let input: ModelValue
    let allowed: Bool
  }

  static let readOnly = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
  static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"
  static let boundary = A.policyARN("Boundary")

  static let cases = [
    Case(
      testDescription: "aws:PrincipalTag/team matches the caller's tag",
      actions: ["iam:ListUsers"], condition: #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#,
      operation: "ListUsers", input: [:], allowed: true),
    Case(
      testDescription: "aws:PrincipalTag/team does not match the caller's tag",
      actions: ["iam:ListUsers"], condition: #"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#,
      operation: "ListUsers", input: [:], allowed: false),
    Case(
      testDescription: "iam:PolicyARN names the policy attached",
      actions: ["iam:AttachUserPolicy"], condition: #"{"ArnEquals":{"iam:PolicyARN":"\#(readOnly)"}}"#,
      operation: "AttachUserPolicy", input: ["UserName": "bob", "PolicyArn": .string(readOnly)], allowed: true),
    Case(
      testDescription: "iam:PolicyARN names another policy",
      actions: ["iam:AttachUserPolicy"], condition: #"{"ArnEquals":{"iam:PolicyARN":"\#(readOnly)"}}"#,
      operation: "AttachUserPolicy", input: ["UserName": "bob", "PolicyArn": .string(admin)], allowed: false),
    Case(
      testDescription: "iam:PermissionsBoundary is the required boundary",
      actions: ["iam:CreateUser"], condition: #"{"StringEquals":{"iam:PermissionsBoundary":"\#(boundary)"}}"#,
      operation: "CreateUser", input: ["UserName": "carol", "PermissionsBoundary": .string(boundary)], allowed: true),
    Case(
      testDescription: "iam:PermissionsBoundary is absent",
      actions: ["iam:CreateUser"], condition: #"{"StringEquals":{"iam:PermissionsBoundary":"\#(boundary)"}}"#,
      operation: "CreateUser", input: ["UserName": "carol"], allowed: false),
    Case(
      testDescription: "aws:TagKeys limited to team, and only team is written",
      actions: ["iam:TagUser"], condition: #"{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}"#,
      operation: "TagUser", input: ["UserName": "bob", "Tags": [["Key": "team", "Value": "x"]]], allowed: true),
    Case(
      testDescription: "aws:TagKeys limited to team, and another key is written",
      actions: ["iam:TagUser"], condition: #"{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}"#,
      operation: "TagUser",
      input: ["UserName": "bob", "Tags": [["Key": "team", "Value": "x"], ["Key": "cost", "Value": "y"]]], allowed: false
    ),
    Case(
      testDescription: "aws:ResourceTag/team of the user being tagged matches",
      actions: ["iam:TagUser"], condition: #"{"StringEquals":{"aws:ResourceTag/team":"blue"}}"#,
      operation: "TagUser", input: ["UserName": "alice", "Tags": [["Key": "x", "Value": "y"]]], allowed: true),
    Case(
      testDescription: "aws:ResourceTag/team of the user being tagged is absent",
      actions: ["iam:TagUser"], condition: #"{"StringEquals":{"aws:ResourceTag/team":"blue"}}"#,
      operation: "TagUser", input: ["UserName": "bob", "Tags": [["Key": "x", "Value": "y"]]], allowed: false),
  ]

  @Test("a conditioned Allow applies only when the request's context satisfies it", arguments: cases)
  func conditionKey(_ c: Case) throws {
    let account = try A()
    try account.call("CreateUser", ["UserName": "alice", "Tags": [["Key": "team", "Value": "blue"]]])
    try account.createUser("bob")
    try account.createPolicy("Boundary")
    try account.call(
      "PutUserPolicy",
      [
        "UserName": "alice", "PolicyName": "conditioned",
        "PolicyDocument": .string(A.statement("Allow", c.actions, condition: c.condition)),
      ])

    let error = account.error(c.operation, c.input, as: account.user("alice"))

    if c.allowed {
      #expect(error == nil)
    } else {
      #expect(error?.code == "AccessDenied")
      #expect(error?.message.hasSuffix("because no identity-based policy allows the iam:\(c.operation) action") == true)
    }
  }
}
