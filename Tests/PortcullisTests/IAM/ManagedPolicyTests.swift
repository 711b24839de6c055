import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Customer managed policies: create, get, list and delete, beside the AWS managed policies
/// every account sees.
@Suite("IAM managed policies")
struct ManagedPolicyTests {
  typealias A = IAMTestAccount

  @Test("CreatePolicy returns the policy at v1 with an ANPA id; GetPolicy finds it")
  func createThenGet() throws {
    let account = try A()
    let created = try account.call(
      "CreatePolicy",
      [
        "PolicyName": "Read", "Path": "/app/", "Description": "reads",
        "PolicyDocument": .string(A.allow("s3:GetObject")),
      ])
    #expect(created.string(at: "Policy", "Arn") == "arn:aws:iam::123456789012:policy/app/Read")
    #expect(created.string(at: "Policy", "PolicyId")?.hasPrefix("ANPA") == true)
    #expect(created.string(at: "Policy", "DefaultVersionId") == "v1")
    #expect(created.value(at: "Policy", "AttachmentCount") == 0)

    let fetched = try account.call("GetPolicy", ["PolicyArn": "arn:aws:iam::123456789012:policy/app/Read"])
    #expect(fetched.string(at: "Policy", "Description") == "reads")
  }

  @Test("a policy name already taken, in any letter case, is EntityAlreadyExists")
  func namesAreUniqueIgnoringCase() throws {
    let account = try A()
    try account.createPolicy("Read")
    let error = account.error("CreatePolicy", ["PolicyName": "READ", "PolicyDocument": .string(A.allow("s3:*"))])
    #expect(error == .entityAlreadyExists("A policy called READ already exists. Duplicate names are not allowed."))
  }

  @Test("GetPolicy of an unknown ARN is NoSuchEntity, with AWS's message")
  func unknownPolicy() throws {
    let account = try A()
    let arn = A.policyARN("Missing")
    #expect(account.error("GetPolicy", ["PolicyArn": .string(arn)]) == .noSuchEntity("Policy \(arn) was not found."))
  }

  @Test("an AWS managed policy is visible to GetPolicy and GetPolicyVersion")
  func awsManagedPolicyIsVisible() throws {
    let account = try A()
    let arn = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    let policy = try account.call("GetPolicy", ["PolicyArn": .string(arn)])
    #expect(policy.string(at: "Policy", "PolicyName") == "IAMReadOnlyAccess")
    let version = try #require(policy.string(at: "Policy", "DefaultVersionId"))

    let document = try account.call("GetPolicyVersion", ["PolicyArn": .string(arn), "VersionId": .string(version)])
    #expect(document.string(at: "PolicyVersion", "Document")?.removingPercentEncoding?.contains("iam:List") == true)
  }

  @Test("ListPolicies with Scope Local lists only the account's own policies, in name order")
  func listLocalPolicies() throws {
    let account = try A()
    for name in ["Zeta", "alpha", "Mid"] { try account.createPolicy(name) }
    let output = try account.call("ListPolicies", ["Scope": "Local"])
    #expect(output.names(in: "Policies", member: "PolicyName") == ["alpha", "Mid", "Zeta"])
  }

  @Test("ListPolicies with OnlyAttached lists the policies in use, AWS managed ones included")
  func listAttachedPolicies() throws {
    let account = try A()
    try account.createPolicy("Unused")
    let used = try account.createPolicy("Used")
    try account.createUser("alice")
    try account.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": .string(used)])
    try account.call(
      "AttachUserPolicy", ["UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"])

    let output = try account.call("ListPolicies", ["OnlyAttached": true])

    #expect(output.names(in: "Policies", member: "PolicyName") == ["IAMReadOnlyAccess", "Used"])
  }

  @Test("DeletePolicy removes a policy with one version and no attachments")
  func deletePolicy() throws {
    let account = try A()
    let arn = try account.createPolicy("Read")
    try account.call("DeletePolicy", ["PolicyArn": .string(arn)])
    #expect(account.entities.policies.isEmpty)
  }

  @Test(
    "DeletePolicy is a DeleteConflict while the policy is attached or used as a boundary",
    arguments: [
      "AttachUserPolicy", "PutUserPermissionsBoundary",
    ])
  func deleteAttachedPolicy(_ use: String) throws {
    let account = try A()
    let arn = try account.createPolicy("Read")
    try account.createUser("alice")
    try account.call(use, ["UserName": "alice", "PolicyArn": .string(arn), "PermissionsBoundary": .string(arn)])

    let error = account.error("DeletePolicy", ["PolicyArn": .string(arn)])

    #expect(error == .deleteConflict("Cannot delete a policy attached to entities."))
    #expect(account.entities.policies["read"] != nil)
  }

  @Test("DeletePolicy is a DeleteConflict while the policy has versions besides the default")
  func deletePolicyWithVersions() throws {
    let account = try A()
    let arn = try account.createPolicy("Read")
    try account.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(A.allow("s3:*"))])

    let error = account.error("DeletePolicy", ["PolicyArn": .string(arn)])

    #expect(
      error
        == .deleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."
        ))
  }

  @Test("TagPolicy and UntagPolicy change the tags ListPolicyTags shows")
  func tagPolicy() throws {
    let account = try A()
    let arn = try account.createPolicy("Read")
    try account.call(
      "TagPolicy",
      ["PolicyArn": .string(arn), "Tags": [["Key": "team", "Value": "blue"], ["Key": "env", "Value": "prod"]]])
    try account.call("UntagPolicy", ["PolicyArn": .string(arn), "TagKeys": ["env"]])
    let tags = try account.call("ListPolicyTags", ["PolicyArn": .string(arn)])
    #expect(tags.names(in: "Tags", member: "Key") == ["team"])
  }
}
