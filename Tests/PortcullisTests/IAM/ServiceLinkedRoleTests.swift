import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Service-linked roles: AWS's names and path, a trust policy for the service alone, the
/// service's managed policy attached, no ordinary changes (`UnmodifiableEntity`), and deletion
/// only through `DeleteServiceLinkedRole` with a deletion task to poll.
@Suite("Service-linked roles")
struct ServiceLinkedRoleTests {
  typealias A = IAMTestAccount

  /// Service principal, the role AWS names for it, and its AWS managed policy (the services'
  /// "Using service-linked roles" pages).
  static let services: [(String, String, String?)] = [
    ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy"),
    ("elasticbeanstalk.amazonaws.com", "AWSServiceRoleForElasticBeanstalk", "AWSElasticBeanstalkServiceRolePolicy"),
    ("ecs.amazonaws.com", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy"),
    ("es.amazonaws.com", "AWSServiceRoleForAmazonElasticsearchService", "AmazonElasticsearchServiceRolePolicy"),
    ("spot.amazonaws.com", "AWSServiceRoleForEC2Spot", "AWSEC2SpotServiceRolePolicy"),
    ("dynamodb.application-autoscaling.amazonaws.com", "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
     "AWSApplicationAutoscalingDynamoDBTablePolicy"),
    // Not in the table: AWS's usual rule, and no policy.
    ("my-thing.amazonaws.com", "AWSServiceRoleForMyThing", nil),
  ]

  @discardableResult
  static func create(_ account: A, _ service: String, suffix: String? = nil) throws(AWSError) -> ModelValue {
    var input: [String: ModelValue] = ["AWSServiceName": .string(service), "Description": "linked"]
    if let suffix { input["CustomSuffix"] = .string(suffix) }
    return try account.call("CreateServiceLinkedRole", .structure(input))
  }

  @Test("the role has AWS's name, the path /aws-service-role/SERVICE/ and the service's policy", arguments: services)
  func naming(_ row: (String, String, String?)) throws {
    let account = try A()
    let role = try Self.create(account, row.0)
    #expect(role.string(at: "Role", "RoleName") == row.1)
    #expect(role.string(at: "Role", "Path") == "/aws-service-role/\(row.0)/")
    #expect(role.string(at: "Role", "Arn") == "arn:aws:iam::\(A.id):role/aws-service-role/\(row.0)/\(row.1)")
    #expect(role.string(at: "Role", "Description") == "linked")
    let attached = try account.call("ListAttachedRolePolicies", ["RoleName": .string(row.1)])
    #expect(attached.names(in: "AttachedPolicies", member: "PolicyName") == (row.2.map { [$0] } ?? []))
  }

  @Test("the trust policy lets the service, and only it, assume the role")
  func trustPolicy() throws {
    let account = try A()
    try Self.create(account, "autoscaling.amazonaws.com")
    let stored = try #require(account.entities.roles["awsserviceroleforautoscaling"])
    let document = try JSONSerialization.jsonObject(with: Data(stored.assumeRolePolicyDocument.utf8)) as? [String: Any]
    let statement = (document?["Statement"] as? [[String: Any]])?.first
    #expect((statement?["Principal"] as? [String: Any])?["Service"] as? [String] == ["autoscaling.amazonaws.com"])
    #expect(statement?["Action"] as? String == "sts:AssumeRole")
    #expect(stored.linkedService == "autoscaling.amazonaws.com")
  }

  @Test("a custom suffix is joined with _ where the service takes one, and refused where it does not")
  func customSuffix() throws {
    let account = try A()
    let role = try Self.create(account, "autoscaling.amazonaws.com", suffix: "fleet")
    #expect(role.string(at: "Role", "RoleName") == "AWSServiceRoleForAutoScaling_fleet")
    let error = account.error("CreateServiceLinkedRole", ["AWSServiceName": "ecs.amazonaws.com", "CustomSuffix": "x"])
    #expect(error == .invalidInput("Custom suffix is not allowed for ecs.amazonaws.com"))
  }

  @Test("a second role for the same service is refused with AWS's text")
  func taken() throws {
    let account = try A()
    try Self.create(account, "ecs.amazonaws.com")
    #expect(
      account.error("CreateServiceLinkedRole", ["AWSServiceName": "ecs.amazonaws.com"])
        == .invalidInput("Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix."))
  }

  @Test("a name that is not a service principal is refused", arguments: ["ecs", "example.com", ".amazonaws.com"])
  func notAService(_ name: String) throws {
    let account = try A()
    #expect(account.error("CreateServiceLinkedRole", ["AWSServiceName": .string(name)])?.code == "InvalidInput")
    #expect(account.entities.roles.isEmpty)
  }

