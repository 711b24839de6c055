import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Policy documents the IAM API refuses, with the error AWS gives, whichever operation carries
/// them; and the refused document leaves nothing behind.
@Suite("IAM policy document validation")
struct PolicyDocumentValidationTests {
  typealias A = IAMTestAccount

  /// A bad identity policy and AWS's `MalformedPolicyDocument` message for it (messages from
  /// `Tests/PolicyEngineTests/Validation/grammar.jsonl`, which cites AWS's behaviour).
  struct BadDocument: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let document: String
    let message: String
  }

  static let badDocuments = [
    BadDocument(
      testDescription: "not JSON", document: "This is not a json document", message: "Syntax errors in policy."),
    BadDocument(testDescription: "empty", document: "", message: "Syntax errors in policy."),
    BadDocument(
      testDescription: "an unknown Version",
      document: #"{"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
      message: "Syntax errors in policy."),
    BadDocument(
      testDescription: "no Action",
      document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#,
      message: "Policy statement must contain actions."),
    BadDocument(
      testDescription: "an action without a vendor",
      document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#,
      message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    BadDocument(
      testDescription: "a resource that is not an ARN",
      document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket"}}"#,
      message: #"Resource bucket must be in ARN format or "*"."#),
    BadDocument(
      testDescription: "no Resource",
      document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject"}}"#,
      message: "Policy statement must contain resources."),
    BadDocument(
      testDescription: "a Principal in an identity policy",
      document:
        #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#,
      message: "Policy document should not specify a principal."),
    BadDocument(
      testDescription: "an unknown condition operator",
      document:
        #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}}"#,
      message: "Invalid Condition type : StringEqualz"),
    BadDocument(
      testDescription: "duplicate statement ids",
      document:
        #"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#,
      message: "Statement IDs (SID) in a single policy must be unique."),
  ]

  /// An operation that takes an identity policy document, with the rest of its input.
  struct Carrier: Sendable, CustomTestStringConvertible {
    let operation: String
    let input: [String: ModelValue]
    var testDescription: String { operation }
  }

  static let carriers = [
    Carrier(operation: "CreatePolicy", input: ["PolicyName": "P"]),
    Carrier(operation: "CreatePolicyVersion", input: ["PolicyArn": .string(A.policyARN("Existing"))]),
    Carrier(operation: "PutUserPolicy", input: ["UserName": "alice", "PolicyName": "P"]),
    Carrier(operation: "PutGroupPolicy", input: ["GroupName": "devs", "PolicyName": "P"]),
    Carrier(operation: "PutRolePolicy", input: ["RoleName": "App", "PolicyName": "P"]),
  ]

  @Test(
    "a malformed document is MalformedPolicyDocument with AWS's message, and changes nothing", arguments: carriers,
    badDocuments)
  func malformedDocument(_ carrier: Carrier, _ bad: BadDocument) throws {
    let account = try A()
    try account.createUser("alice")
    try account.createGroup("devs")
    try account.createRole("App")
    try account.createPolicy("Existing")
    let sequence = account.directory.snapshot.sequence
    var input = carrier.input
    input["PolicyDocument"] = .string(bad.document)

    #expect(account.error(carrier.operation, .structure(input)) == .malformedPolicyDocument(bad.message))
    #expect(account.directory.snapshot.sequence == sequence)
  }

  @Test(
    "a managed policy over 6,144 characters is LimitExceeded, with AWS's message",
    arguments: [
      "CreatePolicy", "CreatePolicyVersion",
    ])
  func managedPolicySize(_ operation: String) throws {
    let account = try A()
    let arn = try account.createPolicy("Existing")
    let big = A.allow("s3:GetObject", resource: "arn:aws:s3:::" + String(repeating: "b", count: 6_144))

    let error = account.error(
      operation, ["PolicyName": "Big", "PolicyArn": .string(arn), "PolicyDocument": .string(big)])

    #expect(error == .limitExceeded("Cannot exceed quota for PolicySize: 6144"))
    #expect(account.entities.policies.count == 1)
    #expect(account.entities.policies["existing"]?.versions.count == 1)
  }

  @Test("a trust policy over 2,048 characters is LimitExceeded, with AWS's message")
  func trustPolicySize() throws {
    let account = try A()
    let big = A.ec2Trust.replacingOccurrences(
      of: "\"Action\"", with: "\"Sid\":\"\(String(repeating: "a", count: 2_048))\",\"Action\"")
    let error = account.error("CreateRole", ["RoleName": "App", "AssumeRolePolicyDocument": .string(big)])
    #expect(error == .limitExceeded("Cannot exceed quota for ACLSizePerRole: 2048"))
  }
}
