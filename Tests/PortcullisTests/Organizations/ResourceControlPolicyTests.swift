import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// RCPs limit access to a member account's resources (here: assuming its roles), whoever
/// asks; `RCPFullAWSAccess` stays attached everywhere.
@Suite struct ResourceControlPolicyTests {
  /// A data perimeter: nobody outside the organization assumes roles of the account.
  static func perimeter(_ orgID: String) -> String {
    #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"\#(orgID)"}}}]}"#
  }

  /// Creates role `shared` in `member` trusting the outsider account, and an outsider user
  /// allowed to assume roles; returns the AssumeRole input.
  func trustOutsider(_ bed: OrganizationTestBed, member: String) throws -> ModelValue {
    let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(OrganizationTestBed.outsiderID):root"},"Action":"sts:AssumeRole"}]}"#
    try bed.iam("CreateRole", ["RoleName": "shared", "AssumeRolePolicyDocument": .string(trust)], as: bed.root(member))
    try bed.iam("CreateUser", ["UserName": "visitor"], as: bed.root(OrganizationTestBed.outsiderID))
    try bed.iam(
      "PutUserPolicy",
      ["UserName": "visitor", "PolicyName": "assume", "PolicyDocument": .string(IAMTestAccount.allow("sts:AssumeRole"))],
      as: bed.root(OrganizationTestBed.outsiderID))
    return ["RoleArn": .string("arn:aws:iam::\(member):role/shared"), "RoleSessionName": "visit"]
  }

  @Test func anRCPPerimeterKeepsOutsidersOutOfAMembersRoles() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    try bed.call("EnablePolicyType", ["RootId": .string(rootID), "PolicyType": "RESOURCE_CONTROL_POLICY"])
    let orgID = try #require(try bed.call("DescribeOrganization").string(at: "Organization", "Id"))
    let member = try bed.createAccount("dev")
    let input = try trustOutsider(bed, member: member)
    let visitor = bed.user("visitor", in: OrganizationTestBed.outsiderID)
    _ = try bed.sts.handle("AssumeRole", input: input, caller: visitor)
    try bed.attach(
      try bed.createPolicy("perimeter", Self.perimeter(orgID), type: "RESOURCE_CONTROL_POLICY"), to: member)
    #expect(throws: AWSError.self) { try bed.sts.handle("AssumeRole", input: input, caller: visitor) }
  }

  @Test func rcpFullAWSAccessCannotBeDetached() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    try bed.call("EnablePolicyType", ["RootId": .string(rootID), "PolicyType": "RESOURCE_CONTROL_POLICY"])
    let failure = bed.error("DetachPolicy", ["PolicyId": "p-RCPFullAWSAccess", "TargetId": .string(rootID)])
    #expect(failure?.code == "InvalidInputException")
  }

  @Test func anRCPMustNotGrantOrNamePrincipalsWrongly() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    // RCPs may only deny.
    let allowing = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:*","Resource":"*"}]}"#
    #expect(
      bed.error("CreatePolicy", ["Name": "p", "Description": "d", "Type": "RESOURCE_CONTROL_POLICY", "Content": .string(allowing)])?.code
        == "MalformedPolicyDocumentException")
  }
}

/// Tags on organization resources, and renaming OUs.
@Suite struct OrganizationTagTests {
  @Test func tagsOnAnOUAreListedAndRemoved() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let unit = try bed.createUnit("prod", under: rootID)
    try bed.call("TagResource", ["ResourceId": .string(unit), "Tags": [["Key": "team", "Value": "a"]]])
    #expect(try bed.call("ListTagsForResource", ["ResourceId": .string(unit)]).names(in: "Tags", member: "Key") == ["team"])
    try bed.call("UntagResource", ["ResourceId": .string(unit), "TagKeys": ["team"]])
    #expect(try bed.call("ListTagsForResource", ["ResourceId": .string(unit)]).names(in: "Tags", member: "Key") == [])
  }

  @Test func renamingAnOUKeepsItsID() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let unit = try bed.createUnit("prod", under: rootID)
    let renamed = try bed.call("UpdateOrganizationalUnit", ["OrganizationalUnitId": .string(unit), "Name": "production"])
    #expect(renamed.string(at: "OrganizationalUnit", "Name") == "production")
    #expect(renamed.string(at: "OrganizationalUnit", "Id") == unit)
  }

  @Test func anUnknownResourceIsTargetNotFound() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    #expect(bed.error("ListTagsForResource", ["ResourceId": "ou-zzzz-zzzzzzzz"])?.code == "TargetNotFoundException")
  }
}
