import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// Login profiles and the account password policy through the IAM API, with AWS's errors.
@Suite("Login profiles and the account password policy")
struct LoginProfileTests {
  typealias P = PasswordTestAccount

  @Test("CreateLoginProfile stores only a hash; GetLoginProfile shows the date and reset flag, never the password")
  func createAndGet() throws {
    let account = try P()
    try account.base.createUser("alice")
    let created = try account.call(
      "CreateLoginProfile",
      ["UserName": "alice", "Password": .string(P.strong), "PasswordResetRequired": true])
    #expect(created.string(at: "LoginProfile", "UserName") == "alice")
    #expect(created.value(at: "LoginProfile", "PasswordResetRequired") == .boolean(true))
    let got = try account.call("GetLoginProfile", ["UserName": "alice"])
    #expect(got.value(at: "LoginProfile", "CreateDate") == .timestamp(IAMTestAccount.now))
    #expect(got.value(at: "LoginProfile", "Password") == nil)
    let stored = try #require(account.entities.users["alice"]?.loginProfile)
    #expect(stored.password.verify(P.strong))
    #expect(stored.password.iterations == 1_000)
  }

  @Test("a second CreateLoginProfile is EntityAlreadyExists; Get, Update and Delete without one are NoSuchEntity")
  func existence() throws {
    let account = try P()
    try account.createUser("alice")
    let again = account.error("CreateLoginProfile", ["UserName": "alice", "Password": .string(P.strong)])
    #expect(again == .entityAlreadyExists("Login Profile for user alice already exists."))
    try account.base.createUser("bob")
    let missing = AWSError.noSuchEntity("Login Profile for User bob cannot be found.")
    #expect(account.error("GetLoginProfile", ["UserName": "bob"]) == missing)
    #expect(account.error("UpdateLoginProfile", ["UserName": "bob", "PasswordResetRequired": true]) == missing)
    #expect(account.error("DeleteLoginProfile", ["UserName": "bob"]) == missing)
    #expect(account.error("GetLoginProfile", ["UserName": "carol"]) == .noSuchEntity("The user with name carol cannot be found."))
  }

  @Test("DeleteUser is a DeleteConflict while the user has a login profile")
  func deleteUserConflict() throws {
    let account = try P()
    try account.createUser("alice")
    #expect(
      account.error("DeleteUser", ["UserName": "alice"])
        == .deleteConflict("Cannot delete entity, must delete login profile first."))
    try account.call("DeleteLoginProfile", ["UserName": "alice"])
    try account.call("DeleteUser", ["UserName": "alice"])
  }

  @Test("UpdateLoginProfile sets a new password and the reset flag")
  func update() throws {
    let account = try P()
    try account.createUser("alice")
    try account.call("UpdateLoginProfile", ["UserName": "alice", "Password": "Battery-Staple-7", "PasswordResetRequired": true])
    let profile = try #require(account.entities.users["alice"]?.loginProfile)
    #expect(profile.password.verify("Battery-Staple-7") && profile.passwordResetRequired)
  }

  @Test("without a policy AWS's default rules apply: a weak password is a PasswordPolicyViolation")
  func defaultRules() throws {
    let account = try P()
    try account.base.createUser("alice")
    let weak = account.error("CreateLoginProfile", ["UserName": "alice", "Password": "password"])
    #expect(weak?.code == "PasswordPolicyViolation")
    #expect(weak?.message == "Password does not conform to the account password policy.")
    #expect(account.entities.users["alice"]?.loginProfile == nil)
  }

  @Test("under a policy, Create, Update and ChangePassword refuse passwords breaking it")
  func policyViolations() throws {
    let account = try P()
    try account.createUser("alice")
    try account.setPolicy(["MinimumPasswordLength": 14, "RequireSymbols": true, "AllowUsersToChangePassword": true])
    try account.base.createUser("bob")
    #expect(account.error("CreateLoginProfile", ["UserName": "bob", "Password": "Short-1"])?.code == "PasswordPolicyViolation")
    #expect(
      account.error("UpdateLoginProfile", ["UserName": "alice", "Password": "longbutnosymbols"])?.code
        == "PasswordPolicyViolation")
    #expect(
      account.error(
        "ChangePassword", ["OldPassword": .string(P.strong), "NewPassword": "no-digits"], as: account.base.user("alice"))?
        .code == "PasswordPolicyViolation")
    try account.call("CreateLoginProfile", ["UserName": "bob", "Password": "fourteen-chars"])
  }

  @Test("PasswordReusePrevention refuses the last N passwords, the current one included")
  func reusePrevention() throws {
    let account = try P()
    try account.setPolicy(["PasswordReusePrevention": 2])
    try account.createUser("alice", password: "first-password")
    try account.call("UpdateLoginProfile", ["UserName": "alice", "Password": "second-password"])
    for reused in ["first-password", "second-password"] {
      #expect(
        account.error("UpdateLoginProfile", ["UserName": "alice", "Password": .string(reused)])?.code
          == "PasswordPolicyViolation")
    }
    try account.call("UpdateLoginProfile", ["UserName": "alice", "Password": "third-password"])
    // Only two are remembered: the first may come back.
    try account.call("UpdateLoginProfile", ["UserName": "alice", "Password": "first-password"])
  }

  @Test("UpdateAccountPasswordPolicy, Get and Delete; Get and Delete without one are NoSuchEntity")
  func accountPolicy() throws {
    let account = try P()
    let none = AWSError.noSuchEntity("The Password Policy with domain name 123456789012 cannot be found.")
    #expect(account.error("GetAccountPasswordPolicy") == none)
    try account.setPolicy([
      "MinimumPasswordLength": 12, "RequireNumbers": true, "MaxPasswordAge": 90, "PasswordReusePrevention": 5,
      "HardExpiry": true,
    ])
    let policy = try #require(try account.call("GetAccountPasswordPolicy")[member: "PasswordPolicy"])
    #expect(policy[member: "MinimumPasswordLength"] == .integer(12))
    #expect(policy[member: "RequireNumbers"] == .boolean(true))
    #expect(policy[member: "RequireSymbols"] == .boolean(false))
    #expect(policy[member: "ExpirePasswords"] == .boolean(true))
    #expect(policy[member: "MaxPasswordAge"] == .integer(90))
    #expect(policy[member: "PasswordReusePrevention"] == .integer(5))
    #expect(policy[member: "HardExpiry"] == .boolean(true))
    // An update replaces the whole policy: members left out return to their defaults.
    try account.setPolicy(["RequireSymbols": true])
    let replaced = try #require(try account.call("GetAccountPasswordPolicy")[member: "PasswordPolicy"])
    #expect(replaced[member: "MinimumPasswordLength"] == .integer(6))
    #expect(replaced[member: "ExpirePasswords"] == .boolean(false))
    #expect(replaced[member: "MaxPasswordAge"] == nil)
    try account.call("DeleteAccountPasswordPolicy")
    #expect(account.error("GetAccountPasswordPolicy") == none)
    #expect(account.error("DeleteAccountPasswordPolicy") == none)
  }

  @Test("the password policy operations need permission like any other")
  func policyAuthorization() throws {
    let account = try P()
    try account.base.createUser("bob")
    let bob = account.base.user("bob")
    #expect(account.error("UpdateAccountPasswordPolicy", [:], as: bob)?.code == "AccessDenied")
    #expect(account.error("GetAccountPasswordPolicy", [:], as: bob)?.code == "AccessDenied")
    #expect(account.error("CreateLoginProfile", ["UserName": "bob", "Password": .string(P.strong)], as: bob)?.code == "AccessDenied")
  }
}

