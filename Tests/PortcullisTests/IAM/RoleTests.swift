import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Roles: create with a trust policy, read it back, update, and what must go before a role can
/// be deleted.
@Suite("IAM roles")
struct RoleTests {
  typealias A = IAMTestAccount

  @Test("CreateRole returns the role with an AROA id; GetRole returns the trust policy URL-encoded")
  func createThenGet() throws {
    let account = try A()
    let created = try account.call(
      "CreateRole",
      [
        "RoleName": "App", "Path": "/service/", "AssumeRolePolicyDocument": .string(A.ec2Trust),
        "Description": "the app", "MaxSessionDuration": 7200,
      ])
    #expect(created.string(at: "Role", "Arn") == "arn:aws:iam::123456789012:role/service/App")
    #expect(created.string(at: "Role", "RoleId")?.hasPrefix("AROA") == true)

    let role = try account.call("GetRole", ["RoleName": "app"])
    let encoded = try #require(role.string(at: "Role", "AssumeRolePolicyDocument"))
    #expect(encoded.removingPercentEncoding == A.ec2Trust)
    #expect(!encoded.contains("{"))
    #expect(role.string(at: "Role", "Description") == "the app")
    #expect(role.value(at: "Role", "MaxSessionDuration") == 7200)
  }

  @Test("a role name already taken, in any letter case, is EntityAlreadyExists")
  func namesAreUniqueIgnoringCase() throws {
    let account = try A()
    try account.createRole("App")
    let error = account.error("CreateRole", ["RoleName": "APP", "AssumeRolePolicyDocument": .string(A.ec2Trust)])
    #expect(error == .entityAlreadyExists("Role with name APP already exists."))
  }

  @Test("an unknown role is NoSuchEntity, with AWS's message", arguments: ["GetRole", "DeleteRole", "UpdateRole"])
  func unknownRole(_ operation: String) throws {
    let account = try A()
    #expect(
      account.error(operation, ["RoleName": "nobody"]) == .noSuchEntity("The role with name nobody cannot be found."))
  }

  /// A trust policy IAM refuses, with the message it gives.
  struct BadTrust: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let document: String
    let message: String
  }

  static let badTrusts: [BadTrust] = [
    BadTrust(testDescription: "not JSON", document: "trust me", message: "Syntax errors in policy."),
    BadTrust(
      testDescription: "a Resource element",
      document:
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#,
      message: "Has prohibited field Resource."),
    BadTrust(
      testDescription: "no principal",
      document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#,
      message:
        "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!"
    ),
  ]

  @Test("a malformed trust policy is MalformedPolicyDocument, and no role is created", arguments: badTrusts)
  func malformedTrustPolicy(_ bad: BadTrust) throws {
    let account = try A()
    let error = account.error("CreateRole", ["RoleName": "App", "AssumeRolePolicyDocument": .string(bad.document)])
    #expect(error == .malformedPolicyDocument(bad.message))
    #expect(account.entities.roles.isEmpty)
  }

  @Test("UpdateAssumeRolePolicy validates the new trust policy and keeps the old one when it is bad")
  func updateTrustPolicy() throws {
    let account = try A()
    try account.createRole("App")
    let lambda = A.ec2Trust.replacingOccurrences(of: "ec2.amazonaws.com", with: "lambda.amazonaws.com")

    try account.call("UpdateAssumeRolePolicy", ["RoleName": "App", "PolicyDocument": .string(lambda)])
    #expect(account.entities.roles["app"]?.assumeRolePolicyDocument == lambda)

    let error = account.error("UpdateAssumeRolePolicy", ["RoleName": "App", "PolicyDocument": "{"])
    #expect(error == .malformedPolicyDocument("Syntax errors in policy."))
    #expect(account.entities.roles["app"]?.assumeRolePolicyDocument == lambda)
  }

  @Test(
    "MaxSessionDuration must be between 3600 and 43200 seconds",
    arguments: [
      (3599, "greater than or equal to 3600"), (43201, "less than or equal to 43200"),
    ])
  func maxSessionDuration(_ value: Int64, _ constraint: String) throws {
    let account = try A()
    let error = account.error(
      "CreateRole",
      ["RoleName": "App", "AssumeRolePolicyDocument": .string(A.ec2Trust), "MaxSessionDuration": .integer(value)])
    #expect(
      error
        == .validationError(
          "1 validation error detected: Value '\(value)' at 'maxSessionDuration' failed to satisfy constraint: Member must have value \(constraint)"
        ))
  }

  @Test("UpdateRole changes the description and session duration; UpdateRoleDescription returns the role")
  func updateRole() throws {
    let account = try A()
    try account.createRole("App")
    try account.call("UpdateRole", ["RoleName": "App", "Description": "new", "MaxSessionDuration": 43200])
    #expect(account.entities.roles["app"]?.description == "new")
    #expect(account.entities.roles["app"]?.maxSessionDuration == 43200)

    let output = try account.call("UpdateRoleDescription", ["RoleName": "App", "Description": "newer"])
    #expect(output.string(at: "Role", "Description") == "newer")
  }

  @Test("ListRoles lists roles in name order")
  func listRoles() throws {
    let account = try A()
    for name in ["web", "Api", "batch"] { try account.createRole(name) }
    #expect(try account.call("ListRoles").names(in: "Roles", member: "RoleName") == ["Api", "batch", "web"])
  }

  /// Something a role still has that `DeleteRole` refuses to delete it over.
  struct Dependent: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let add: @Sendable (IAMTestAccount) throws -> Void
    let message: String
  }

  static let dependents: [Dependent] = [
    Dependent(
      testDescription: "an instance profile",
      add: {
        try $0.call("CreateInstanceProfile", ["InstanceProfileName": "web"])
        try $0.call("AddRoleToInstanceProfile", ["InstanceProfileName": "web", "RoleName": "App"])
      },
      message: "Cannot delete entity, must remove roles from instance profile first."),
    Dependent(
      testDescription: "an inline policy",
      add: {
        try $0.call(
          "PutRolePolicy", ["RoleName": "App", "PolicyName": "p", "PolicyDocument": .string(A.allow("s3:*"))])
      },
      message: "Cannot delete entity, must delete policies first."),
    Dependent(
      testDescription: "an attached managed policy",
      add: {
        try $0.call("AttachRolePolicy", ["RoleName": "App", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
      },
      message: "Cannot delete entity, must detach all policies first."),
  ]

  @Test("DeleteRole is a DeleteConflict while the role still has", arguments: dependents)
  func deleteConflict(_ dependent: Dependent) throws {
    let account = try A()
    try account.createRole("App")
    try dependent.add(account)
    #expect(account.error("DeleteRole", ["RoleName": "App"]) == .deleteConflict(dependent.message))
    #expect(account.entities.roles["app"] != nil)
  }

  @Test("DeleteRole removes a role with nothing attached")
  func deleteRole() throws {
    let account = try A()
    try account.createRole("App")
    try account.call("DeleteRole", ["RoleName": "app"])
    #expect(account.entities.roles.isEmpty)
  }
}
