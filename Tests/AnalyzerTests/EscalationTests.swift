import Foundation
import Testing
@testable import Analyzer

/// The escalation graph on account 333333333333 (Fixtures/escalation): one planted path per
/// method, and controls where a deny, a condition, a boundary or a trust policy breaks it.
@Suite struct EscalationTests {
  static let account = "333333333333"

  static func load(scps: String? = nil) throws -> Inventory {
    var inputs = InventoryLoader.Inputs()
    inputs.authorizationDetails = [fixtureURL("escalation/authorization-details.json")]
    inputs.serviceControlPolicies = scps.map(fixtureURL)
    return try InventoryLoader.load(inputs)
  }

  static let graph: EscalationGraph = {
    EscalationGraph.build(try! load(), options: AnalyzerOptions(now: fixtureNow))
  }()

  static func user(_ name: String) -> String { "arn:aws:iam::\(account):user/\(name)" }
  static func role(_ name: String) -> String { "arn:aws:iam::\(account):role/\(name)" }
  static let administrator = EscalationNode.administratorID(account: account)

  /// Principal, expected method of the first step, expected number of steps.
  static let planted: [(String, EscalationMethod, Int)] = [
    (user("esc-create-policy-version"), .createPolicyVersion, 1),
    (user("esc-set-default-version"), .setDefaultPolicyVersion, 1),
    (user("esc-create-access-key"), .createAccessKey, 2),
    (user("esc-create-login-profile"), .createLoginProfile, 2),
    (user("esc-update-login-profile"), .updateLoginProfile, 2),
    (user("esc-attach-user-policy"), .attachUserPolicy, 1),
    (user("esc-attach-group-policy"), .attachGroupPolicy, 1),
    (role("esc-attach-role-policy"), .attachRolePolicy, 1),
    (user("esc-put-user-policy"), .putUserPolicy, 1),
    (user("esc-put-group-policy"), .putGroupPolicy, 1),
    (role("esc-put-role-policy"), .putRolePolicy, 1),
    (user("esc-add-user-to-group"), .addUserToGroup, 2),
    (user("esc-update-assume-role-policy"), .updateAssumeRolePolicy, 2),
    (user("esc-assume-role"), .assumeRole, 2),
    (user("esc-passrole-ec2"), .passRoleEC2, 2),
    (user("esc-passrole-lambda-invoke"), .passRoleLambdaInvoke, 2),
    (user("esc-passrole-lambda-event-source"), .passRoleLambdaEventSource, 2),
    (user("esc-update-function-code"), .updateFunctionCode, 3),
    (user("esc-passrole-glue"), .passRoleGlue, 2),
    (user("esc-update-dev-endpoint"), .updateDevEndpoint, 3),
    (user("esc-passrole-cloudformation"), .passRoleCloudFormation, 2),
    (user("esc-passrole-datapipeline"), .passRoleDataPipeline, 2),
    (user("esc-passrole-sagemaker"), .passRoleSageMaker, 2),
    (user("esc-passrole-codebuild"), .passRoleCodeBuild, 2),
    (user("esc-passrole-ecs"), .passRoleECS, 2),
    (user("esc-delete-boundary"), .deletePermissionsBoundary, 1),
    (user("esc-put-boundary"), .putPermissionsBoundary, 1),
    (user("esc-two-step"), .assumeRole, 3),
    // The middle of the two-step path is a path of its own.
    (role("StepRole"), .createAccessKey, 2),
  ]

  /// Principals whose grant is broken by a deny, condition, boundary or trust policy.
  static let controls = [
    user("ctl-explicit-deny"), user("ctl-boundary"), user("ctl-mfa-condition"), user("ctl-passrole-wrong-service"),
    user("ctl-untrusted-role"), user("ctl-passrole-no-compute"), user("ctl-other-policy-version"),
    user("ctl-delete-boundary-not-allowed"),
  ]

  @Test("each planted method yields a shortest path of the expected method and length", arguments: planted)
  func plantedPathIsFound(principal: String, method: EscalationMethod, steps: Int) throws {
    let path = try #require(Self.graph.shortestPath(from: principal) { $0 == Self.administrator })
    #expect(path.edges.first?.method == method)
    #expect(path.count == steps)
  }

