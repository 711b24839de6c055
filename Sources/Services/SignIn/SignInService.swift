import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Console sign-in: checks an IAM user's password (and MFA code), enforces the reset and
/// expiry rules of its login profile and the account password policy, records
/// `PasswordLastUsed`, and returns console session credentials.
///
/// The steps, in order, each refusing with its `SignInFailure`:
/// 1. throttling (`SignInThrottle`), before any password work;
/// 2. account (id or alias), user and password, with one answer for all three (and an unknown
///    user verified against a decoy hash, so it takes as long as a wrong password);
/// 3. MFA: a user with an enabled device must send a current, unused code of one of them;
/// 4. a hard-expired password (`HardExpiry`) is refused outright; a reset-required or expired
///    one needs `newPassword`, which must meet the policy. A required reset also needs the
///    right to change one's password (`iam:ChangePassword` or `AllowUsersToChangePassword`),
///    as in AWS; a plain expiry does not (the policy that set it lets users renew);
/// 5. credentials: `ASIA…` key, secret and session token sealed like STS's, acting as the user
///    with its own permissions, MFA state set when a code was given, for `sessionDuration`
///    (12 hours by default, the length of an AWS console session for an IAM user).
///
/// Wrong passwords and MFA codes count as failures; a missing MFA code does not. Every attempt
/// goes to `onAttempt` (the server logs it; an audit trail can record it as `ConsoleLogin`),
/// with the user name hidden when it matches no user with a password. A password hashed at a
/// lower cost than the server's current one is rehashed at a successful sign-in.
public final class SignInService: Sendable {
  public let iam: IAMService
  public let sts: STSService
  public let throttle: SignInThrottle
  public let sessionDuration: TimeInterval
  let now: @Sendable () -> Date
  let onAttempt: @Sendable (SignInAttempt) -> Void
  /// Verified when the user is unknown, so that costs the same time as a wrong password.
  private let decoy: PasswordHash

  public init(
    iam: IAMService, sts: STSService, throttle: SignInThrottle = SignInThrottle(),
    sessionDuration: TimeInterval = 12 * 3600, now: @escaping @Sendable () -> Date = Date.init,
    onAttempt: @escaping @Sendable (SignInAttempt) -> Void = { _ in }
  ) {
    self.iam = iam
    self.sts = sts
    self.throttle = throttle
    self.sessionDuration = sessionDuration
    self.now = now
    self.onAttempt = onAttempt
    decoy = iam.passwords.decoy()
  }

  /// Signs `request` in, or throws why not.
  public func signIn(_ request: SignInRequest) throws(SignInFailure) -> ConsoleCredentials {
    var known: String? = nil
    do {
      let credentials = try attempt(request, known: &known)
      report(request, outcome: "success", known: known)
      return credentials
    } catch {
      report(request, outcome: error.code, known: known)
      throw error
    }
  }

  /// What the log shows of a user name that matched no user with a password, as AWS's trail
  /// does: people type their password into the name field.
  public static let hiddenUserName = "HIDDEN_DUE_TO_SECURITY_REASONS"

  private func report(_ request: SignInRequest, outcome: String, known userARN: String?) {
    onAttempt(
      SignInAttempt(
        account: request.account, userName: userARN == nil ? Self.hiddenUserName : request.userName,
        sourceIP: request.sourceIP, outcome: outcome, mfa: request.mfaCode != nil, userARN: userARN))
  }