/// `ChangePassword`: a user's own password, allowed by `AllowUsersToChangePassword` or by its
/// policies, never against an explicit deny.
@Suite("ChangePassword")
struct ChangePasswordTests {
  typealias P = PasswordTestAccount

  func change(_ account: P, old: String = P.strong, new: String = "Battery-Staple-7") -> AWSError? {
    account.error("ChangePassword", ["OldPassword": .string(old), "NewPassword": .string(new)], as: account.base.user("alice"))
  }

  @Test("without AllowUsersToChangePassword or a policy allowing it, ChangePassword is AccessDenied")
  func deniedByDefault() throws {
    let account = try P()
    try account.createUser("alice")
    #expect(change(account)?.code == "AccessDenied")
  }

  @Test("AllowUsersToChangePassword lets every user change its own password and read the policy")
  func accountOption() throws {
    let account = try P()
    try account.createUser("alice", resetRequired: true)
    try account.setPolicy(["AllowUsersToChangePassword": true])
    #expect(change(account) == nil)
    let profile = try #require(account.entities.users["alice"]?.loginProfile)
    #expect(profile.password.verify("Battery-Staple-7"))
    #expect(!profile.passwordResetRequired)
    try account.call("GetAccountPasswordPolicy", as: account.base.user("alice"))
  }

  @Test("a policy allowing iam:ChangePassword on the user's own ARN is enough")
  func identityPolicy() throws {
    let account = try P()
    try account.createUser("alice")
    try account.call(
      "PutUserPolicy",
      [
        "UserName": "alice", "PolicyName": "own",
        "PolicyDocument": .string(IAMTestAccount.allow("iam:ChangePassword", resource: "arn:aws:iam::*:user/${aws:username}")),
      ])
    #expect(change(account) == nil)
  }

  @Test("an explicit deny wins over AllowUsersToChangePassword")
  func explicitDeny() throws {
    let account = try P()
    try account.createUser("alice")
    try account.setPolicy(["AllowUsersToChangePassword": true])
    try account.call(
      "PutUserPolicy",
      ["UserName": "alice", "PolicyName": "no", "PolicyDocument": .string(IAMTestAccount.deny("iam:ChangePassword"))])
    #expect(change(account)?.code == "AccessDenied")
  }

  @Test("a wrong old password is AccessDenied and changes nothing")
  func wrongOldPassword() throws {
    let account = try P()
    try account.createUser("alice")
    try account.setPolicy(["AllowUsersToChangePassword": true])
    #expect(change(account, old: "not-the-password") == .accessDenied("The old password is incorrect."))
    #expect(account.entities.users["alice"]?.loginProfile?.password.verify(P.strong) == true)
  }

  @Test("the root user gets InvalidUserType; a user without a login profile NoSuchEntity")
  func callers() throws {
    let account = try P()
    try account.setPolicy(["AllowUsersToChangePassword": true])
    #expect(
      account.error("ChangePassword", ["OldPassword": "a", "NewPassword": "b"])?.code == "InvalidUserType")
    try account.base.createUser("alice")
    #expect(change(account) == .noSuchEntity("Login Profile for User alice cannot be found."))
  }
}
