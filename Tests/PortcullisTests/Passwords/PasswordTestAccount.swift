import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services

/// The IAM test account with passwords hashed at a small cost (1,000 PBKDF2 rounds instead of
/// 600,000, so a suite runs in seconds), STS verifying MFA against the directory, and the
/// sign-in service, all on a clock the test moves.
struct PasswordTestAccount: Sendable {
  let base: IAMTestAccount
  let clock: TestClock
  let iam: IAMService
  let sts: STSService
  let signIn: SignInService
  let ring = SessionKeyRing.ephemeral()

  static let strong = "Correct-Horse-9"
  static let hasher = PasswordHasher(iterations: 1_000)

  init(
    throttle: SignInThrottle = SignInThrottle(), onAttempt: @escaping @Sendable (SignInAttempt) -> Void = { _ in }
  ) throws {
    base = try IAMTestAccount()
    let clock = TestClock(IAMTestAccount.now)
    self.clock = clock
    iam = IAMService(directory: base.directory, authorizer: base.iam.authorizer, passwords: Self.hasher, now: { clock.now })
    sts = STSService(
      directory: base.directory, authorizer: base.iam.authorizer, keyRing: ring,
      verifyMFA: VirtualMFAVerifier(directory: base.directory, now: { clock.now }).verifier, now: { clock.now })
    signIn = SignInService(iam: iam, sts: sts, throttle: throttle, now: { clock.now }, onAttempt: onAttempt)
  }

  @discardableResult
  func call(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) throws(AWSError) -> ModelValue {
    try iam.handle(operation, input: input, caller: caller ?? base.root)
  }

  func error(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) -> AWSError? {
    do {
      try call(operation, input, as: caller)
      return nil
    } catch {
      return error
    }
  }

  /// Creates user `name` with a login profile.
  func createUser(_ name: String, password: String = strong, resetRequired: Bool = false) throws {
    try base.createUser(name)
    try call(
      "CreateLoginProfile",
      ["UserName": .string(name), "Password": .string(password), "PasswordResetRequired": .boolean(resetRequired)])
  }

  func setPolicy(_ members: [String: ModelValue]) throws(AWSError) {
    try call("UpdateAccountPasswordPolicy", .structure(members))
  }

  func request(
    _ user: String, _ password: String = strong, mfa: String? = nil, newPassword: String? = nil,
    account: String = IAMTestAccount.id, from address: String = "198.51.100.7"
  ) -> SignInRequest {
    SignInRequest(
      account: account, userName: user, password: password, mfaCode: mfa, newPassword: newPassword, sourceIP: address)
  }

  /// The failure a sign-in ends with, or nil when it succeeds.
  func signInFailure(_ request: SignInRequest) -> SignInFailure? {
    do {
      _ = try signIn.signIn(request)
      return nil
    } catch {
      return error
    }
  }

  var entities: AccountDirectory { base.entities }
}
