import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// `SimulatePrincipalPolicy` and `SimulateCustomPolicy`: AWS's request and result shapes, with
/// decisions from the policy engine over the principal's real policies.
@Suite("Policy simulation")
struct SimulationTests {
  typealias A = IAMTestAccount

  static let alice = "arn:aws:iam::123456789012:user/alice"

  /// `alice` with `inline` policies, as root.
  static func account(inline: [String] = [], boundary: String? = nil) throws -> A {
    let account = try A()
    try account.createUser("alice")
    for (i, document) in inline.enumerated() {
      try account.call(
        "PutUserPolicy", ["UserName": "alice", "PolicyName": .string("p\(i)"), "PolicyDocument": .string(document)])
    }
    if let boundary {
      let arn = try account.createPolicy("boundary", document: boundary)
      try account.call("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": .string(arn)])
    }
    return account
  }

  static func strings(_ values: [String]) -> ModelValue { .list(values.map(ModelValue.string)) }

  static func simulatePrincipal(
    _ account: A, actions: [String], resources: [String]? = nil, extra: [String: ModelValue] = [:]
  ) throws -> [ModelValue] {
    var input: [String: ModelValue] = ["PolicySourceArn": .string(alice), "ActionNames": strings(actions)]
    if let resources { input["ResourceArns"] = strings(resources) }
    for (k, v) in extra { input[k] = v }
    return try account.call("SimulatePrincipalPolicy", .structure(input)).value(at: "EvaluationResults")?.listValue ?? []
  }

  static func decisions(_ results: [ModelValue]) -> [String] {
    results.compactMap { $0.string(at: "EvalDecision") }
  }

  // MARK: decisions

  @Test("an inline Allow: allowed, with the statement that allowed it named by policy and type")
  func allowed() throws {
    let account = try Self.account(inline: [A.allow("s3:GetObject")])
    let result = try #require(Self.simulatePrincipal(account, actions: ["s3:GetObject"]).first)
    #expect(result.string(at: "EvalActionName") == "s3:GetObject")
    #expect(result.string(at: "EvalResourceName") == "*")
    #expect(result.string(at: "EvalDecision") == "allowed")
    let statement = try #require(result.value(at: "MatchedStatements")?.listValue?.first)
    #expect(statement.string(at: "SourcePolicyId") == "p0")
    #expect(statement.string(at: "SourcePolicyType") == "user")
    #expect(result.value(at: "MissingContextValues")?.listValue == [])
    // `*` in the caller's account: no decision details, as AWS.
    #expect(result.value(at: "EvalDecisionDetails") == nil)
  }

  @Test("an explicit Deny beside an Allow: explicitDeny, naming the Deny only")
  func explicitDeny() throws {
    let account = try Self.account(inline: [A.allow("s3:*"), A.deny("s3:DeleteObject")])
    let results = try Self.simulatePrincipal(account, actions: ["s3:GetObject", "s3:DeleteObject"])
    #expect(Self.decisions(results) == ["allowed", "explicitDeny"])
    let matched = results[1].value(at: "MatchedStatements")?.listValue ?? []
    #expect(matched.map { $0.string(at: "SourcePolicyId") } == ["p1"])
  }

  @Test("no statement applies: implicitDeny, with no matched statement")
  func implicitDeny() throws {
    let account = try Self.account(inline: [A.allow("s3:GetObject")])
    let result = try #require(Self.simulatePrincipal(account, actions: ["ec2:RunInstances"]).first)
    #expect(result.string(at: "EvalDecision") == "implicitDeny")
    #expect(result.value(at: "MatchedStatements")?.listValue == [])
  }

  @Test("group policies and attached managed policies take part, named by their type")
  func groupAndManaged() throws {
    let account = try Self.account()
    try account.createGroup("readers")
    try account.call("AddUserToGroup", ["GroupName": "readers", "UserName": "alice"])
    try account.call(
      "PutGroupPolicy", ["GroupName": "readers", "PolicyName": "g", "PolicyDocument": .string(A.allow("s3:GetObject"))])
    let arn = try account.createPolicy("writer", document: A.allow("s3:PutObject"))
    try account.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": .string(arn)])
    try account.call("AttachUserPolicy", ["UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"])

    let results = try Self.simulatePrincipal(account, actions: ["s3:GetObject", "s3:PutObject", "iam:ListUsers"])
    #expect(Self.decisions(results) == ["allowed", "allowed", "allowed"])
    let sources = results.map { $0.value(at: "MatchedStatements")?.listValue?.first }
    #expect(sources.map { $0?.string(at: "SourcePolicyType") } == ["group", "user-managed", "aws-managed"])
    #expect(sources.map { $0?.string(at: "SourcePolicyId") } == ["g", "writer", "IAMReadOnlyAccess"])
  }

  @Test("a role's policies and boundary are simulated, named by type role")
  func role() throws {
    let account = try A()
    try account.createRole("worker")
    try account.call(
      "PutRolePolicy", ["RoleName": "worker", "PolicyName": "r", "PolicyDocument": .string(A.allow("s3:*", "ec2:*"))])
    let boundary = try account.createPolicy("role-boundary", document: A.allow("s3:*"))
    try account.call("PutRolePermissionsBoundary", ["RoleName": "worker", "PermissionsBoundary": .string(boundary)])
    let output = try account.call(
      "SimulatePrincipalPolicy",
      [
        "PolicySourceArn": "arn:aws:iam::123456789012:role/worker",
        "ActionNames": Self.strings(["s3:GetObject", "ec2:RunInstances"]),
      ])
    let results = output.value(at: "EvaluationResults")?.listValue ?? []
    #expect(Self.decisions(results) == ["allowed", "implicitDeny"])
    let types = (results[0].value(at: "MatchedStatements")?.listValue ?? []).compactMap { $0.string(at: "SourcePolicyType") }
    #expect(types.contains("role"))
  }

  @Test("a permissions boundary: an action outside it is implicitDeny, with AllowedByPermissionsBoundary false")
  func boundary() throws {
    let account = try Self.account(inline: [A.allow("s3:*", "ec2:*")], boundary: A.allow("s3:*"))
    let results = try Self.simulatePrincipal(account, actions: ["s3:GetObject", "ec2:RunInstances"])
    #expect(Self.decisions(results) == ["allowed", "implicitDeny"])
    #expect(results[0].value(at: "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary") == .boolean(true))
    #expect(results[1].value(at: "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary") == .boolean(false))
  }

  @Test("a boundary passed in replaces the user's own")
  func boundaryInput() throws {
    let account = try Self.account(inline: [A.allow("s3:*", "ec2:*")], boundary: A.allow("s3:*"))
    let results = try Self.simulatePrincipal(
      account, actions: ["ec2:RunInstances"],
      extra: ["PermissionsBoundaryPolicyInputList": Self.strings([A.allow("ec2:*")])])
    #expect(Self.decisions(results) == ["allowed"])
  }

  @Test("PolicyInputList adds policies, named PolicyInputList.N")
  func policyInput() throws {
    let account = try Self.account()
    let results = try Self.simulatePrincipal(
      account, actions: ["sqs:SendMessage"], extra: ["PolicyInputList": Self.strings([A.allow("sqs:SendMessage")])])
    #expect(Self.decisions(results) == ["allowed"])
    let statement = results[0].value(at: "MatchedStatements")?.listValue?.first
    #expect(statement?.string(at: "SourcePolicyId") == "PolicyInputList.1")
  }

  @Test("each action is simulated on each resource, with ResourceSpecificResults and empty details in the same account")
  func resources() throws {
    let account = try Self.account(inline: [A.allow("s3:GetObject", resource: "arn:aws:s3:::reports/*")])
    let results = try Self.simulatePrincipal(
      account, actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/a", "arn:aws:s3:::secret/b"])
    #expect(results.map { $0.string(at: "EvalResourceName") } == ["arn:aws:s3:::reports/a", "arn:aws:s3:::secret/b"])
    #expect(Self.decisions(results) == ["allowed", "implicitDeny"])
    let specific = results[0].value(at: "ResourceSpecificResults")?.listValue?.first
    #expect(specific?.string(at: "EvalResourceName") == "arn:aws:s3:::reports/a")
    #expect(specific?.string(at: "EvalResourceDecision") == "allowed")
    #expect(results[0].value(at: "EvalDecisionDetails") == .map([:]))
  }

  // MARK: resource policies

  static let bucketPolicy =
    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}"#

  @Test("a ResourcePolicy naming the user allows on its own in the same account")
  func resourcePolicy() throws {
    let account = try Self.account()
    let results = try Self.simulatePrincipal(
      account, actions: ["s3:GetObject"], resources: ["arn:aws:s3:::shared/x"],
      extra: ["ResourcePolicy": .string(Self.bucketPolicy)])
    #expect(Self.decisions(results) == ["allowed"])
    let statement = results[0].value(at: "MatchedStatements")?.listValue?.first
    #expect(statement?.string(at: "SourcePolicyId") == "ResourcePolicy")
    #expect(statement?.string(at: "SourcePolicyType") == "Resource Policy")
  }

  @Test("a resource of another account needs both sides: the details say which one did not allow")
  func crossAccount() throws {
    let account = try Self.account(inline: [A.allow("s3:GetObject")])
    let results = try Self.simulatePrincipal(
      account, actions: ["s3:GetObject"], resources: ["arn:aws:s3:::shared/x"],
      extra: ["ResourceOwner": "arn:aws:iam::210987654321:root"])
    #expect(Self.decisions(results) == ["implicitDeny"])
    #expect(results[0].value(at: "EvalDecisionDetails") == .map(["IAM Policy": .string("allowed")]))
  }

  // MARK: context

  static let mfaOnly = A.statement(
    "Allow", ["s3:GetObject"], condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#)

  @Test("a condition key the context lacks is listed in MissingContextValues")
  func missingContext() throws {
    let account = try Self.account(inline: [Self.mfaOnly])
    let result = try #require(Self.simulatePrincipal(account, actions: ["s3:GetObject"]).first)
    #expect(result.string(at: "EvalDecision") == "implicitDeny")
    #expect(result.value(at: "MissingContextValues")?.listValue == [.string("aws:MultiFactorAuthPresent")])
  }

  @Test("ContextEntries supply condition keys, typed as AWS's ContextKeyType says")
  func contextEntries() throws {
    let account = try Self.account(inline: [Self.mfaOnly])
    let entry: ModelValue = .structure([
      "ContextKeyName": "aws:MultiFactorAuthPresent", "ContextKeyValues": Self.strings(["true"]),
      "ContextKeyType": "boolean",
    ])
    let result = try #require(
      Self.simulatePrincipal(account, actions: ["s3:GetObject"], extra: ["ContextEntries": .list([entry])]).first)
    #expect(result.string(at: "EvalDecision") == "allowed")
    #expect(result.value(at: "MissingContextValues")?.listValue == [])
  }

  @Test("the principal's own keys are known: ${aws:username} resolves to the simulated user")
  func principalKeys() throws {
    let account = try Self.account(inline: [A.allow("s3:GetObject", resource: "arn:aws:s3:::home/${aws:username}/*")])
    let results = try Self.simulatePrincipal(
      account, actions: ["s3:GetObject"], resources: ["arn:aws:s3:::home/alice/a", "arn:aws:s3:::home/bob/a"])
    #expect(Self.decisions(results) == ["allowed", "implicitDeny"])
  }

  // MARK: positions

  @Test("statement positions: 1-based line and column of the opening brace, and just past the closing one")
  func positions() throws {
    let account = try A()
    // AWS's simulate-custom-policy example: its statement ends at column 167.
    let document =
      #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}"#
    let entry: ModelValue = .structure([
      "ContextKeyName": "aws:CurrentTime", "ContextKeyValues": Self.strings(["2019-04-25T11:00:00Z"]),
      "ContextKeyType": "date",
    ])
    let output = try account.call(
      "SimulateCustomPolicy",
      [
        "PolicyInputList": Self.strings([document]), "ActionNames": Self.strings(["dynamodb:CreateBackup"]),
        "ContextEntries": .list([entry]),
      ])
    let result = try #require(output.value(at: "EvaluationResults")?.listValue?.first)
    #expect(result.string(at: "EvalDecision") == "allowed")
    let statement = try #require(result.value(at: "MatchedStatements")?.listValue?.first)
    #expect(statement.value(at: "StartPosition") == .structure(["Line": .integer(1), "Column": .integer(37)]))
    #expect(statement.value(at: "EndPosition") == .structure(["Line": .integer(1), "Column": .integer(167)]))
  }

  @Test("positions in a document over several lines count lines and columns from 1")
  func multilinePositions() throws {
    let account = try A()
    let document = """
      {
        "Version": "2012-10-17",
        "Statement": [
          {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
          {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*"
          }
        ]
      }
      """
    let output = try account.call(
      "SimulateCustomPolicy", ["PolicyInputList": Self.strings([document]), "ActionNames": Self.strings(["s3:GetObject"])])
    let result = try #require(output.value(at: "EvaluationResults")?.listValue?.first)
    #expect(result.string(at: "EvalDecision") == "explicitDeny")
    let statement = try #require(result.value(at: "MatchedStatements")?.listValue?.first)
    #expect(statement.value(at: "StartPosition") == .structure(["Line": .integer(4), "Column": .integer(5)]))
    #expect(statement.value(at: "EndPosition") == .structure(["Line": .integer(4), "Column": .integer(58)]))

    let allowOnly = document.replacingOccurrences(of: #"{"Effect": "Deny", "Action": "s3:*", "Resource": "*"},"#, with: "")
    let allowed = try account.call(
      "SimulateCustomPolicy", ["PolicyInputList": Self.strings([allowOnly]), "ActionNames": Self.strings(["s3:GetObject"])])
    let span = allowed.value(at: "EvaluationResults")?.listValue?.first?.value(at: "MatchedStatements")?.listValue?.first
    #expect(span?.value(at: "StartPosition") == .structure(["Line": .integer(5), "Column": .integer(5)]))
    #expect(span?.value(at: "EndPosition") == .structure(["Line": .integer(9), "Column": .integer(6)]))
  }

  // MARK: errors, authorization, pagination

  @Test("an unknown PolicySourceArn is NoSuchEntity")
  func unknownSource() throws {
    let account = try A()
    let error = account.error(
      "SimulatePrincipalPolicy",
      ["PolicySourceArn": .string(Self.alice), "ActionNames": Self.strings(["s3:GetObject"])])
    #expect(error == .noSuchEntity("The user with name alice cannot be found."))
  }

  @Test("a malformed policy in PolicyInputList is InvalidInput")
  func malformedPolicy() throws {
    let account = try A()
    let error = account.error(
      "SimulateCustomPolicy",
      ["PolicyInputList": Self.strings(["{\"Statement\": 3}"]), "ActionNames": Self.strings(["s3:GetObject"])])
    #expect(error?.code == "InvalidInput")
  }

  @Test("SimulatePrincipalPolicy is authorized as iam:SimulatePrincipalPolicy on the source ARN")
  func authorization() throws {
    let account = try Self.account()
    try account.createUser("bob")
    let input: ModelValue = ["PolicySourceArn": .string(Self.alice), "ActionNames": Self.strings(["s3:GetObject"])]
    let denied = account.error("SimulatePrincipalPolicy", input, as: account.user("bob"))
    #expect(denied?.code == "AccessDenied")
    #expect(denied?.message.contains("iam:SimulatePrincipalPolicy on resource: \(Self.alice)") == true)
    try account.call(
      "PutUserPolicy",
      [
        "UserName": "bob", "PolicyName": "sim",
        "PolicyDocument": .string(A.allow("iam:SimulatePrincipalPolicy", resource: Self.alice)),
      ])
    #expect(account.error("SimulatePrincipalPolicy", input, as: account.user("bob")) == nil)
  }

  @Test("results page by MaxItems and Marker")
  func pagination() throws {
    let account = try Self.account(inline: [A.allow("s3:GetObject")])
    let actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    let first = try account.call(
      "SimulatePrincipalPolicy",
      ["PolicySourceArn": .string(Self.alice), "ActionNames": Self.strings(actions), "MaxItems": .integer(2)])
    #expect(first.value(at: "IsTruncated") == .boolean(true))
    let marker = try #require(first.string(at: "Marker"))
    let second = try account.call(
      "SimulatePrincipalPolicy",
      [
        "PolicySourceArn": .string(Self.alice), "ActionNames": Self.strings(actions), "MaxItems": .integer(2),
        "Marker": .string(marker),
      ])
    let names = (first.value(at: "EvaluationResults")?.listValue ?? []) + (second.value(at: "EvaluationResults")?.listValue ?? [])
    #expect(names.map { $0.string(at: "EvalActionName") } == actions)
    #expect(second.value(at: "IsTruncated") == .boolean(false))
  }

  @Test("the simulation agrees with enforcement: the decision for an IAM action is the server's")
  func agreesWithEnforcement() throws {
    let account = try Self.account(inline: [A.allow("iam:List*"), A.deny("iam:ListRoles")])
    for action in ["ListUsers", "ListRoles", "ListGroups", "CreateUser"] {
      let simulated = try Self.simulatePrincipal(account, actions: ["iam:\(action)"]).first?.string(at: "EvalDecision")
      let input: ModelValue = action == "CreateUser" ? ["UserName": "x"] : [:]
      let real = account.error(action, input, as: account.user("alice"))
      #expect((simulated == "allowed") == (real == nil), "\(action): simulated \(simulated ?? "-")")
    }
  }
}

