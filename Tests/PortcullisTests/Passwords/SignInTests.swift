import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Synchronization
import Testing

/// The sign-in endpoint's rules (`SignInService`): password, MFA, reset and expiry,
/// `PasswordLastUsed`, console credentials, and throttling.
@Suite("Console sign-in")
struct SignInTests {
  typealias P = PasswordTestAccount

  @Test("a right password returns console credentials acting as the user, for 12 hours")
  func success() throws {
    let account = try P()
    try account.createUser("alice")
    let credentials = try account.signIn.signIn(account.request("alice"))
    #expect(credentials.accessKeyID.hasPrefix("ASIA"))
    #expect(credentials.expiration == account.clock.now.addingTimeInterval(12 * 3600))
    let session = try SessionToken.open(
      credentials.sessionToken, with: account.ring, accessKeyID: credentials.accessKeyID, now: account.clock.now)
    #expect(session.principalARN == IAMTestAccount.userARN("alice"))
    #expect(session.userName == "alice")
    #expect(session.secretAccessKey == credentials.secretAccessKey)
    #expect(session.mfaAuthenticatedAt == nil)
    #expect(CallerSession(session).kind == .consoleSignIn)
  }

  @Test("a sign-in records PasswordLastUsed, which GetUser reports")
  func passwordLastUsed() throws {
    let account = try P()
    try account.createUser("alice")
    #expect(try account.call("GetUser", ["UserName": "alice"]).value(at: "User", "PasswordLastUsed") == nil)
    account.clock.advance(60)
    _ = try account.signIn.signIn(account.request("alice"))
    #expect(
      try account.call("GetUser", ["UserName": "alice"]).value(at: "User", "PasswordLastUsed")
        == .timestamp(account.clock.now))
  }

  @Test("a sign-in replaces a hash made at a lower cost than the server's current one")
  func rehash() throws {
    let account = try P()
    try account.createUser("alice")
    let cheap = PasswordHash.make(P.strong, iterations: 10)
    try account.base.directory.write { tx in
      var user = tx.snapshot.accounts[IAMTestAccount.id]!.users["alice"]!
      user.loginProfile?.password = cheap
      tx.put(user)
    }
    _ = try account.signIn.signIn(account.request("alice"))
    let stored = try #require(account.entities.users["alice"]?.loginProfile?.password)
    #expect(stored.iterations == 1_000 && stored.verify(P.strong))
  }

  @Test("the account may be named by its alias")
  func alias() throws {
    let account = try P()
    try account.createUser("alice")
    try account.call("CreateAccountAlias", ["AccountAlias": "example-corp"])
    _ = try account.signIn.signIn(account.request("alice", account: "example-corp"))
  }

  @Test("a wrong password, an unknown user, a user without a password and an unknown account all get the same answer")
  func noEnumeration() throws {
    let account = try P()
    try account.createUser("alice")
    try account.base.createUser("nopassword")
    let requests = [
      account.request("alice", "wrong-password"), account.request("mallory"), account.request("nopassword"),
      account.request("alice", account: "999999999999"),
    ]
    for request in requests {
      #expect(account.signInFailure(request) == .invalidCredentials)
    }
    #expect(SignInFailure.invalidCredentials.status == 401)
  }

  @Test("every attempt is reported with its outcome; a name matching no user is hidden, as AWS's trail hides it")
  func reported() throws {
    let attempts = Mutex<[SignInAttempt]>([])
    let account = try P(onAttempt: { attempt in attempts.withLock { $0.append(attempt) } })
    try account.createUser("alice")
    _ = try account.signIn.signIn(account.request("alice"))
    _ = account.signInFailure(account.request("alice", "wrong"))
    _ = account.signInFailure(account.request("Correct-Horse-9"))
    let seen = attempts.withLock { $0 }.map { "\($0.userName) \($0.outcome) \($0.sourceIP)" }
    #expect(
      seen == [
        "alice success 198.51.100.7", "alice InvalidCredentials 198.51.100.7",
        "HIDDEN_DUE_TO_SECURITY_REASONS InvalidCredentials 198.51.100.7",
      ])
  }

  @Test("a user with an MFA device needs a current code; a wrong one is refused, a right one marks the session")
  func mfa() throws {
    let account = try P()
    try account.createUser("alice")
    let mfa = try MFATestAccount.Device.create(in: account, for: "alice")
    #expect(account.signInFailure(account.request("alice")) == .mfaRequired)
    #expect(account.signInFailure(account.request("alice", mfa: "000000")) == .invalidMFACode)
    let credentials = try account.signIn.signIn(account.request("alice", mfa: mfa.code(account.clock.now)))
    let session = try SessionToken.open(credentials.sessionToken, with: account.ring, now: account.clock.now)
    #expect(session.mfaAuthenticatedAt == account.clock.now)
    // The code was used.
    #expect(account.signInFailure(account.request("alice", mfa: mfa.code(account.clock.now))) == .invalidMFACode)
  }

  @Test("PasswordResetRequired refuses until a new password is given, then changes it and clears the flag")
  func resetRequired() throws {
    let account = try P()
    try account.createUser("alice", resetRequired: true)
    try account.setPolicy(["AllowUsersToChangePassword": true])
    #expect(account.signInFailure(account.request("alice")) == .passwordResetRequired)
    #expect(account.signInFailure(account.request("alice", newPassword: "weak"))?.code == "PasswordPolicyViolation")
    _ = try account.signIn.signIn(account.request("alice", newPassword: "Battery-Staple-7"))
    let profile = try #require(account.entities.users["alice"]?.loginProfile)
    #expect(!profile.passwordResetRequired && profile.password.verify("Battery-Staple-7"))
    _ = try account.signIn.signIn(account.request("alice", "Battery-Staple-7"))
  }

  @Test("a required reset also needs the right to change one's password, as in AWS")
  func resetNeedsPermission() throws {
    let account = try P()
    try account.createUser("alice", resetRequired: true)
    #expect(account.signInFailure(account.request("alice", newPassword: "Battery-Staple-7"))?.code == "AccessDenied")
  }

  @Test("an expired password (MaxPasswordAge) must be replaced at sign-in; with HardExpiry only an administrator can")
  func expiry() throws {
    let account = try P()
    try account.createUser("alice")
    try account.setPolicy(["MaxPasswordAge": 30])
    account.clock.advance(29 * 86_400)
    _ = try account.signIn.signIn(account.request("alice"))
    account.clock.advance(2 * 86_400)
    #expect(account.signInFailure(account.request("alice")) == .passwordExpired)
    _ = try account.signIn.signIn(account.request("alice", newPassword: "Battery-Staple-7"))

    try account.setPolicy(["MaxPasswordAge": 30, "HardExpiry": true])
    account.clock.advance(31 * 86_400)
    #expect(account.signInFailure(account.request("alice", "Battery-Staple-7", newPassword: "Other-Pass-8")) == .passwordExpiredHard)
    try account.call("UpdateLoginProfile", ["UserName": "alice", "Password": "Admin-Reset-9"])
    _ = try account.signIn.signIn(account.request("alice", "Admin-Reset-9"))
  }

  @Test("5 failures in 15 minutes lock the user out for the rest of the window, whatever the password (429, Retry-After)")
  func throttlePerUser() throws {
    let account = try P()
    try account.createUser("alice")
    for _ in 0..<5 {
      #expect(account.signInFailure(account.request("alice", "guess")) == .invalidCredentials)
      account.clock.advance(60)
    }
    let locked = account.signInFailure(account.request("alice"))
    #expect(locked?.status == 429)
    // The first failure was 5 minutes ago: 10 minutes remain.
    #expect(locked?.retryAfter == 600)
    // Another user at another address is not affected.
    try account.createUser("bob")
    _ = try account.signIn.signIn(account.request("bob", from: "203.0.113.9"))
    account.clock.advance(600)
    _ = try account.signIn.signIn(account.request("alice"))
  }

  @Test("20 failures from one address in 15 minutes lock the address out, across user names")
  func throttlePerAddress() throws {
    let account = try P()
    try account.createUser("alice")
    for i in 0..<20 {
      #expect(account.signInFailure(account.request("user\(i)", "guess")) == .invalidCredentials)
    }
    #expect(account.signInFailure(account.request("alice"))?.status == 429)
    _ = try account.signIn.signIn(account.request("alice", from: "203.0.113.9"))
  }

  @Test("a success clears the user's failures")
  func successClears() throws {
    let account = try P()
    try account.createUser("alice")
    for _ in 0..<4 { _ = account.signInFailure(account.request("alice", "guess")) }
    _ = try account.signIn.signIn(account.request("alice"))
    for _ in 0..<4 { _ = account.signInFailure(account.request("alice", "guess")) }
    _ = try account.signIn.signIn(account.request("alice"))
  }
}

extension MFATestAccount {
  /// A virtual MFA device enabled for a user of a `PasswordTestAccount`.
  struct Device {
    let serial: String
    let totp: TOTP

    func code(_ date: Date) -> String { totp.code(at: date) }

    /// Creates and enables a device for `user`, then moves the clock one step on so the enabling
    /// codes are spent.
    static func create(in account: PasswordTestAccount, for user: String) throws -> Device {
      let result = try account.call("CreateVirtualMFADevice", ["VirtualMFADeviceName": .string(user)])
      let serial = try #require(result.string(at: "VirtualMFADevice", "SerialNumber"))
      let seedText = try #require(result.value(at: "VirtualMFADevice", "Base32StringSeed")?.blobValue)
      let totp = TOTP(seed: try #require(Base32.decode(String(decoding: seedText, as: UTF8.self))))
      let now = totp.counter(at: account.clock.now)
      try account.call(
        "EnableMFADevice",
        [
          "UserName": .string(user), "SerialNumber": .string(serial),
          "AuthenticationCode1": .string(totp.code(counter: now - 1)), "AuthenticationCode2": .string(totp.code(counter: now)),
        ])
      account.clock.advance(30)
      return Device(serial: serial, totp: totp)
    }
  }
}