  @Test("a deny, a condition, a boundary or a trust policy breaks the path", arguments: controls)
  func controlHasNoPath(principal: String) {
    #expect(Self.graph.node(principal) != nil)
    #expect(Self.graph.shortestPath(from: principal) { $0 == Self.administrator } == nil)
  }

  @Test func everyEscalationMethodIsPlanted() {
    let planted = Set(Self.planted.map(\.1))
    let missing = EscalationMethod.allCases.filter { $0 != .administrator && $0 != .runsAs && !planted.contains($0) }
    #expect(missing.isEmpty)
  }

  @Test func edgesNameTheGrantingPolicyAndStatement() throws {
    let edge = try #require(Self.graph.edges(from: Self.user("esc-passrole-ec2")).first)
    #expect(edge.to == Self.role("EC2Admin"))
    #expect(edge.permissions.map(\.action) == ["iam:PassRole", "ec2:RunInstances"])
    #expect(edge.permissions[0].policy == "inline" && edge.permissions[0].statement == 0)
    #expect(edge.permissions[1].statement == 1)
  }

  @Test func assumeRoleEdgeIsDecidedWithTheTrustPolicy() throws {
    let edge = try #require(Self.graph.edges(from: Self.user("esc-update-assume-role-policy")).first)
    #expect(edge.method == .updateAssumeRolePolicy)
    #expect(edge.permissions.map(\.action) == ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"])
  }

  @Test func changingExistingCodeGoesThroughTheServiceNode() throws {
    let path = try #require(Self.graph.shortestPath(from: Self.user("esc-update-function-code")) { $0 == Self.administrator })
    #expect(Self.graph.node(path.edges[0].to)?.kind == .service)
    #expect(path.edges[1].method == .runsAs && path.edges[1].to == Self.role("LambdaAdmin"))
    #expect(path.edges[1].assumption != nil)
  }

  @Test func administratorsAreNodesWithAnEdgeToTheAdministrator() {
    let admins = Set(Self.graph.administrators.filter { $0.kind != .administrator }.map(\.name))
    #expect(admins.isSuperset(of: ["admin-user", "AdminRole", "EC2Admin", "Admins"]))
    #expect(!admins.contains("esc-delete-boundary"))
    #expect(Self.graph.edges(to: Self.administrator).contains { $0.from == Self.user("admin-user") && $0.method == .administrator })
  }

  @Test func pathsAreListedShortestFirst() {
    let counts = Self.graph.paths().map(\.count)
    #expect(counts == counts.sorted())
    #expect(Self.graph.paths().count == Self.planted.count)
  }

  @Test func pathsFromAPrincipalEnumerateAlternatives() {
    // The two-step user reaches admin-user through StepRole; admin-user is itself admin.
    let paths = Self.graph.paths(from: Self.user("esc-two-step"))
    #expect(paths.first?.count == 3)
    #expect(paths.allSatisfy { $0.to == Self.administrator })
  }

  @Test func anSCPDenyingIAMWritesBreaksPolicyWritingPaths() throws {
    let graph = EscalationGraph.build(try Self.load(scps: "scps"), options: AnalyzerOptions(now: fixtureNow))
    #expect(graph.shortestPath(from: Self.user("esc-put-user-policy")) { $0 == Self.administrator } == nil)
    #expect(graph.shortestPath(from: Self.user("esc-passrole-ec2")) { $0 == Self.administrator } == nil)
    // Under that SCP nobody passes the administrator probe, but AssumeRole edges remain.
    #expect(graph.administrators.allSatisfy { $0.kind == .administrator })
    #expect(graph.edges(from: Self.user("esc-assume-role")).map(\.to) == [Self.role("AdminRole")])
  }

  @Test func findingsOnePerPrincipalWithAPath() throws {
    var options = AnalyzerOptions(now: fixtureNow)
    options.offline = true
    let findings = Analyzer.analyze(try Self.load(), options: options).filter { $0.rule == "escalation.path" }
    #expect(Set(findings.map(\.entity)) == Set(Self.planted.map(\.0)))
    let direct = try #require(findings.first { $0.entity == Self.user("esc-put-user-policy") })
    #expect(direct.severity == .critical)
    #expect(direct.policy == "inline" && direct.statement == 0)
    #expect(direct.detail.contains("PutUserPolicy"))
    let twoStep = try #require(findings.first { $0.entity == Self.user("esc-two-step") })
    #expect(twoStep.severity == .high)
    #expect(direct.definition.controls.contains("CMMC AC.L2-3.1.5"))
  }