  static let protected = "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS"

  /// Ordinary calls that would change or delete the role.
  static let ordinaryChanges: [(String, ModelValue)] = [
    ("DeleteRole", ["RoleName": "AWSServiceRoleForECS"]),
    ("UpdateAssumeRolePolicy", ["RoleName": "AWSServiceRoleForECS", "PolicyDocument": .string(A.ec2Trust)]),
    ("PutRolePolicy", ["RoleName": "AWSServiceRoleForECS", "PolicyName": "p", "PolicyDocument": .string(A.allow("s3:*"))]),
    ("AttachRolePolicy", ["RoleName": "AWSServiceRoleForECS", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"]),
    ("DetachRolePolicy", ["RoleName": "AWSServiceRoleForECS", "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy"]),
    ("PutRolePermissionsBoundary", ["RoleName": "AWSServiceRoleForECS", "PermissionsBoundary": "arn:aws:iam::aws:policy/ReadOnlyAccess"]),
    ("UpdateRole", ["RoleName": "AWSServiceRoleForECS", "MaxSessionDuration": .integer(7200)]),
  ]

  @Test("ordinary calls cannot change or delete a service-linked role", arguments: ordinaryChanges)
  func unmodifiable(_ change: (String, ModelValue)) throws {
    let account = try A()
    try Self.create(account, "ecs.amazonaws.com")
    let before = account.entities.roles["awsserviceroleforecs"]
    let error = account.error(change.0, change.1)
    #expect(error == AWSError(code: "UnmodifiableEntity", message: Self.protected, status: 400))
    #expect(account.entities.roles["awsserviceroleforecs"] == before)
  }

  @Test("the description may be changed, as IAM allows for service-linked roles")
  func description() throws {
    let account = try A()
    try Self.create(account, "ecs.amazonaws.com")
    let updated = try account.call("UpdateRoleDescription", ["RoleName": "AWSServiceRoleForECS", "Description": "new"])
    #expect(updated.string(at: "Role", "Description") == "new")
  }

  @Test("DeleteServiceLinkedRole deletes the role with its policy and answers a task that has SUCCEEDED")
  func delete() throws {
    let account = try A()
    try Self.create(account, "ecs.amazonaws.com")
    let task = try #require(
      try account.call("DeleteServiceLinkedRole", ["RoleName": "AWSServiceRoleForECS"]).string(at: "DeletionTaskId"))
    #expect(task.hasPrefix("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/"))
    #expect(account.entities.roles.isEmpty)
    let status = try account.call("GetServiceLinkedRoleDeletionStatus", ["DeletionTaskId": .string(task)])
    #expect(status.string(at: "Status") == "SUCCEEDED")
    // The name is free again.
    try Self.create(account, "ecs.amazonaws.com")
  }

  @Test("DeleteServiceLinkedRole refuses an ordinary role and an unknown one")
  func deleteOrdinary() throws {
    let account = try A()
    try account.createRole("App")
    #expect(account.error("DeleteServiceLinkedRole", ["RoleName": "App"])?.code == "NoSuchEntity")
    #expect(account.error("DeleteServiceLinkedRole", ["RoleName": "Nope"])?.code == "NoSuchEntity")
    #expect(account.entities.roles["app"] != nil)
  }

  @Test("an unknown deletion task is NoSuchEntity, a malformed one InvalidInput")
  func unknownTask() throws {
    let account = try A()
    let unknown = "task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/8f0b2a4e-0000-4000-8000-000000000000"
    #expect(account.error("GetServiceLinkedRoleDeletionStatus", ["DeletionTaskId": .string(unknown)])?.code == "NoSuchEntity")
    #expect(account.error("GetServiceLinkedRoleDeletionStatus", ["DeletionTaskId": "nonsense"])?.code == "InvalidInput")
  }

  @Test("creating needs iam:CreateServiceLinkedRole, with iam:AWSServiceName in the context")
  func authorization() throws {
    let account = try A()
    try account.createUser("ops")
    let only = A.statement(
      "Allow", ["iam:CreateServiceLinkedRole"],
      condition: #"{"StringEquals":{"iam:AWSServiceName":"ecs.amazonaws.com"}}"#)
    try account.call("PutUserPolicy", ["UserName": "ops", "PolicyName": "slr", "PolicyDocument": .string(only)])
    try account.call("CreateServiceLinkedRole", ["AWSServiceName": "ecs.amazonaws.com"], as: account.user("ops"))
    let denied = account.error("CreateServiceLinkedRole", ["AWSServiceName": "rds.amazonaws.com"], as: account.user("ops"))
    #expect(denied?.code == "AccessDenied")
  }
}
