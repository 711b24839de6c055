import Foundation
import PolicyEngine
import Testing

@testable import Analyzer

/// A recorded trail, as CloudTrail (and Portcullis's own trail) writes it.
private let account = "111111111111"
private let userARN = "arn:aws:iam::111111111111:user/deployer"
private let roleARN = "arn:aws:iam::111111111111:role/Deploy"

private func record(
  _ source: String, _ name: String, params: [String: Any] = [:], error: String? = nil, at time: String = "2025-05-20T10:00:00Z",
  caller: String = userARN
) -> [String: Any] {
  var identity: [String: Any] = ["type": "IAMUser", "arn": caller, "accountId": account]
  if caller.contains(":assumed-role/") {
    identity["type"] = "AssumedRole"
    identity["sessionContext"] = ["sessionIssuer": ["type": "Role", "arn": roleARN, "accountId": account]]
  }
  var r: [String: Any] = [
    "eventVersion": "1.08", "userIdentity": identity, "eventTime": time, "eventSource": source, "eventName": name,
    "awsRegion": "us-east-1", "recipientAccountId": account, "requestParameters": params,
  ]
  if let error { r["errorCode"] = error }
  return r
}

/// The recorded activity: what the deployer did (and calls that must not count).
private var recorded: [[String: Any]] {
  [
  record("iam.amazonaws.com", "GetUser", params: ["userName": "bob"]),
  record("iam.amazonaws.com", "ListUsers"),
  record("iam.amazonaws.com", "GetRole", params: ["roleName": "Deploy"]),
  record("iam.amazonaws.com", "GetPolicy", params: ["policyArn": "arn:aws:iam::111111111111:policy/DeployPolicy"]),
  record("sts.amazonaws.com", "AssumeRole", params: ["roleArn": roleARN, "roleSessionName": "ci"]),
  record("sts.amazonaws.com", "GetCallerIdentity"),
  // Not counted: a denied call, a call before the window, another principal's call.
  record("iam.amazonaws.com", "CreateUser", params: ["userName": "mallory"], error: "AccessDenied"),
  record("iam.amazonaws.com", "DeleteRole", params: ["roleName": "Old"], at: "2024-01-01T00:00:00Z"),
  record("iam.amazonaws.com", "DeleteUser", params: ["userName": "x"], caller: "arn:aws:iam::111111111111:user/other"),
  // The role's session: counts for the role, not the user.
  record("iam.amazonaws.com", "ListRoles", caller: "arn:aws:sts::111111111111:assumed-role/Deploy/ci"),
  ]
}

private let now = parseAWSDate("2025-06-01T00:00:00Z")!
private let since = now.addingTimeInterval(-90 * 86_400)

private func writeTrail(_ records: [[String: Any]], complete: Bool = true) throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgen-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  var text = "{\"Records\":[\n"
  text += try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
    .joined(separator: ",\n")
  if complete { text += "\n]}\n" } else { text += ",\n" }
  try Data(text.utf8).write(to: dir.appendingPathComponent("00000001-20250520T100000Z.json"))
  return dir
}

private func generated(for principal: String = userARN, complete: Bool = true) throws -> GeneratedPolicy {
  let (calls, _) = TrailCallReader.calls(in: [try writeTrail(recorded, complete: complete)])
  return PolicyGenerator().generate(principal: principal, calls: calls, since: since, until: now)
}

private func decide(_ policy: GeneratedPolicy, _ action: String, _ resource: String, caller: String = userARN) throws -> Bool {
  let p = try Policy(json: policy.document, kind: .managed, name: "generated")
  let set = CompiledPolicySet(PolicySet(identity: [p]))
  return set.decide(AuthorizationRequest(principal: RequestPrincipal(caller), action: action, resource: resource)).isAllowed
}

