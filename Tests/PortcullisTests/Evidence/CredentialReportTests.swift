import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Synchronization
import Testing

/// The credential report as AWS's "Getting credential reports for your AWS account" page
/// describes it: AWS's columns in AWS's order, the root user's row first, `N/A` where a
/// credential does not exist, `no_information` for a password never used, `not_supported` in
/// the root user's password columns, timestamps in ISO 8601 with `+00:00`.
@Suite("Credential report")
struct CredentialReportTests {
  static let created = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z
  static let later = Date(timeIntervalSince1970: 1_710_000_000)  // 2024-03-09T16:00:00Z
  static let latest = Date(timeIntervalSince1970: 1_720_000_000)  // 2024-07-03T09:46:40Z
  static let account = "123456789012"

  /// AWS's header line, column for column.
  static let awsHeader =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    + "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    + "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    + "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,"
    + "cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

  /// An account with the users the table below describes.
  static func directory() -> AccountDirectory {
    var d = AccountDirectory(account: Account(id: account, createDate: created))
    func user(_ name: String) -> User { User(accountID: account, id: "AIDA\(name.uppercased())", name: name, path: "/", createDate: created) }
    func key(_ id: String, of user: String?, created date: Date) -> AccessKey {
      AccessKey(accountID: account, id: id, userName: user, sealedSecret: Data(), createDate: date)
    }
    d.users["nobody"] = user("nobody")

    var withPassword = user("pat")
    withPassword.loginProfile = LoginProfile(
      createDate: later, passwordResetRequired: false,
      password: PasswordHash(algorithm: "test", iterations: 1, salt: Data(), hash: Data()))
    d.users["pat"] = withPassword

    var signedIn = withPassword
    signedIn.name = "sam"
    signedIn.id = "AIDASAM"
    signedIn.passwordLastUsed = latest
    d.users["sam"] = signedIn

    d.users["mia"] = user("mia")
    var device = VirtualMFADevice(
      accountID: account, serialNumber: "arn:aws:iam::\(account):mfa/mia", sealedSeed: Data(), createDate: later)
    device.userName = "mia"
    device.enableDate = later
    d.mfaDevices["arn:aws:iam::\(account):mfa/mia"] = device
    // An unassigned device makes nobody's MFA active.
    d.mfaDevices["arn:aws:iam::\(account):mfa/spare"] = VirtualMFADevice(
      accountID: account, serialNumber: "arn:aws:iam::\(account):mfa/spare", sealedSeed: Data(), createDate: later)

    d.users["kim"] = user("kim")
    var used = key("AKIAKIMNEWER00000000", of: "kim", created: later)
    used.lastUsedDate = latest
    used.lastUsedRegion = "us-east-1"
    used.lastUsedService = "iam"
    d.accessKeys[used.id] = used
    var inactive = key("AKIAKIMOLDER00000000", of: "kim", created: created)
    inactive.isActive = false
    d.accessKeys[inactive.id] = inactive

    let rootKey = key("AKIAROOT000000000000", of: nil, created: created)
    d.accessKeys[rootKey.id] = rootKey
    return d
  }

  static func row(_ user: String, in csv: String) -> [String]? {
    csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
      .first { $0.first == user }
  }

  @Test("the header is AWS's 22 columns in AWS's order")
  func header() {
    #expect(CredentialReport.columns.joined(separator: ",") == Self.awsHeader)
    let csv = CredentialReport.csv(Self.directory(), now: Self.latest)
    #expect(csv.split(separator: "\n").first.map(String.init) == Self.awsHeader)
  }