  @Test func whoCanListsDirectPrincipalsAndEscalationPaths() throws {
    let answer = Self.graph.whoCan(action: "iam:CreateAccessKey", resource: Self.user("admin-user"))
    let byID = Dictionary(uniqueKeysWithValues: answer.entries.map { ($0.principal.id, $0) })
    #expect(byID[Self.user("esc-create-access-key")]?.direct != nil)
    #expect(byID[Self.role("StepRole")]?.direct != nil)
    #expect(byID[Self.user("esc-two-step")]?.path?.to == Self.role("StepRole"))
    #expect(byID[Self.user("esc-put-user-policy")]?.path != nil)
    #expect(byID[Self.user("ctl-mfa-condition")] == nil)
    #expect(answer.entries.first?.direct != nil)
  }

  @Test func whoCanAssumeARoleUsesItsTrustPolicy() {
    let answer = Self.graph.whoCan(action: "sts:AssumeRole", resource: Self.role("LockedAdminRole"))
    let direct = answer.entries.filter { $0.direct != nil }.map(\.principal.name)
    #expect(!direct.contains("ctl-untrusted-role"))
    #expect(!direct.contains("esc-update-assume-role-policy"))
  }

  @Test func thousandRolesBuildQuickly() throws {
    let inventory = Self.synthetic(roles: 1000)
    let start = Date()
    let graph = EscalationGraph.build(inventory, options: AnalyzerOptions(now: fixtureNow))
    let elapsed = Date().timeIntervalSince(start)
    print("escalation graph: \(graph.nodes.count) nodes, \(graph.edges.count) edges, \(graph.paths().count) paths in \(String(format: "%.2f", elapsed)) s")
    #expect(graph.paths().count > 0)
    #expect(elapsed < 20)
  }

  /// 1,000 roles (a tenth trusting Lambda, the rest the account or EC2), 500 users, a few
  /// with PassRole or AssumeRole grants: the shape of a real account.
  static func synthetic(roles n: Int) -> Inventory {
    let a = "444444444444"
    var account = AccountInventory(id: a, source: "synthetic")
    func doc(_ statements: String) -> String { #"{"Version":"2012-10-17","Statement":[\#(statements)]}"# }
    account.policies["arn:aws:iam::aws:policy/AdministratorAccess"] = IAMManagedPolicy(
      arn: "arn:aws:iam::aws:policy/AdministratorAccess", name: "AdministratorAccess",
      document: doc(#"{"Effect":"Allow","Action":"*","Resource":"*"}"#))
    for i in 0..<n {
      let trust: String
      switch i % 10 {
      case 0: trust = doc(#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}"#)
      case 1, 2: trust = doc(#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(a):root"},"Action":"sts:AssumeRole"}"#)
      default: trust = doc(#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#)
      }
      var role = IAMRole(name: "role-\(i)", arn: "arn:aws:iam::\(a):role/role-\(i)", trustPolicy: trust)
      if i % 100 == 0 {
        role.attachedPolicies = ["arn:aws:iam::aws:policy/AdministratorAccess"]
      } else {
        role.inlinePolicies = [InlinePolicy(name: "app", document: doc(
          #"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-\#(i)/*"},{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-east-1:\#(a):table/t\#(i)"}"#))]
      }
      account.roles.append(role)
    }
    for i in 0..<(n / 2) {
      var user = IAMUser(name: "user-\(i)", arn: "arn:aws:iam::\(a):user/user-\(i)")
      let grant: String
      switch i % 50 {
      case 0: grant = #"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}"#
      case 1: grant = #"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::\#(a):role/role-\#(i % 10 == 1 ? 1 : 2)*"}"#
      case 2: grant = #"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#
      default: grant = #"{"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage"],"Resource":"*"}"#
      }
      user.inlinePolicies = [InlinePolicy(name: "work", document: doc(grant))]
      account.users.append(user)
    }
    var inventory = Inventory()
    inventory.accounts = [account]
    return inventory
  }
}