@Suite struct PolicyGenerationTests {
  @Test func everyRecordedSuccessfulCallIsAllowedByTheGeneratedPolicy() throws {
    let policy = try generated()
    for (action, resource) in [
      ("iam:GetUser", "arn:aws:iam::111111111111:user/bob"),
      ("iam:GetUser", "arn:aws:iam::111111111111:user/team/bob"),
      ("iam:ListUsers", "*"),
      ("iam:GetRole", "arn:aws:iam::111111111111:role/Deploy"),
      ("iam:GetPolicy", "arn:aws:iam::111111111111:policy/DeployPolicy"),
      ("sts:AssumeRole", roleARN),
    ] {
      #expect(try decide(policy, action, resource), "\(action) on \(resource)")
    }
  }

  @Test func unrecordedCallsAreDenied() throws {
    let policy = try generated()
    for (action, resource) in [
      ("iam:GetUser", "arn:aws:iam::111111111111:user/alice"),
      ("iam:GetUser", "arn:aws:iam::111111111111:user/bobby"),
      ("iam:CreateUser", "arn:aws:iam::111111111111:user/mallory"),
      ("iam:DeleteRole", "arn:aws:iam::111111111111:role/Old"),
      ("iam:DeleteUser", "arn:aws:iam::111111111111:user/x"),
      ("iam:GetRole", "arn:aws:iam::111111111111:role/Admin"),
      ("iam:ListRoles", "*"),
      ("sts:AssumeRole", "arn:aws:iam::111111111111:role/Admin"),
    ] {
      #expect(try !decide(policy, action, resource), "\(action) on \(resource)")
    }
  }

  @Test func resourcesComeFromTheDocumentedARNFormatWithEitherPath() throws {
    let policy = try generated()
    let getUser = try #require(policy.grants.first { $0.actions.contains("iam:GetUser") })
    #expect(getUser.resources == ["arn:aws:iam::111111111111:user/*/bob", "arn:aws:iam::111111111111:user/bob"])
    let list = try #require(policy.grants.first { $0.actions.contains("iam:ListUsers") })
    #expect(list.resources == ["*"])
  }

  @Test func callsThatNeedNoPermissionAreLeftOut() throws {
    #expect(!(try generated()).actions.contains { $0.lowercased() == "sts:getcalleridentity" })
  }

  @Test func theGeneratedPolicyIsCleanUnderTheLinter() throws {
    let policy = try generated()
    #expect(policy.lint.isEmpty)
    #expect(PolicyLinter().lint(policy.document, kind: .managed).isEmpty)
  }

  @Test func aRoleSessionsCallsCountForTheRole() throws {
    let policy = try generated(for: roleARN)
    #expect(policy.actions == ["iam:ListRoles"])
    #expect(try decide(policy, "iam:ListRoles", "*", caller: "arn:aws:sts::111111111111:assumed-role/Deploy/ci"))
  }

  @Test func aSegmentCutShortIsReadLineByLine() throws {
    #expect(try generated(complete: false).actions == (try generated()).actions)
  }

  @Test func theDiffListsWhatIsAllowedNowButUnused() throws {
    var inputs = InventoryLoader.Inputs()
    inputs.authorizationDetails = [fixtureURL("planted/authorization-details.json")]
    let inventory = try InventoryLoader.load(inputs)
    let bob = "arn:aws:iam::111111111111:user/bob"
    let current = try #require(GrantedPermissions.compute(inventory, options: AnalyzerOptions(now: now), only: [bob]).first)
    let bobRecords = [record("s3.amazonaws.com", "GetObject", params: ["bucketName": "reports", "key": "q1.csv"], caller: bob)]
    let (calls, _) = TrailCallReader.calls(in: [try writeTrail(bobRecords)])
    let generator = PolicyGenerator()
    var policy = generator.generate(principal: bob, calls: calls, since: since, until: now)
    generator.compare(&policy, with: current)
    #expect(policy.actions == ["s3:GetObject"])
    #expect(policy.grants[0].resources == ["arn:aws:s3:::reports/q1.csv"])
    let removed = try #require(policy.wouldBeRemoved)
    #expect(removed.count == current.actions.count - 1)
    #expect(!removed.contains("s3:GetObject") && removed.contains("s3:ListBucket"))
  }
}
