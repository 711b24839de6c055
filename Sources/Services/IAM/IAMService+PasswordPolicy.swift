import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// The account password policy: `UpdateAccountPasswordPolicy`, `GetAccountPasswordPolicy`,
/// `DeleteAccountPasswordPolicy`, and the check every new password passes (`CreateLoginProfile`,
/// `UpdateLoginProfile`, `ChangePassword`, a reset at sign-in).
extension IAMService {
  static func registerPasswordPolicy(_ h: inout [String: Handler]) {
    h["UpdateAccountPasswordPolicy"] = { s, i, c in try s.updateAccountPasswordPolicy(i, c) }
    h["GetAccountPasswordPolicy"] = { s, i, c in try s.getAccountPasswordPolicy(i, c) }
    h["DeleteAccountPasswordPolicy"] = { s, i, c in try s.deleteAccountPasswordPolicy(i, c) }
  }

  static func noPasswordPolicy(_ accountID: String) -> AWSError {
    .noSuchEntity("The Password Policy with domain name \(accountID) cannot be found.")
  }

  /// `UpdateAccountPasswordPolicy` replaces the whole policy: a member left out takes its
  /// default (length 6, every requirement off, no expiry, no reuse prevention), as in AWS.
  func updateAccountPasswordPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    var policy = PasswordPolicy()
    policy.minimumPasswordLength = input.int("MinimumPasswordLength") ?? 6
    policy.requireSymbols = input.bool("RequireSymbols") ?? false
    policy.requireNumbers = input.bool("RequireNumbers") ?? false
    policy.requireUppercaseCharacters = input.bool("RequireUppercaseCharacters") ?? false
    policy.requireLowercaseCharacters = input.bool("RequireLowercaseCharacters") ?? false
    policy.allowUsersToChangePassword = input.bool("AllowUsersToChangePassword") ?? false
    policy.maxPasswordAge = input.int("MaxPasswordAge").flatMap { $0 > 0 ? $0 : nil }
    policy.passwordReusePrevention = input.int("PasswordReusePrevention").flatMap { $0 > 0 ? $0 : nil }
    policy.hardExpiry = input.bool("HardExpiry")
    // The wire layer checks the model's ranges; callers in-process get the same limits here.
    guard (6...128).contains(policy.minimumPasswordLength), (1...1095).contains(policy.maxPasswordAge ?? 1),
      (1...24).contains(policy.passwordReusePrevention ?? 1)
    else {
      throw .validationError("The password policy is outside the allowed ranges.")
    }
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateAccountPasswordPolicy", "*", snapshot: tx.snapshot)
      var account = try tx.account(caller.accountID).account
      account.passwordPolicy = policy
      tx.put(account)
    }
    return .structure([:])
  }

  func getAccountPasswordPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let account = try accountDirectory(caller, snapshot).account
    try authorizeSelfService(caller, "GetAccountPasswordPolicy", "*", policy: account.passwordPolicy, snapshot: snapshot)
    guard let policy = account.passwordPolicy else { throw Self.noPasswordPolicy(caller.accountID) }
    return .structure([
      "PasswordPolicy": .object([
        "MinimumPasswordLength": .int(policy.minimumPasswordLength), "RequireSymbols": .bool(policy.requireSymbols),
        "RequireNumbers": .bool(policy.requireNumbers),
        "RequireUppercaseCharacters": .bool(policy.requireUppercaseCharacters),
        "RequireLowercaseCharacters": .bool(policy.requireLowercaseCharacters),
        "AllowUsersToChangePassword": .bool(policy.allowUsersToChangePassword),
        "ExpirePasswords": .bool(policy.expirePasswords), "MaxPasswordAge": policy.maxPasswordAge.map { .int($0) },
        "PasswordReusePrevention": policy.passwordReusePrevention.map { .int($0) },
        "HardExpiry": policy.hardExpiry.map { .bool($0) },
      ])
    ])
  }

  func deleteAccountPasswordPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteAccountPasswordPolicy", "*", snapshot: tx.snapshot)
      var account = try tx.account(caller.accountID).account
      guard account.passwordPolicy != nil else { throw Self.noPasswordPolicy(caller.accountID) }
      account.passwordPolicy = nil
      tx.put(account)
    }
    return .structure([:])
  }

  /// Authorizes the two actions `AllowUsersToChangePassword` grants every IAM user on itself
  /// (`iam:ChangePassword` on its own ARN, `iam:GetAccountPasswordPolicy`): as AWS describes
  /// it, the option applies the permission at the account level rather than through a policy.
  /// It therefore stands in for an identity-policy Allow only: an explicit Deny (say, a
  /// "no MFA, no access" policy) still wins, and role sessions and the root user get nothing
  /// from it.
  func authorizeSelfService(
    _ caller: Caller, _ action: String, _ resource: String, policy: PasswordPolicy?, snapshot: DirectorySnapshot
  ) throws(AWSError) {
    let decision = authorizer.decide(caller, action: "iam:\(action)", resource: resource, snapshot: snapshot)
    if decision.isAllowed { return }
    let isUser = caller.userName != nil && !caller.isRoleSession
    if decision.outcome == .implicitDeny, isUser, policy?.allowUsersToChangePassword == true { return }
    // Not allowed either way: the same AccessDenied every other operation gives.
    try authorize(caller, action, resource, snapshot: snapshot)
  }

  static func passwordPolicyViolation() -> AWSError {
    AWSError(code: "PasswordPolicyViolation", message: "Password does not conform to the account password policy.")
  }

  /// What `password` breaks as the new password of `userName`: the account's policy (or
  /// AWS's default rules when it has none) and its reuse prevention against `profile`'s
  /// recent hashes. Verifying old hashes is slow by design: call this outside a write.
  public static func passwordViolations(
    _ password: String, userName: String, profile: LoginProfile?, policy: PasswordPolicy?
  ) -> [PasswordPolicy.Violation] {
    var found =
      policy.map { $0.violations(of: password) }
      ?? PasswordPolicy.defaultViolations(of: password, userName: userName)
    if let profile, let count = policy?.passwordReusePrevention,
      profile.recentPasswords(count).contains(where: { $0.verify(password) })
    {
      found.append(.reused)
    }
    return found
  }
}
