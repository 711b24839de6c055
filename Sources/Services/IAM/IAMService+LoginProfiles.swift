import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Console passwords: `CreateLoginProfile`, `GetLoginProfile`, `UpdateLoginProfile`,
/// `DeleteLoginProfile` (an administrator's), and `ChangePassword` (a user's own).
///
/// Hashing a password costs most of a second on purpose (`PasswordHash`), so it is done before
/// the directory write that stores it, never inside it: a slow write would hold up every other.
/// The write re-checks what the hash was computed for.
extension IAMService {
  static func registerLoginProfiles(_ h: inout [String: Handler]) {
    h["CreateLoginProfile"] = { s, i, c in try s.createLoginProfile(i, c) }
    h["GetLoginProfile"] = { s, i, c in try s.getLoginProfile(i, c) }
    h["UpdateLoginProfile"] = { s, i, c in try s.updateLoginProfile(i, c) }
    h["DeleteLoginProfile"] = { s, i, c in try s.deleteLoginProfile(i, c) }
    h["ChangePassword"] = { s, i, c in try s.changePassword(i, c) }
  }

  static func noLoginProfile(_ userName: String) -> AWSError {
    .noSuchEntity("Login Profile for User \(userName) cannot be found.")
  }

  /// The user an operation names, or the calling user when `UserName` is left out.
  private func targetUserName(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> String {
    guard let name = input.string("UserName") ?? caller.userName else {
      throw .validationError("Must specify userName when calling with non-User credentials")
    }
    return name
  }

  /// The user's login profile, or AWS's `NoSuchEntity`.
  func loginProfile(of user: User) throws(AWSError) -> LoginProfile {
    guard let profile = user.loginProfile else { throw Self.noLoginProfile(user.name) }
    return profile
  }

  /// Throws `PasswordPolicyViolation` when `password` may not become `user`'s password.
  func checkNewPassword(_ password: String, for user: User, policy: PasswordPolicy?) throws(AWSError) {
    if !Self.passwordViolations(password, userName: user.name, profile: user.loginProfile, policy: policy).isEmpty {
      throw Self.passwordPolicyViolation()
    }
  }

  func loginProfileModel(_ user: User, _ profile: LoginProfile) -> ModelValue {
    .structure([
      "LoginProfile": .object([
        "UserName": .string(user.name), "CreateDate": .timestamp(profile.createDate),
        "PasswordResetRequired": .bool(profile.passwordResetRequired),
      ])
    ])
  }

  func createLoginProfile(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = try targetUserName(input, caller)
    let resetRequired = input.bool("PasswordResetRequired") ?? false
    // Checked first against the snapshot, so a refused request costs no hashing.
    let snapshot = directory.snapshot
    try authorize(caller, "CreateLoginProfile", userARN(name, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let existing = try user(name, in: account)
    if existing.loginProfile != nil { throw .entityAlreadyExists("Login Profile for user \(existing.name) already exists.") }
    guard let password = input.string("Password") else {
      throw .validationError("Password is required to create a login profile.")
    }
    try checkNewPassword(password, for: existing, policy: account.account.passwordPolicy)
    let hash = passwords.hash(password)
    let (user, profile) = try directory.write { tx throws(AWSError) -> (User, LoginProfile) in
      try authorize(caller, "CreateLoginProfile", userARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      var user = try self.user(name, in: tx.account(caller.accountID))
      if user.loginProfile != nil { throw .entityAlreadyExists("Login Profile for user \(user.name) already exists.") }
      let profile = LoginProfile(createDate: now(), passwordResetRequired: resetRequired, password: hash)
      user.loginProfile = profile
      tx.put(user)
      return (user, profile)
    }
    return loginProfileModel(user, profile)
  }

  func getLoginProfile(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = try targetUserName(input, caller)
    let snapshot = directory.snapshot
    try authorize(caller, "GetLoginProfile", userARN(name, caller, snapshot), snapshot: snapshot)
    let user = try user(name, in: accountDirectory(caller, snapshot))
    return try loginProfileModel(user, loginProfile(of: user))
  }

  /// An administrator's reset: a new password (checked against the policy, reuse included),
  /// and/or `PasswordResetRequired`. A new password restarts the `MaxPasswordAge` clock, which
  /// is how an administrator lifts a hard expiry.
  func updateLoginProfile(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? ""
    let resetRequired = input.bool("PasswordResetRequired")
    let password = input.string("Password")
    let snapshot = directory.snapshot
    try authorize(caller, "UpdateLoginProfile", userARN(name, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let existing = try user(name, in: account)
    _ = try loginProfile(of: existing)
    var hash: PasswordHash? = nil
    if let password {
      try checkNewPassword(password, for: existing, policy: account.account.passwordPolicy)
      hash = passwords.hash(password)
    }
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateLoginProfile", userARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var user = try user(name, in: account)
      var profile = try loginProfile(of: user)
      if let hash {
        profile.setPassword(hash, at: now(), keep: account.account.passwordPolicy?.passwordReusePrevention ?? 0)
      }
      if let resetRequired { profile.passwordResetRequired = resetRequired }
      user.loginProfile = profile
      tx.put(user)
    }
    return .structure([:])
  }

  func deleteLoginProfile(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = try targetUserName(input, caller)
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteLoginProfile", userARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      var user = try user(name, in: tx.account(caller.accountID))
      _ = try loginProfile(of: user)
      user.loginProfile = nil
      tx.put(user)
    }
    return .structure([:])
  }

  static func invalidUserType() -> AWSError {
    AWSError(code: "InvalidUserType", message: "Only IAM Users can change their own password.")
  }

  /// The error for a wrong `OldPassword`. AWS documents no dedicated code; this server answers
  /// `AccessDenied` (403), as for any refused credential.
  static func incorrectOldPassword() -> AWSError {
    .accessDenied("The old password is incorrect.")
  }

  /// `ChangePassword`: the calling IAM user replaces its own password. Allowed by the user's
  /// policies (`iam:ChangePassword` on its ARN) or the account policy's
  /// `AllowUsersToChangePassword`; the root user and role sessions get `InvalidUserType`.
  /// Clears `PasswordResetRequired`.
  func changePassword(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    guard let name = caller.userName, !caller.isRoleSession else { throw Self.invalidUserType() }
    let old = input.string("OldPassword") ?? ""
    let new = input.string("NewPassword") ?? ""
    let snapshot = directory.snapshot
    let account = try accountDirectory(caller, snapshot)
    let user = try user(name, in: account)
    try authorizeSelfService(caller, "ChangePassword", user.arn, policy: account.account.passwordPolicy, snapshot: snapshot)
    let profile = try loginProfile(of: user)
    guard profile.password.verify(old) else { throw Self.incorrectOldPassword() }
    try replacePassword(of: user.name, in: caller.accountID, replacing: profile.password, with: new)
    return .structure([:])
  }

  /// Makes `newPassword` the password of `userName` after checking it against the account's
  /// policy, provided the password is still `current` (the one the caller proved it knows):
  /// another change in between wins, and this one fails with `EntityTemporarilyUnmodifiable`.
  /// Clears `PasswordResetRequired`. Shared by `ChangePassword` and the sign-in endpoint.
  public func replacePassword(
    of userName: String, in accountID: String, replacing current: PasswordHash, with newPassword: String
  ) throws(AWSError) {
    let snapshot = directory.snapshot
    guard let account = snapshot.accounts[accountID] else { throw .serviceFailure() }
    let user = try user(userName, in: account)
    try checkNewPassword(newPassword, for: user, policy: account.account.passwordPolicy)
    let hash = passwords.hash(newPassword)
    try directory.write { tx throws(AWSError) in
      let account = try tx.account(accountID)
      var user = try self.user(userName, in: account)
      var profile = try loginProfile(of: user)
      guard profile.password == current else {
        throw AWSError(
          code: "EntityTemporarilyUnmodifiable",
          message: "Login Profile for User \(user.name) was changed by another request; try again.", status: 409)
      }
      profile.setPassword(hash, at: now(), keep: account.account.passwordPolicy?.passwordReusePrevention ?? 0)
      profile.passwordResetRequired = false
      user.loginProfile = profile
      tx.put(user)
    }
  }
}