  @Test("the root user's row comes first, then the users in name order, one line each")
  func rowOrder() {
    let csv = CredentialReport.csv(Self.directory(), now: Self.latest)
    let users = csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",").first ?? "") }
    #expect(users == ["<root_account>", "kim", "mia", "nobody", "pat", "sam"])
    #expect(csv.hasSuffix("\n"))
  }

  struct Case: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let user: String
    let expected: [String]
  }

  static let none = ["false", "N/A", "N/A", "N/A", "N/A"]
  static let noCertificates = ["false", "N/A", "false", "N/A"]

  static let cases = [
    Case(
      testDescription: "root: not_supported password columns, no_information for a password never used, its key",
      user: "<root_account>",
      expected: ["<root_account>", "arn:aws:iam::123456789012:root", "2023-11-14T22:13:20+00:00",
                 "not_supported", "no_information", "not_supported", "not_supported", "false",
                 "true", "2023-11-14T22:13:20+00:00", "N/A", "N/A", "N/A"] + none + noCertificates),
    Case(
      testDescription: "a user without any credential: false and N/A throughout",
      user: "nobody",
      expected: ["nobody", "arn:aws:iam::123456789012:user/nobody", "2023-11-14T22:13:20+00:00",
                 "false", "N/A", "N/A", "N/A", "false"] + none + none + noCertificates),
    Case(
      testDescription: "a password never used: true, no_information, when it was set",
      user: "pat",
      expected: ["pat", "arn:aws:iam::123456789012:user/pat", "2023-11-14T22:13:20+00:00",
                 "true", "no_information", "2024-03-09T16:00:00+00:00", "N/A", "false"] + none + none + noCertificates),
    Case(
      testDescription: "a password used to sign in: when it was last used",
      user: "sam",
      expected: ["sam", "arn:aws:iam::123456789012:user/sam", "2023-11-14T22:13:20+00:00",
                 "true", "2024-07-03T09:46:40+00:00", "2024-03-09T16:00:00+00:00", "N/A", "false"]
        + none + none + noCertificates),
    Case(
      testDescription: "an enabled MFA device: mfa_active true",
      user: "mia",
      expected: ["mia", "arn:aws:iam::123456789012:user/mia", "2023-11-14T22:13:20+00:00",
                 "false", "N/A", "N/A", "N/A", "true"] + none + none + noCertificates),
    Case(
      testDescription: "two keys, oldest first: an inactive one never used, then one used with region and service",
      user: "kim",
      expected: ["kim", "arn:aws:iam::123456789012:user/kim", "2023-11-14T22:13:20+00:00",
                 "false", "N/A", "N/A", "N/A", "false",
                 "false", "2023-11-14T22:13:20+00:00", "N/A", "N/A", "N/A",
                 "true", "2024-03-09T16:00:00+00:00", "2024-07-03T09:46:40+00:00", "us-east-1", "iam"]
        + noCertificates),
  ]

  @Test("each row says what AWS's report says", arguments: cases)
  func rows(_ c: Case) throws {
    let csv = CredentialReport.csv(Self.directory(), now: Self.latest)
    let row = try #require(Self.row(c.user, in: csv))
    #expect(row.count == 22)
    #expect(row == c.expected)
  }

  @Test("an enabled device assigned to no user is the root user's: its mfa_active is true")
  func rootMFA() throws {
    var d = Self.directory()
    let serial = "arn:aws:iam::\(Self.account):mfa/root-account-mfa-device"
    var device = VirtualMFADevice(accountID: Self.account, serialNumber: serial, sealedSeed: Data(), createDate: Self.later)
    device.enableDate = Self.later
    d.mfaDevices[serial] = device
    let root = try #require(Self.row("<root_account>", in: CredentialReport.csv(d, now: Self.latest)))
    #expect(root[7] == "true")
  }

  @Test("with a password policy that expires passwords, password_next_rotation is when the password expires")
  func nextRotation() throws {
    var d = Self.directory()
    var policy = PasswordPolicy()
    policy.maxPasswordAge = 90
    d.account.passwordPolicy = policy
    let row = try #require(Self.row("pat", in: CredentialReport.csv(d, now: Self.latest)))
    // 2024-03-09T16:00:00Z + 90 days.
    #expect(row[6] == "2024-06-07T16:00:00+00:00")
    let root = try #require(Self.row("<root_account>", in: CredentialReport.csv(d, now: Self.latest)))
    #expect(root[6] == "not_supported")
  }
}

/// `GenerateCredentialReport` and `GetCredentialReport`: AWS's states, its four-hour reuse of a
/// report, and its errors.
@Suite("Credential report API")
struct CredentialReportAPITests {
  typealias A = IAMTestAccount

  /// The test account's IAM service with a clock the test moves.
  final class Clock: Sendable {
    let time = Mutex(IAMTestAccount.now)
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
  }

  /// The CSV of a `GetCredentialReport` output.
  static func text(_ output: ModelValue) -> String {
    String(decoding: output.value(at: "Content")?.blobValue ?? Data(), as: UTF8.self)
  }

  static func service(_ account: A, clock: Clock) -> IAMService {
    IAMService(directory: account.directory, authorizer: Authorizer(), now: { clock.time.withLock { $0 } })
  }

  @Test("GetCredentialReport before any report is ReportNotPresent (410)")
  func notPresent() throws {
    let account = try A()
    let error = account.error("GetCredentialReport")
    #expect(error?.code == "ReportNotPresent")
    #expect(error?.status == 410)
  }

