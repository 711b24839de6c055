import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Testing
@testable import Analyzer

/// The readers accept AWS's exports in every shape AWS and its tools produce.
@Suite struct InputReaderTests {
  static let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#

  func export(trustDocument: String, created: String = "2024-01-01T00:00:00Z") -> [UInt8] {
    Array(#"""
      {"RoleDetailList":[{"Path":"/","RoleName":"r","RoleId":"AROAX","Arn":"arn:aws:iam::123456789012:role/r",
        "CreateDate":"\#(created)","AssumeRolePolicyDocument":\#(trustDocument),"RolePolicyList":[],
        "AttachedManagedPolicies":[],"RoleLastUsed":{},"Tags":[{"Key":"team","Value":"a"}]}],
       "Policies":[{"PolicyName":"p","Arn":"arn:aws:iam::123456789012:policy/p","DefaultVersionId":"v2",
         "PermissionsBoundaryUsageCount":null,"PolicyVersionList":[
           {"Document":{"Version":"2012-10-17","Statement":[]},"VersionId":"v1","IsDefaultVersion":false},
           {"Document":"%7B%22Version%22%3A%222012-10-17%22%7D","VersionId":"v2","IsDefaultVersion":true}]}]}
      """#.utf8)
  }

  @Test(arguments: [
    ("object (CLI)", trust),
    ("URL-encoded string (API)", "\"" + trust.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "\""),
    ("JSON string", "\"" + trust.replacingOccurrences(of: "\"", with: "\\\"") + "\""),
  ])
  func trustPolicyDocumentInEveryShape(shape: String, document: String) throws {
    let account = try AuthorizationDetailsReader.read(bytes: export(trustDocument: document), source: "t")
    let role = try #require(account.roles.first)
    let parsed = PolicyParser.parse(role.trustPolicy, kind: .trust)
    #expect(parsed.document?.statements.first?.principal?.entries.first?.values == ["ec2.amazonaws.com"], "\(shape)")
  }

  @Test func accountIdComesFromTheArnsAndTheDefaultVersionIsUsed() throws {
    let account = try AuthorizationDetailsReader.read(bytes: export(trustDocument: Self.trust), source: "t")
    #expect(account.id == "123456789012")
    #expect(account.policies["arn:aws:iam::123456789012:policy/p"]?.document == #"{"Version":"2012-10-17"}"#)
    #expect(account.roles[0].tags == ["team": "a"])
    #expect(account.roles[0].lastUsed == nil)
  }

  @Test(arguments: ["2019-12-18T19:10:08Z", "2019-12-18 19:10:08+00:00", "2019-12-18T21:10:08+02:00", "2019-12-18T19:10:08.000Z"])
  func datesInEveryExportStyle(text: String) throws {
    #expect(parseAWSDate(text) == Date(timeIntervalSince1970: 1_576_696_208))
    #expect(formatAWSDate(Date(timeIntervalSince1970: 1_576_696_208)) == "2019-12-18T19:10:08Z")
  }

  @Test func somethingElseIsRejectedWithAMessage() {
    #expect(throws: AuthorizationDetailsReader.ReadError.self) {
      try AuthorizationDetailsReader.read(bytes: Array(#"{"Users":[]}"#.utf8), source: "x.json")
    }
  }

  @Test func credentialReportInTheCLIsJSONForm() throws {
    let csv = try String(contentsOf: fixtureURL("planted/credential-report.csv"), encoding: .utf8)
    let json = #"{"Content":"\#(Data(csv.utf8).base64EncodedString())","ReportFormat":"text/csv"}"#
    let rows = CredentialReportReader.rows(Data(json.utf8))
    #expect(rows.count == 5)
    #expect(rows[0]["user"] == "<root_account>")
    #expect(rows[1]["mfa_active"] == "false")
  }

  /// Live mode: a directory snapshot becomes the same model the offline path builds.
  @Test func directorySnapshotBecomesTheSameModel() throws {
    let id = "123456789012"
    let created = Date(timeIntervalSince1970: 1_700_000_000)
    var directory = AccountDirectory(account: Account(id: id, createDate: created))
    var user = User(accountID: id, id: "AIDAX", name: "Alice", path: "/", createDate: created)
    user.attachedPolicies = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    directory.users["alice"] = user
    directory.roles["partner"] = Role(
      accountID: id, id: "AROAX", name: "Partner", path: "/", createDate: created,
      assumeRolePolicyDocument: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}]}"#)
    directory.accessKeys["AKIAX"] = AccessKey(accountID: id, id: "AKIAX", userName: "Alice", sealedSecret: Data(), createDate: created)
    var snapshot = DirectorySnapshot()
    snapshot.accounts[id] = directory
    let inventory = DirectoryInventory.inventory(from: snapshot, source: "test")
    let account = try #require(inventory.accounts.first)
    #expect(account.users.first?.accessKeys?.map(\.id) == ["AKIAX"])
    #expect(account.policies["arn:aws:iam::aws:policy/AdministratorAccess"] != nil)  // from the shipped copy
    var options = AnalyzerOptions(now: created.addingTimeInterval(86_400))
    options.offline = false
    let labels = Set(Analyzer.analyze(inventory, options: options).map(label))
    #expect(labels.contains("lp.admin-equivalent @ Alice"))
    #expect(labels.contains("ext.cross-account-no-external-id @ Partner"))
    #expect(!labels.contains { $0.hasPrefix("cis.no-access-analyzer") })
  }
}
