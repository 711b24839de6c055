import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// The organization condition keys every request carries, as policies see them.
@Suite struct OrganizationConditionKeyTests {
  /// A role `name` in the management account that anyone may assume when `condition` holds.
  func createRole(_ bed: OrganizationTestBed, _ name: String, condition: String) throws -> ModelValue {
    let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":\#(condition)}]}"#
    try bed.iam("CreateRole", ["RoleName": .string(name), "AssumeRolePolicyDocument": .string(trust)], as: bed.root(IAMTestAccount.id))
    return ["RoleArn": .string("arn:aws:iam::\(IAMTestAccount.id):role/\(name)"), "RoleSessionName": "session"]
  }

  /// A user `caller` in `account` allowed to assume any role.
  func createCaller(_ bed: OrganizationTestBed, in account: String) throws -> Caller {
    try bed.iam("CreateUser", ["UserName": "caller"], as: bed.root(account))
    try bed.iam(
      "PutUserPolicy",
      ["UserName": "caller", "PolicyName": "assume", "PolicyDocument": .string(IAMTestAccount.allow("sts:AssumeRole"))],
      as: bed.root(account))
    return bed.user("caller", in: account)
  }

  @Test func principalOrgPathsAdmitsOnlyAccountsUnderTheOU() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let orgID = try #require(try bed.call("DescribeOrganization").string(at: "Organization", "Id"))
    let prod = try bed.createUnit("prod", under: rootID)
    let inProd = try createCaller(bed, in: try bed.createAccount("web", in: prod, rootID: rootID))
    let atRoot = try createCaller(bed, in: try bed.createAccount("tools"))
    let input = try createRole(
      bed, "prod-only",
      condition: #"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["\#(orgID)/\#(rootID)/\#(prod)/*"]}}"#)
    _ = try bed.sts.handle("AssumeRole", input: input, caller: inProd)
    #expect(throws: AWSError.self) { try bed.sts.handle("AssumeRole", input: input, caller: atRoot) }
  }

  @Test func resourceOrgIDNamesTheOrganizationOfTheResourcesAccount() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let orgID = try #require(try bed.call("DescribeOrganization").string(at: "Organization", "Id"))
    let member = try bed.createAccount("dev")
    try bed.iam("CreateUser", ["UserName": "reader"], as: bed.root(member))
    let policy = IAMTestAccount.statement(
      "Allow", ["iam:ListUsers"], condition: #"{"StringEquals":{"aws:ResourceOrgID":"\#(orgID)"}}"#)
    try bed.iam(
      "PutUserPolicy", ["UserName": "reader", "PolicyName": "p", "PolicyDocument": .string(policy)], as: bed.root(member))
    try bed.iam("ListUsers", [:], as: bed.user("reader", in: member))
    // Outside the organization the key is absent, so the same policy grants nothing.
    try bed.iam("CreateUser", ["UserName": "reader"], as: bed.root(OrganizationTestBed.outsiderID))
    try bed.iam(
      "PutUserPolicy", ["UserName": "reader", "PolicyName": "p", "PolicyDocument": .string(policy)],
      as: bed.root(OrganizationTestBed.outsiderID))
    #expect(bed.iamError("ListUsers", [:], as: bed.user("reader", in: OrganizationTestBed.outsiderID))?.code == "AccessDenied")
  }

  @Test func aChangedSCPTakesEffectOnTheNextRequest() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let member = try bed.createAccount("dev")
    try bed.iam("ListUsers", [:], as: bed.root(member))
    let policy = try bed.createPolicy("deny-list", IAMTestAccount.deny("iam:ListUsers"))
    try bed.attach(policy, to: rootID)
    #expect(bed.iamError("ListUsers", [:], as: bed.root(member))?.code == "AccessDenied")
    try bed.call("UpdatePolicy", ["PolicyId": .string(policy), "Content": .string(IAMTestAccount.deny("iam:GetUser"))])
    try bed.iam("ListUsers", [:], as: bed.root(member))
  }
}