  @Test("the first GenerateCredentialReport is STARTED with AWS's description; the next, within four hours, COMPLETE")
  func states() throws {
    let account = try A()
    let first = try account.call("GenerateCredentialReport")
    #expect(first.string(at: "State") == "STARTED")
    #expect(first.string(at: "Description") == "No report exists. Starting a new report generation task")
    let second = try account.call("GenerateCredentialReport")
    #expect(second.string(at: "State") == "COMPLETE")
  }

  @Test("GetCredentialReport returns the CSV as a blob (base64 on the wire), text/csv, and when it was generated")
  func content() throws {
    let account = try A()
    try account.createUser("alice")
    try account.call("GenerateCredentialReport")
    let output = try account.call("GetCredentialReport")
    #expect(output.string(at: "ReportFormat") == "text/csv")
    #expect(output.value(at: "GeneratedTime")?.timestampValue == A.now)
    let content = try #require(output.value(at: "Content")?.blobValue)
    let csv = String(decoding: content, as: UTF8.self)
    #expect(csv == CredentialReport.csv(account.entities, now: A.now))
    #expect(csv.contains("\nalice,arn:aws:iam::123456789012:user/alice,"))
  }

  @Test("a report is reused for four hours, then expires (ReportExpired, 410) and the next Generate makes a new one")
  func expiry() throws {
    let account = try A()
    let clock = Clock()
    let iam = Self.service(account, clock: clock)
    _ = try iam.handle("GenerateCredentialReport", input: [:], caller: account.root)
    try account.createUser("late")
    clock.advance(3 * 3_600)
    #expect(try iam.handle("GenerateCredentialReport", input: [:], caller: account.root).string(at: "State") == "COMPLETE")
    // Still the old report: the user created since is not in it.
    let old = try iam.handle("GetCredentialReport", input: [:], caller: account.root)
    #expect(!Self.text(old).contains("late"))

    clock.advance(3_600)
    #expect(throws: AWSError.self) { try iam.handle("GetCredentialReport", input: [:], caller: account.root) }
    do {
      _ = try iam.handle("GetCredentialReport", input: [:], caller: account.root)
    } catch {
      #expect(error.code == "ReportExpired" && error.status == 410)
    }
    let regenerated = try iam.handle("GenerateCredentialReport", input: [:], caller: account.root)
    #expect(regenerated.string(at: "State") == "STARTED")
    let fresh = try iam.handle("GetCredentialReport", input: [:], caller: account.root)
    #expect(Self.text(fresh).contains("\nlate,"))
  }

  @Test("both calls are authorized: a user without permission gets AccessDenied")
  func authorization() throws {
    let account = try A()
    try account.createUser("alice")
    #expect(account.error("GenerateCredentialReport", as: account.user("alice"))?.code == "AccessDenied")
    #expect(account.error("GetCredentialReport", as: account.user("alice"))?.code == "AccessDenied")
  }

  @Test("a key's use not yet written to the directory is in the report")
  func pendingKeyUse() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try #require(account.call("CreateAccessKey", ["UserName": "alice"]).string(at: "AccessKey", "AccessKeyId"))
    _ = account.iam.lastUsed.record(keyID: id, accountID: A.id, service: "sts", region: "eu-west-1", at: A.now)
    try account.call("GenerateCredentialReport")
    let content = try #require(try account.call("GetCredentialReport").value(at: "Content")?.blobValue)
    let row = try #require(CredentialReportTests.row("alice", in: String(decoding: content, as: UTF8.self)))
    #expect(Array(row[8...12]) == ["true", "2025-06-15T15:06:40+00:00", "2025-06-15T15:06:40+00:00", "eu-west-1", "sts"])
  }
}

/// The whole report for the table's account against a golden file, so any change to the format
/// shows as a diff (`Fixtures/credential-report.csv`).
@Suite("Credential report golden file")
struct CredentialReportGoldenTests {
  @Test("the report of the table's account is the golden CSV, byte for byte")
  func golden() throws {
    let url = try #require(
      Bundle.module.url(forResource: "Fixtures/credential-report", withExtension: "csv")
        ?? Bundle.module.url(forResource: "credential-report", withExtension: "csv", subdirectory: "Fixtures"))
    let expected = try String(contentsOf: url, encoding: .utf8)
    let actual = CredentialReport.csv(CredentialReportTests.directory(), now: CredentialReportTests.latest)
    #expect(actual == expected)
  }
}
