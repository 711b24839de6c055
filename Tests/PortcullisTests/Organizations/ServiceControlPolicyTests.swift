import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// SCPs: attachment rules as AWS enforces them, and the chain root → OUs → account that every
/// member principal's request must pass, root user included, management account exempt.
@Suite struct ServiceControlPolicyTests {
  static let denyCreateUser = IAMTestAccount.deny("iam:CreateUser")
  static let allowListOnly = IAMTestAccount.allow("iam:List*")

  @Test func attachingBeforeTheTypeIsEnabledIsPolicyTypeNotEnabled() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization(enablingSCPs: false)
    let policy = try bed.createPolicy("deny", Self.denyCreateUser)
    #expect(bed.error("AttachPolicy", ["PolicyId": .string(policy), "TargetId": .string(rootID)])?.code == "PolicyTypeNotEnabledException")
  }

  @Test func enablingSCPsAttachesFullAWSAccessEverywhere() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization(enablingSCPs: false)
    let unit = try bed.createUnit("prod", under: rootID)
    let member = try bed.createAccount("dev")
    try bed.call("EnablePolicyType", ["RootId": .string(rootID), "PolicyType": "SERVICE_CONTROL_POLICY"])
    let targets = try bed.call("ListTargetsForPolicy", ["PolicyId": "p-FullAWSAccess"]).names(in: "Targets", member: "TargetId")
    #expect(Set(targets) == [rootID, unit, member, IAMTestAccount.id])
    let newUnit = try bed.createUnit("later", under: rootID)
    let policies = try bed.call("ListPoliciesForTarget", ["TargetId": .string(newUnit), "Filter": "SERVICE_CONTROL_POLICY"])
    #expect(policies.names(in: "Policies", member: "Id") == ["p-FullAWSAccess"])
  }

  @Test func attachingTwiceIsDuplicatePolicyAttachment() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let policy = try bed.createPolicy("deny", Self.denyCreateUser)
    try bed.attach(policy, to: rootID)
    #expect(bed.error("AttachPolicy", ["PolicyId": .string(policy), "TargetId": .string(rootID)])?.code == "DuplicatePolicyAttachmentException")
  }

  @Test func detachingTheLastSCPOfATargetIsAConstraintViolation() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let failure = try #require(bed.error("DetachPolicy", ["PolicyId": "p-FullAWSAccess", "TargetId": .string(rootID)]))
    #expect(failure.code == "ConstraintViolationException")
    #expect(failure.fields["Reason"] == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
  }

  @Test func aDocumentOutsideTheSCPGrammarIsMalformed() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let withPrincipal = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#
    #expect(bed.error("CreatePolicy", ["Name": "p", "Description": "d", "Type": "SERVICE_CONTROL_POLICY", "Content": .string(withPrincipal)])?.code == "MalformedPolicyDocumentException")
  }

  @Test func aDenyOnAnOUStopsEvenTheMemberAccountsRoot() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let unit = try bed.createUnit("restricted", under: rootID)
    let member = try bed.createAccount("dev", in: unit, rootID: rootID)
    try bed.iam("CreateUser", ["UserName": "before"], as: bed.root(member))
    try bed.attach(try bed.createPolicy("deny", Self.denyCreateUser), to: unit)
    let denied = try #require(bed.iamError("CreateUser", ["UserName": "after"], as: bed.root(member)))
    #expect(denied.code == "AccessDenied")
    #expect(denied.message.contains("with an explicit deny in a service control policy"))
  }

  @Test func theManagementAccountIsNeverLimitedBySCPs() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    try bed.attach(try bed.createPolicy("deny", Self.denyCreateUser), to: rootID)
    try bed.iam("CreateUser", ["UserName": "still"], as: bed.root(IAMTestAccount.id))
  }

  @Test func anAllowListSCPLimitsAMemberAdministrator() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let member = try bed.createAccount("dev")
    try bed.iam("CreateUser", ["UserName": "admin"], as: bed.root(member))
    try bed.iam(
      "AttachUserPolicy", ["UserName": "admin", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"],
      as: bed.root(member))
    try bed.attach(try bed.createPolicy("list-only", Self.allowListOnly), to: member)
    try bed.detach("p-FullAWSAccess", from: member)
    let admin = bed.user("admin", in: member)
    try bed.iam("ListUsers", [:], as: admin)
    let denied = try #require(bed.iamError("CreateUser", ["UserName": "x"], as: admin))
    #expect(denied.message.contains("because no service control policy allows the iam:CreateUser action"))
    _ = rootID
  }

  @Test func everyLevelOfTheChainMustAllow() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let outer = try bed.createUnit("outer", under: rootID)
    let inner = try bed.createUnit("inner", under: outer)
    let member = try bed.createAccount("dev", in: inner, rootID: rootID)
    // The account and the inner OU still allow everything; the outer OU allows only listing.
    try bed.attach(try bed.createPolicy("list-only", Self.allowListOnly), to: outer)
    try bed.detach("p-FullAWSAccess", from: outer)
    try bed.iam("ListUsers", [:], as: bed.root(member))
    #expect(bed.iamError("CreateUser", ["UserName": "x"], as: bed.root(member))?.code == "AccessDenied")
  }

  @Test func anSCPDenyingLeaveOrganizationKeepsTheMemberIn() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let member = try bed.createAccount("dev")
    try bed.attach(try bed.createPolicy("stay", IAMTestAccount.deny("organizations:LeaveOrganization")), to: rootID)
    #expect(bed.error("LeaveOrganization", as: bed.root(member))?.code == "AccessDeniedException")
    #expect(bed.snapshot.organizations.organization(of: member) != nil)
  }

  @Test func aMemberLeavesWhenNoSCPForbidsIt() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let member = try bed.createAccount("dev")
    try bed.call("LeaveOrganization", as: bed.root(member))
    #expect(bed.snapshot.organizations.organization(of: member) == nil)
  }

  @Test func principalOrgIDInATrustPolicyAdmitsMembersAndRejectsOutsiders() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let orgID = try #require(try bed.call("DescribeOrganization").string(at: "Organization", "Id"))
    let member = try bed.createAccount("dev")
    let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"\#(orgID)"}}}]}"#
    try bed.iam("CreateRole", ["RoleName": "shared", "AssumeRolePolicyDocument": .string(trust)], as: bed.root(IAMTestAccount.id))
    let roleARN = "arn:aws:iam::\(IAMTestAccount.id):role/shared"
    for account in [member, OrganizationTestBed.outsiderID] {
      try bed.iam("CreateUser", ["UserName": "caller"], as: bed.root(account))
      try bed.iam(
        "PutUserPolicy",
        ["UserName": "caller", "PolicyName": "assume", "PolicyDocument": .string(IAMTestAccount.allow("sts:AssumeRole"))],
        as: bed.root(account))
    }
    let input: ModelValue = ["RoleArn": .string(roleARN), "RoleSessionName": "session"]
    _ = try bed.sts.handle("AssumeRole", input: input, caller: bed.user("caller", in: member))
    #expect(throws: AWSError.self) {
      try bed.sts.handle("AssumeRole", input: input, caller: bed.user("caller", in: OrganizationTestBed.outsiderID))
    }
  }

  @Test func principalOrgPathsNamesTheOUsDownToTheAccount() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let unit = try bed.createUnit("prod", under: rootID)
    let member = try bed.createAccount("dev", in: unit, rootID: rootID)
    let orgID = try #require(try bed.call("DescribeOrganization").string(at: "Organization", "Id"))
    let org = try #require(bed.snapshot.organizations.organization(of: member))
    #expect(org.path(ofAccount: member) == "\(orgID)/\(rootID)/\(unit)/")
    #expect(org.path(ofAccount: IAMTestAccount.id) == "\(orgID)/\(rootID)/")
  }
}
