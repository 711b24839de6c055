import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Versions of a customer managed policy: at most five, numbered without reuse, one of them the
/// default, which cannot be deleted.
@Suite("IAM managed policy versions")
struct PolicyVersionTests {
  typealias A = IAMTestAccount

  /// Version `n`'s document: distinct for each version so a test can tell them apart.
  static func document(_ n: Int) -> String { A.allow("s3:GetObject", resource: "arn:aws:s3:::bucket\(n)/*") }

  @Test("CreatePolicyVersion adds v2, v3... and does not change the default unless asked")
  func createVersions() throws {
    let account = try A()
    let arn = try account.createPolicy("Read", document: Self.document(1))

    let v2 = try account.call(
      "CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(2))])
    #expect(v2.string(at: "PolicyVersion", "VersionId") == "v2")
    #expect(v2.value(at: "PolicyVersion", "IsDefaultVersion") == false)

    let v3 = try account.call(
      "CreatePolicyVersion",
      ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(3)), "SetAsDefault": true])
    #expect(v3.string(at: "PolicyVersion", "VersionId") == "v3")
    #expect(v3.value(at: "PolicyVersion", "IsDefaultVersion") == true)

    let versions = try account.call("ListPolicyVersions", ["PolicyArn": .string(arn)])
    #expect(versions.names(in: "Versions", member: "VersionId") == ["v3", "v2", "v1"])
    #expect(try account.call("GetPolicy", ["PolicyArn": .string(arn)]).string(at: "Policy", "DefaultVersionId") == "v3")
  }

  @Test("GetPolicyVersion returns that version's document, URL-encoded")
  func getVersion() throws {
    let account = try A()
    let arn = try account.createPolicy("Read", document: Self.document(1))
    try account.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(2))])

    let v1 = try account.call("GetPolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v1"])
    #expect(v1.string(at: "PolicyVersion", "Document")?.removingPercentEncoding == Self.document(1))
    #expect(v1.value(at: "PolicyVersion", "IsDefaultVersion") == true)

    let missing = account.error("GetPolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v9"])
    #expect(missing == .noSuchEntity("Policy \(arn) version v9 does not exist or is not attachable."))
  }

  @Test("a sixth version is LimitExceeded, with AWS's message, and is not added")
  func fiveVersionLimit() throws {
    let account = try A()
    let arn = try account.createPolicy("Read", document: Self.document(1))
    for n in 2...5 {
      try account.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(n))])
    }

    let error = account.error(
      "CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(6))])

    #expect(
      error
        == .limitExceeded(
          "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
        ))
    #expect(account.entities.policies["read"]?.versions.count == 5)
  }

  @Test("deleting a version makes room, and the next version number is not reused")
  func versionNumbersAreNotReused() throws {
    let account = try A()
    let arn = try account.createPolicy("Read", document: Self.document(1))
    for n in 2...5 {
      try account.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(n))])
    }
    try account.call("DeletePolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v5"])

    let next = try account.call(
      "CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(6))])

    #expect(next.string(at: "PolicyVersion", "VersionId") == "v6")
  }

  @Test("the default version cannot be deleted: DeleteConflict, with AWS's message")
  func deleteDefaultVersion() throws {
    let account = try A()
    let arn = try account.createPolicy("Read", document: Self.document(1))
    try account.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(2))])

    let error = account.error("DeletePolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v1"])

    #expect(error == .deleteConflict("Cannot delete the default version of a policy."))
    #expect(account.entities.policies["read"]?.versions.count == 2)
  }

  @Test("SetDefaultPolicyVersion moves the default; the old default can then be deleted")
  func setDefaultVersion() throws {
    let account = try A()
    let arn = try account.createPolicy("Read", document: Self.document(1))
    try account.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(Self.document(2))])

    try account.call("SetDefaultPolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v2"])
    try account.call("DeletePolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v1"])

    let policy = try #require(account.entities.policies["read"])
    #expect(policy.defaultVersionID == "v2")
    #expect(policy.defaultDocument == Self.document(2))
    #expect(policy.versions.map(\.id) == ["v2"])
  }

  @Test("SetDefaultPolicyVersion to a version that does not exist is NoSuchEntity and changes nothing")
  func setDefaultToMissingVersion() throws {
    let account = try A()
    let arn = try account.createPolicy("Read")
    let error = account.error("SetDefaultPolicyVersion", ["PolicyArn": .string(arn), "VersionId": "v7"])
    #expect(error == .noSuchEntity("Policy \(arn) version v7 does not exist or is not attachable."))
    #expect(account.entities.policies["read"]?.defaultVersionID == "v1")
  }

  @Test("a new version with a malformed document is MalformedPolicyDocument and is not added")
  func malformedVersion() throws {
    let account = try A()
    let arn = try account.createPolicy("Read")
    let error = account.error("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": "{"])
    #expect(error == .malformedPolicyDocument("Syntax errors in policy."))
    #expect(account.entities.policies["read"]?.versions.count == 1)
  }
}
