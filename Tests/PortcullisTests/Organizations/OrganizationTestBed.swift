import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// A server's worth of accounts for Organizations suites: the IAM test account (123456789012)
/// as the management account, an account outside any organization (444455556666), and the
/// Organizations and STS services over one directory and authorizer.
struct OrganizationTestBed: Sendable {
  static let outsiderID = "444455556666"

  let management: IAMTestAccount
  let outsider: IAMTestAccount
  let organizations: OrganizationsService
  let sts: STSService

  init() throws {
    management = try IAMTestAccount()
    outsider = try IAMTestAccount(joining: management, accountID: Self.outsiderID)
    organizations = OrganizationsService(
      directory: management.directory, authorizer: management.iam.authorizer, now: { IAMTestAccount.now })
    sts = STSService(
      directory: management.directory, authorizer: management.iam.authorizer, keyRing: .ephemeral(),
      now: { IAMTestAccount.now })
  }

  var snapshot: DirectorySnapshot { management.directory.snapshot }

  /// The root user of any account on the server.
  func root(_ accountID: String) -> Caller {
    Caller(
      accountID: accountID, principal: RequestPrincipal("arn:aws:iam::\(accountID):root"), userName: nil,
      userID: accountID, accessKeyID: "AKIATESTCALLER000000", sourceIP: "192.0.2.10", secureTransport: true,
      region: "us-east-1", time: IAMTestAccount.now)
  }

  /// IAM user `name` of `accountID`.
  func user(_ name: String, in accountID: String) -> Caller {
    let user = snapshot.accounts[accountID]!.users[name.lowercased()]!
    return Caller(
      accountID: accountID, principal: RequestPrincipal(user.arn), userName: user.name, userID: user.id,
      accessKeyID: "AKIATESTCALLER000000", sourceIP: "192.0.2.10", secureTransport: true, region: "us-east-1",
      time: IAMTestAccount.now)
  }

  /// Runs an Organizations operation (as the management root by default).
  @discardableResult
  func call(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) throws(AWSError) -> ModelValue {
    try organizations.handle(operation, input: input, caller: caller ?? root(IAMTestAccount.id)) ?? [:]
  }

  func error(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) -> AWSError? {
    do {
      try call(operation, input, as: caller)
      return nil
    } catch {
      return error
    }
  }

  /// Runs an IAM operation as `caller`.
  @discardableResult
  func iam(_ operation: String, _ input: ModelValue, as caller: Caller) throws(AWSError) -> ModelValue {
    try management.iam.handle(operation, input: input, caller: caller)
  }

  func iamError(_ operation: String, _ input: ModelValue, as caller: Caller) -> AWSError? {
    do {
      try iam(operation, input, as: caller)
      return nil
    } catch {
      return error
    }
  }

  // MARK: set-up

  /// Creates the organization and returns its root id.
  @discardableResult
  func createOrganization(enablingSCPs: Bool = true) throws -> String {
    try call("CreateOrganization", ["FeatureSet": "ALL"])
    let rootID = try #require(call("ListRoots")[member: "Roots"]?.listValue?.first?[member: "Id"]?.stringValue)
    if enablingSCPs {
      try call("EnablePolicyType", ["RootId": .string(rootID), "PolicyType": "SERVICE_CONTROL_POLICY"])
    }
    return rootID
  }

  func createUnit(_ name: String, under parentID: String) throws -> String {
    let result = try call("CreateOrganizationalUnit", ["ParentId": .string(parentID), "Name": .string(name)])
    return try #require(result.string(at: "OrganizationalUnit", "Id"))
  }

  /// Creates a member account (under the root, moved to `parentID` when given); returns its id.
  func createAccount(_ name: String, in parentID: String? = nil, rootID: String? = nil) throws -> String {
    let result = try call("CreateAccount", ["AccountName": .string(name), "Email": .string("\(name)@example.com")])
    let id = try #require(result.string(at: "CreateAccountStatus", "AccountId"))
    if let parentID, let rootID {
      try call(
        "MoveAccount",
        ["AccountId": .string(id), "SourceParentId": .string(rootID), "DestinationParentId": .string(parentID)])
    }
    return id
  }

  func createPolicy(_ name: String, _ document: String, type: String = "SERVICE_CONTROL_POLICY") throws -> String {
    let result = try call(
      "CreatePolicy",
      ["Name": .string(name), "Description": "test", "Type": .string(type), "Content": .string(document)])
    return try #require(result.string(at: "Policy", "PolicySummary", "Id"))
  }

  func attach(_ policyID: String, to targetID: String) throws {
    try call("AttachPolicy", ["PolicyId": .string(policyID), "TargetId": .string(targetID)])
  }

  func detach(_ policyID: String, from targetID: String) throws {
    try call("DetachPolicy", ["PolicyId": .string(policyID), "TargetId": .string(targetID)])
  }
}