/// `GetContextKeysForPrincipalPolicy` and `GetContextKeysForCustomPolicy`.
@Suite("Policy context keys")
struct ContextKeysTests {
  typealias A = IAMTestAccount

  @Test("AWS's example: the variable in a Resource, then the key of a Condition")
  func awsExample() throws {
    let account = try A()
    let document =
      #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}"#
    let output = try account.call("GetContextKeysForCustomPolicy", ["PolicyInputList": .list([.string(document)])])
    #expect(output.value(at: "ContextKeyNames") == .list([.string("aws:username"), .string("aws:CurrentTime")]))
  }

  @Test("a principal's keys come from all its policies, its groups' included, each key once")
  func principal() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createGroup("g")
    try account.call("AddUserToGroup", ["GroupName": "g", "UserName": "alice"])
    try account.call(
      "PutUserPolicy",
      [
        "UserName": "alice", "PolicyName": "p",
        "PolicyDocument": .string(A.statement("Allow", ["s3:*"], condition: #"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#)),
      ])
    try account.call(
      "PutGroupPolicy",
      [
        "GroupName": "g", "PolicyName": "q",
        "PolicyDocument": .string(
          A.statement(
            "Deny", ["s3:*"],
            condition: #"{"StringNotEquals":{"s3:prefix":"home/"},"IpAddress":{"AWS:SourceIP":"10.0.0.0/8"}}"#)),
      ])
    let output = try account.call(
      "GetContextKeysForPrincipalPolicy", ["PolicySourceArn": .string(SimulationTests.alice)])
    let keys = (output.value(at: "ContextKeyNames")?.listValue ?? []).compactMap(\.stringValue)
    #expect(Set(keys) == ["aws:SourceIp", "s3:prefix"])
  }
}

/// A principal of an account in an organization is simulated with its SCPs, as the server
/// enforces them.
@Suite("Policy simulation with SCPs")
struct SimulationOrganizationTests {
  @Test("an allow-list SCP: OrganizationsDecisionDetail says whether the organization allows, and the decision is the server's")
  func serviceControlPolicies() throws {
    let bed = try OrganizationTestBed()
    try bed.createOrganization()
    let member = try bed.createAccount("dev")
    try bed.iam("CreateUser", ["UserName": "admin"], as: bed.root(member))
    try bed.iam(
      "AttachUserPolicy", ["UserName": "admin", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"],
      as: bed.root(member))
    try bed.attach(try bed.createPolicy("list-only", IAMTestAccount.allow("iam:List*", "iam:Simulate*")), to: member)
    try bed.detach("p-FullAWSAccess", from: member)

    let output = try bed.iam(
      "SimulatePrincipalPolicy",
      [
        "PolicySourceArn": .string("arn:aws:iam::\(member):user/admin"),
        "ActionNames": .list([.string("iam:ListUsers"), .string("iam:CreateUser")]),
      ], as: bed.root(member))
    let results = output.value(at: "EvaluationResults")?.listValue ?? []
    #expect(results.map { $0.string(at: "EvalDecision") } == ["allowed", "implicitDeny"])
    #expect(
      results.map { $0.value(at: "OrganizationsDecisionDetail", "AllowedByOrganizations") } == [
        .boolean(true), .boolean(false),
      ])
    let admin = bed.user("admin", in: member)
    #expect(bed.iamError("ListUsers", [:], as: admin) == nil)
    #expect(bed.iamError("CreateUser", ["UserName": "x"], as: admin)?.code == "AccessDenied")
  }
}