  /// - Parameter known: the user's ARN, set once the account, user and login profile are found.
  private func attempt(_ request: SignInRequest, known: inout String?) throws(SignInFailure) -> ConsoleCredentials {
    let time = now()
    let snapshot = iam.directory.snapshot
    let account = Self.account(request.account, in: snapshot)
    // Throttled by the name asked for, whether or not it exists.
    let throttleKey = "\(account?.account.id ?? request.account)/\(request.userName.lowercased())"
    let found = account?.users[request.userName.lowercased()].flatMap { $0.loginProfile == nil ? nil : $0 }
    // Known to the log (not to the client) before any check.
    known = found?.arn
    if let wait = throttle.retryAfter(user: throttleKey, address: request.sourceIP, at: time) {
      throw .throttled(wait)
    }
    func fail(_ failure: SignInFailure) -> SignInFailure {
      throttle.recordFailure(user: throttleKey, address: request.sourceIP, at: time)
      return failure
    }

    guard let account, let user = found, let profile = user.loginProfile else {
      _ = decoy.verify(request.password)
      throw fail(.invalidCredentials)
    }
    guard profile.password.verify(request.password) else { throw fail(.invalidCredentials) }

    let caller = Caller(
      accountID: user.accountID, principal: RequestPrincipal(user.arn), userName: user.name, userID: user.id,
      accessKeyID: "", sourceIP: request.sourceIP, secureTransport: false, region: "us-east-1", time: time)
    let devices = account.mfaDevices.values.filter { $0.userName?.lowercased() == user.name.lowercased() }
    var mfaAt: Date? = nil
    if !devices.isEmpty {
      guard let code = request.mfaCode, !code.isEmpty else { throw .mfaRequired }
      guard devices.contains(where: { sts.verifyMFA(caller, $0.serialNumber, code) }) else { throw fail(.invalidMFACode) }
      mfaAt = time
    }

    let policy = account.account.passwordPolicy
    let expired = policy?.expiry(ofPasswordSetAt: profile.passwordSetDate).map { time >= $0 } ?? false
    if expired && policy?.hardExpiry == true { throw .passwordExpiredHard }
    if profile.passwordResetRequired || expired {
      guard let newPassword = request.newPassword else {
        throw profile.passwordResetRequired ? .passwordResetRequired : .passwordExpired
      }
      do {
        if profile.passwordResetRequired {
          try iam.authorizeSelfService(
            caller, "ChangePassword", user.arn, policy: policy, snapshot: iam.directory.snapshot)
        }
        try iam.replacePassword(of: user.name, in: user.accountID, replacing: profile.password, with: newPassword)
      } catch {
        throw SignInFailure(code: error.code, message: error.message, status: error.status)
      }
    }

    // A hash made at a lower cost than the server's current one is replaced now, while the
    // password is at hand (not after a reset, which hashed the new one at the current cost).
    let rehash =
      request.newPassword == nil && !profile.passwordResetRequired && !expired
        && profile.password.needsRehash(iterations: iam.passwords.iterations)
      ? iam.passwords.hash(request.password) : nil
    recordPasswordUse(user, at: time, replacing: profile.password, with: rehash)
    throttle.recordSuccess(user: throttleKey)
    return issue(user, mfaAt: mfaAt, at: time)
  }

  /// The account named by id or alias.
  static func account(_ name: String, in snapshot: DirectorySnapshot) -> AccountDirectory? {
    if let account = snapshot.accounts[name] { return account }
    return snapshot.accounts.values.first { $0.account.alias == name.lowercased() }
  }

  /// `PasswordLastUsed`, one write per sign-in (sign-ins are rare next to API calls), and a
  /// stronger hash of the same password when `rehash` is given and the password is unchanged.
  private func recordPasswordUse(_ user: User, at time: Date, replacing old: PasswordHash, with rehash: PasswordHash?) {
    _ = try? iam.directory.write { tx throws(AWSError) in
      guard var current = tx.snapshot.accounts[user.accountID]?.users[user.name.lowercased()], current.id == user.id
      else { return }
      current.passwordLastUsed = time
      if let rehash, current.loginProfile?.password == old { current.loginProfile?.password = rehash }
      tx.put(current)
    }
  }

  /// Console credentials made as STS makes its own: a fresh `ASIA…` key naming the account, a
  /// fresh secret, and the session sealed under the STS key ring, so the API endpoint (on any
  /// node sharing the ring) accepts them.
  private func issue(_ user: User, mfaAt: Date?, at time: Date) -> ConsoleCredentials {
    var session = SessionToken(
      accessKeyID: TemporaryAccessKeyID.make(accountID: user.accountID), secretAccessKey: Identifiers.secretAccessKey(),
      accountID: user.accountID, principalARN: user.arn, principalID: user.id, userName: user.name, issuedAt: time,
      expiration: time.addingTimeInterval(sessionDuration), mfaAuthenticatedAt: mfaAt)
    session.consoleSignIn = true
    return ConsoleCredentials(
      accessKeyID: session.accessKeyID, secretAccessKey: session.secretAccessKey,
      sessionToken: session.seal(with: sts.keyRing), expiration: session.expiration, arn: user.arn)
  }
}
