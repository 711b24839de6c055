import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// Organizations as the management account, members and outsiders see it.
@Suite struct OrganizationsTests {
  @Test func theCallerOfCreateOrganizationBecomesItsManagementAccount() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization(enablingSCPs: false)
    let organization = try bed.call("DescribeOrganization")
    #expect(organization.string(at: "Organization", "MasterAccountId") == IAMTestAccount.id)
    let id = try #require(organization.string(at: "Organization", "Id"))
    #expect(id.wholeMatch(of: /o-[a-z0-9]{10}/) != nil)
    #expect(organization.string(at: "Organization", "Arn") == "arn:aws:organizations::\(IAMTestAccount.id):organization/\(id)")
  }

  @Test func anAccountInAnOrganizationCannotCreateAnother() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    #expect(bed.error("CreateOrganization")?.code == "AlreadyInOrganizationException")
  }

  @Test func anAccountOutsideAnyOrganizationGetsNotInUse() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    #expect(
      bed.error("ListAccounts", as: bed.root(OrganizationTestBed.outsiderID))?.code
        == "AWSOrganizationsNotInUseException")
  }

  @Test func createAccountMakesARealAccountWithTheAccessRole() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let result = try bed.call("CreateAccount", ["AccountName": "dev", "Email": "dev@example.com"])
    #expect(result.string(at: "CreateAccountStatus", "State") == "SUCCEEDED")
    let id = try #require(result.string(at: "CreateAccountStatus", "AccountId"))
    let requestID = try #require(result.string(at: "CreateAccountStatus", "Id"))
    let role = try #require(bed.snapshot.accounts[id]?.roles["organizationaccountaccessrole"])
    #expect(role.attachedPolicies == ["arn:aws:iam::aws:policy/AdministratorAccess"])
    #expect(role.assumeRolePolicyDocument.contains("arn:aws:iam::\(IAMTestAccount.id):root"))
    #expect(bed.snapshot.accounts[id]?.accessKeys.isEmpty == true)
    let status = try bed.call("DescribeCreateAccountStatus", ["CreateAccountRequestId": .string(requestID)])
    #expect(status.string(at: "CreateAccountStatus", "AccountId") == id)
  }

  @Test func aMemberCannotCallManagementOperations() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let member = try bed.createAccount("dev")
    #expect(bed.error("ListAccounts", as: bed.root(member))?.code == "AccessDeniedException")
    #expect(try bed.call("DescribeOrganization", as: bed.root(member)).string(at: "Organization", "MasterAccountId") == IAMTestAccount.id)
  }

  @Test func unitsNestAndListTheirChildren() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let prod = try bed.createUnit("prod", under: rootID)
    let web = try bed.createUnit("web", under: prod)
    #expect(prod.hasPrefix("ou-\(rootID.dropFirst(2))-"))
    let account = try bed.createAccount("web1", in: web, rootID: rootID)
    let parents = try bed.call("ListParents", ["ChildId": .string(account)])
    #expect(parents.names(in: "Parents", member: "Id") == [web])
    let children = try bed.call("ListChildren", ["ParentId": .string(prod), "ChildType": "ORGANIZATIONAL_UNIT"])
    #expect(children.names(in: "Children", member: "Id") == [web])
    #expect(bed.error("CreateOrganizationalUnit", ["ParentId": .string(rootID), "Name": "prod"])?.code == "DuplicateOrganizationalUnitException")
    #expect(bed.error("DeleteOrganizationalUnit", ["OrganizationalUnitId": .string(prod)])?.code == "OrganizationalUnitNotEmptyException")
  }

  @Test func deletingAnOrganizationWithMembersIsRefused() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let member = try bed.createAccount("dev")
    #expect(bed.error("DeleteOrganization")?.code == "OrganizationNotEmptyException")
    try bed.call("RemoveAccountFromOrganization", ["AccountId": .string(member)])
    try bed.call("DeleteOrganization")
    #expect(bed.error("DescribeOrganization")?.code == "AWSOrganizationsNotInUseException")
  }

  @Test func theOrganizationSurvivesAReloadFromTheStore() throws {
    let bed = try OrganizationTestBed()
    let rootID = try bed.createOrganization()
    let unit = try bed.createUnit("prod", under: rootID)
    let member = try bed.createAccount("dev", in: unit, rootID: rootID)
    let reloaded = try Directory(store: bed.management.store, secrets: .ephemeral()).snapshot
    let org = try #require(reloaded.organizations.organization(of: member))
    #expect(org.accounts[member]?.parentID == unit)
    #expect(org.organization?.enabledPolicyTypes == ["SERVICE_CONTROL_POLICY"])
    #expect(org.policies["p-FullAWSAccess"]?.targets.contains(member) == true)
    #expect(reloaded.accounts[member]?.roles["organizationaccountaccessrole"] != nil)
  }

  @Test func theManagementAccountCannotBeRemoved() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    #expect(
      bed.error("RemoveAccountFromOrganization", ["AccountId": .string(IAMTestAccount.id)])?.code
        == "MasterCannotLeaveOrganizationException")
  }
}
