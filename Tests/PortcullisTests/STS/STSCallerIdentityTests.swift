import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// `GetCallerIdentity` needs no permission and cannot be denied; `GetAccessKeyInfo` names the
/// account of any key id.
@Suite("STS GetCallerIdentity and GetAccessKeyInfo")
struct STSCallerIdentityTests {
  typealias S = STSTestAccount
  typealias A = IAMTestAccount

  @Test("GetCallerIdentity for root, a user (even one denied everything) and a role session")
  func identities() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.putPolicy(user: "alice", A.deny("*"))
    try account.iamAccount.createUser("bob")
    try account.createRole("App", trust: S.trust("arn:aws:iam::123456789012:user/bob"))

    let root = try account.call("GetCallerIdentity", as: account.root)
    #expect(root == ["UserId": "123456789012", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"])

    let alice = try account.call("GetCallerIdentity", as: account.user("alice"))
    let aliceID = try #require(account.iamAccount.entities.users["alice"]?.id)
    #expect(alice == ["UserId": .string(aliceID), "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/alice"])

    let session = try account.assume("arn:aws:iam::123456789012:role/App", session: "ci", as: account.user("bob"))
    let roleID = try #require(account.iamAccount.entities.roles["app"]?.id)
    let identity = try account.call("GetCallerIdentity", as: session)
    #expect(
      identity == [
        "UserId": .string("\(roleID):ci"), "Account": "123456789012",
        "Arn": "arn:aws:sts::123456789012:assumed-role/App/ci",
      ])
  }

  @Test("GetAccessKeyInfo: a long-term key's account from the directory, a temporary key's from its id")
  func accessKeyInfo() throws {
    let account = try S()
    let created = try account.iam("CreateAccessKey", [:])
    let keyID = try #require(created.string(at: "AccessKey", "AccessKeyId"))
    #expect(try account.call("GetAccessKeyInfo", ["AccessKeyId": .string(keyID)], as: account.root) == ["Account": "123456789012"])

    let other = try IAMTestAccount(joining: account.iamAccount, accountID: "210987654321")
    try account.iamAccount.createUser("alice")
    try other.call(
      "CreateRole", ["RoleName": "R", "AssumeRolePolicyDocument": .string(S.trust("arn:aws:iam::123456789012:user/alice"))])
    try account.putPolicy(user: "alice", A.allow("sts:AssumeRole", "sts:GetAccessKeyInfo"))
    let session = try account.assume("arn:aws:iam::210987654321:role/R", as: account.user("alice"))
    #expect(
      try account.call("GetAccessKeyInfo", ["AccessKeyId": .string(session.accessKeyID)], as: account.user("alice"))
        == ["Account": "210987654321"])
    #expect(
      account.error("GetAccessKeyInfo", ["AccessKeyId": "nonsense"], as: account.root)?.code == "ValidationError")
  }

  @Test("GetAccessKeyInfo is authorized like any action")
  func accessKeyInfoAuthorized() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    let error = account.error("GetAccessKeyInfo", ["AccessKeyId": "ASIAY34FZKBOKMUTVV7A"], as: account.user("alice"))
    #expect(
      error
        == .accessDenied(
          "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:GetAccessKeyInfo on resource: * because no identity-based policy allows the sts:GetAccessKeyInfo action"
        ))
  }

  @Test("an operation STS has but this server does not is InvalidAction with STS's version")
  func unknownOperation() throws {
    let account = try S()
    #expect(
      account.error("GetDelegatedAccessToken", [:], as: account.root)
        == .invalidAction("GetDelegatedAccessToken", version: "2011-06-15"))
  }
}
