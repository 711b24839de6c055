import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// `GetSessionToken`: the caller's own permissions for a while, usually with MFA.
@Suite("STS GetSessionToken")
struct STSGetSessionTokenTests {
  typealias S = STSTestAccount
  typealias A = IAMTestAccount

  /// A caller, a requested duration, and the session length granted (nil: refused).
  struct DurationCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let asRoot: Bool
    let duration: Int?
    let granted: Int?
  }

  static let cases = [
    DurationCase(testDescription: "user, default: 12 hours", asRoot: false, duration: nil, granted: 43200),
    DurationCase(testDescription: "user, 900 seconds", asRoot: false, duration: 900, granted: 900),
    DurationCase(testDescription: "user, 36 hours: the maximum", asRoot: false, duration: 129_600, granted: 129_600),
    DurationCase(testDescription: "user, 899 seconds: refused", asRoot: false, duration: 899, granted: nil),
    DurationCase(testDescription: "user, 129601 seconds: refused", asRoot: false, duration: 129_601, granted: nil),
    DurationCase(testDescription: "root, default: 1 hour", asRoot: true, duration: nil, granted: 3600),
    DurationCase(testDescription: "root, 2 hours: shortened to 1", asRoot: true, duration: 7200, granted: 3600),
    DurationCase(testDescription: "root, 900 seconds", asRoot: true, duration: 900, granted: 900),
    DurationCase(testDescription: "root, 899 seconds: refused", asRoot: true, duration: 899, granted: nil),
  ]

  @Test("DurationSeconds: 900 to 129600 (default 43200); the root user's at most an hour", arguments: cases)
  func durations(_ row: DurationCase) throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    let caller = row.asRoot ? account.root : account.user("alice")
    let input: ModelValue = row.duration.map { ["DurationSeconds": .integer(Int64($0))] } ?? [:]
    do {
      let output = try account.call("GetSessionToken", input, as: caller)
      let granted = try #require(row.granted)
      #expect(output.value(at: "Credentials", "Expiration") == .timestamp(A.now.addingTimeInterval(TimeInterval(granted))))
    } catch let error as AWSError {
      #expect(row.granted == nil)
      #expect(error.code == "ValidationError")
      #expect(error.message.contains("at 'durationSeconds' failed to satisfy constraint"))
    }
  }

  @Test("the session is the user itself: same ARN and id, the user's policies, no MFA unless proved")
  func userSession() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    let session = try account.sessionCaller(account.call("GetSessionToken", as: account.user("alice")))
    #expect(session.arn == "arn:aws:iam::123456789012:user/alice")
    #expect(session.userName == "alice")
    #expect(session.userID == account.user("alice").userID)
    #expect(session.accessKeyID.hasPrefix("ASIA"))
    #expect(session.session?.kind == .sessionToken)
    #expect(session.session?.mfaAuthenticatedAt == nil)
    #expect(try account.call("GetCallerIdentity", as: session)[member: "Arn"] == "arn:aws:iam::123456789012:user/alice")

    let root = try account.sessionCaller(account.call("GetSessionToken", as: account.root))
    #expect(root.isRoot)
    #expect(root.userID == "123456789012")
  }

  @Test("with MFA the session records when it was proved; a wrong code is refused")
  func withMFA() throws {
    let account = try S(verifyMFA: { _, serial, code in serial == "arn:aws:iam::123456789012:mfa/alice" && code == "123456" })
    try account.iamAccount.createUser("alice")
    let input: ModelValue = ["SerialNumber": "arn:aws:iam::123456789012:mfa/alice", "TokenCode": "123456"]
    let session = try account.sessionCaller(account.call("GetSessionToken", input, as: account.user("alice")))
    #expect(session.session?.mfaAuthenticatedAt == A.now)

    let wrong: ModelValue = ["SerialNumber": "arn:aws:iam::123456789012:mfa/alice", "TokenCode": "654321"]
    #expect(account.error("GetSessionToken", wrong, as: account.user("alice"))?.code == "AccessDenied")
    let codeOnly: ModelValue = ["TokenCode": "123456"]
    #expect(account.error("GetSessionToken", codeOnly, as: account.user("alice"))?.code == "AccessDenied")
  }

  @Test("session credentials cannot call GetSessionToken; GetSessionToken credentials only AssumeRole and GetCallerIdentity")
  func sessionCredentialsLimits() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust("arn:aws:iam::123456789012:user/alice"))
    let role = try account.assume("arn:aws:iam::123456789012:role/App", as: account.user("alice"))
    #expect(
      account.error("GetSessionToken", as: role) == .accessDenied("Cannot call GetSessionToken with session credentials"))

    let session = try account.sessionCaller(account.call("GetSessionToken", as: account.user("alice")))
    #expect(
      account.error("GetSessionToken", as: session) == .accessDenied("Cannot call GetSessionToken with session credentials"))
    #expect(account.error("GetAccessKeyInfo", ["AccessKeyId": "ASIAY34FZKBOKMUTVV7A"], as: session)?.code == "AccessDenied")
    #expect(account.error("GetCallerIdentity", as: session) == nil)
    let chained = try account.assume("arn:aws:iam::123456789012:role/App", session: "from-session", as: session)
    #expect(chained.arn == "arn:aws:sts::123456789012:assumed-role/App/from-session")
  }
}
