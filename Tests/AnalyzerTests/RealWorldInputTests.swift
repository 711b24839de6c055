import Foundation
import PolicyEngine
import Testing
@testable import Analyzer

/// Exports nobody on the team wrote: the example account cloudsplaining ships
/// (`Fixtures/real-world/README.md` says where from and what was left out). Every entity and
/// policy must be read, and the findings must be the ones a reviewer would expect of it.
@Suite struct RealWorldInputTests {
  static let cloudsplaining = "real-world/cloudsplaining-example.json"

  static func inventory(_ path: String) throws -> Inventory {
    var inputs = InventoryLoader.Inputs()
    inputs.authorizationDetails = [fixtureURL(path)]
    return try InventoryLoader.load(inputs)
  }

  /// Counts straight from the JSON, independent of the reader.
  static func jsonCounts(_ path: String) throws -> [String: Int] {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtureURL(path))) as? [String: Any] ?? [:]
    return object.mapValues { ($0 as? [Any])?.count ?? -1 }
  }

  @Test func cloudsplainingExampleIsReadWithoutLoss() throws {
    let counts = try Self.jsonCounts(Self.cloudsplaining)
    let inventory = try Self.inventory(Self.cloudsplaining)
    let account = try #require(inventory.accounts.first)
    #expect(inventory.accounts.count == 1)
    #expect(account.id == "012345678901")
    #expect(account.users.count == counts["UserDetailList"])
    #expect(account.groups.count == counts["GroupDetailList"])
    #expect(account.roles.count == counts["RoleDetailList"])
    // Every policy of the export, plus the AWS managed ones it attaches but leaves out (filled
    // from the bundled copy); nothing attached is unknown.
    let exported = try #require(counts["Policies"])
    let attached = Set(
      account.users.flatMap(\.attachedPolicies) + account.groups.flatMap(\.attachedPolicies)
        + account.roles.flatMap(\.attachedPolicies))
    #expect(attached.allSatisfy { account.policies[$0] != nil })
    #expect(account.policies.count >= exported)
    #expect(inventory.notes.isEmpty)
    // Inline policies and memberships survive too.
    #expect(account.users.map(\.inlinePolicies.count).reduce(0, +) == 1)
    #expect(account.groups.map(\.inlinePolicies.count).reduce(0, +) == 2)
    #expect(account.roles.map(\.inlinePolicies.count).reduce(0, +) == 3)
    #expect(account.users.allSatisfy { $0.groups == ["admin"] })
    // Every document parses.
    let documents = account.policies.values.map { ($0.arn, $0.document, PolicyKind.managed) }
      + account.roles.map { ($0.arn, $0.trustPolicy, PolicyKind.trust) }
      + account.roles.flatMap { r in r.inlinePolicies.map { ("\(r.name)/\($0.name)", $0.document, PolicyKind.roleInline) } }
    for (name, text, kind) in documents {
      #expect(PolicyParser.parse(text, kind: kind).document != nil, "\(name) does not parse")
    }
    // `RoleLastUsed` is read; `{}` means never used.
    #expect(account.roles.first { $0.name == "OverprivilegedEC2" }?.lastUsed != nil)
    #expect(account.roles.first { $0.name == "MyRole" }?.lastUsed == nil)
  }

  @Test func cloudsplainingExampleFindingsAreTheExpectedOnes() throws {
    let labels = Set(try analyzeFixtures(details: [Self.cloudsplaining]).map(label))
    let expected: Set<String> = [
      // Both users reach AdministratorAccess (directly, and through the admin group).
      "lp.admin-equivalent @ obama", "lp.admin-equivalent @ userwithlotsofpermissions",
      "lp.broad-managed-policy @ obama", "lp.broad-managed-policy @ userwithlotsofpermissions",
      // The two instance-profile roles pass any role.
      "lp.passrole-all-resources @ MyRole", "lp.passrole-all-resources @ MyOtherRole",
      "risk.privilege-escalation @ MyRole", "risk.privilege-escalation @ MyOtherRole",
      // OverprivilegedEC2 can mint keys and read secrets.
      "risk.credentials-exposure @ OverprivilegedEC2", "risk.privilege-escalation @ OverprivilegedEC2",
      "risk.data-exfiltration @ OverprivilegedEC2",
      // Service-wide wildcards in customer policies.
      "lp.wildcard-sensitive-action @ admin", "lp.wildcard-sensitive-action @ ExcessivePermissions",
      "lp.write-on-all-resources @ InsecurePolicy",
      // s3:PutObject and s3:PutObjectAcl take objects, not the bucket ARN NotYourPolicy also names.
      "lint.resource-mismatch @ NotYourPolicy",
      "cis.policy-attached-to-user @ obama", "unused.role @ MyRole", "unused.role @ OverprivilegedEC2",
    ]
    #expect(expected.subtracting(labels).isEmpty, "missing: \(expected.subtracting(labels).sorted())")
    // Only AWS services are trusted: no external-access finding.
    #expect(!labels.contains { $0.hasPrefix("ext.") })
    // AWSCloudTrailFullAccess passes roles only to CloudTrail (iam:PassedToService): not flagged.
    #expect(!labels.contains("lp.passrole-all-resources @ obama"))
  }

  /// AWS's own DataSync policies condition on a tag key that has colons in it; the reference
  /// writes secretsmanager's tag keys as `secretsmanager:ResourceTag/tag-key`.
  @Test func aTagConditionKeyWrittenWithTagKeyPlaceholderIsKnown() {
    let policy = #"""
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue",
        "Resource":"arn:aws:secretsmanager:*:*:secret:*",
        "Condition":{"StringEquals":{"secretsmanager:ResourceTag/aws:secretsmanager:owningService":"datasync"}}}]}
      """#
    let rules = PolicyLinter().lint(policy, kind: .managed).map(\.rule)
    #expect(!rules.contains("lint.unknown-condition-key"))
  }

  @Test func anAttachedPolicyKnownNowhereIsReportedInTheNotes() throws {
    let export = #"""
      {"UserDetailList":[{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","GroupList":[],
        "AttachedManagedPolicies":[{"PolicyArn":"arn:aws:iam::aws:policy/NoSuchRetiredPolicy"}]}]}
      """#
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-unknown-\(UUID().uuidString).json")
    try Data(export.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    var inputs = InventoryLoader.Inputs()
    inputs.authorizationDetails = [url]
    let inventory = try InventoryLoader.load(inputs)
    #expect(inventory.notes.count == 1)
    #expect(inventory.notes.first?.contains("arn:aws:iam::aws:policy/NoSuchRetiredPolicy") == true)
  }
}
