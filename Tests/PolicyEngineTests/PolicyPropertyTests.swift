import PolicyEngine
import PropertyBased
import Testing

// MARK: - Models of random policies and requests

/// A condition block with one operator and one key.
struct ConditionModel: Sendable, Equatable {
  var op: String
  var key: String
  var values: [String]
}

/// A statement over a small vocabulary, rendered to policy JSON on demand.
struct StatementModel: Sendable, Equatable {
  var effect: Effect
  var actions: [String]
  var notAction: Bool
  var resources: [String]
  var notResource: Bool
  var condition: ConditionModel?
  /// The `Principal` element as JSON, for resource-based policies.
  var principal: String?

  var json: JSONValue {
    var members: [JSONMember] = []
    func add(_ key: String, _ value: JSONValue) { members.append(JSONMember(key: key, node: JSONNode(value))) }
    func list(_ values: [String]) -> JSONValue {
      values.count == 1 ? .string(values[0]) : .array(values.map { JSONNode(.string($0)) })
    }
    add("Effect", .string(effect.rawValue))
    if let principal { add("Principal", (try? JSONParser.parse(principal).value) ?? .string("*")) }
    add(notAction ? "NotAction" : "Action", list(actions))
    add(notResource ? "NotResource" : "Resource", list(resources))
    if let condition {
      let inner = JSONValue.object([JSONMember(key: condition.key, node: JSONNode(list(condition.values)))])
      add("Condition", .object([JSONMember(key: condition.op, node: JSONNode(inner))]))
    }
    return .object(members)
  }
}

/// A policy document: a list of statements.
struct PolicyModel: Sendable, Equatable, CustomStringConvertible {
  var statements: [StatementModel]

  var json: JSONValue {
    .object([
      JSONMember(key: "Version", node: JSONNode(.string("2012-10-17"))),
      JSONMember(key: "Statement", node: JSONNode(.array(statements.map { JSONNode($0.json) }))),
    ])
  }

  var text: String { json.rendered() }
  var description: String { text }

  func compiled(kind: PolicyKind = .managed, name: String = "") throws -> Policy {
    try Policy(json: text, kind: kind, name: name)
  }
}

/// The policies that take part in a decision: identity policies, and optionally a permissions
/// boundary and a resource-based policy.
struct PolicySetModel: Sendable, CustomStringConvertible {
  var identity: [PolicyModel]
  var boundary: PolicyModel?
  var resource: PolicyModel?

  func compiled() throws -> PolicySet {
    PolicySet(
      identity: try identity.enumerated().map { try $0.element.compiled(name: "identity\($0.offset)") },
      resource: try resource?.compiled(kind: .resource, name: "resource"),
      permissionsBoundary: try boundary?.compiled(kind: .permissionsBoundary, name: "boundary"))
  }

  var description: String {
    "identity: \(identity.map(\.text)), boundary: \(boundary?.text ?? "none"), resource: \(resource?.text ?? "none")"
  }
}

/// A request over the same vocabulary.
struct RequestModel: Sendable, CustomStringConvertible {
  var principal: String
  var action: String
  var resource: String
  var sourceIp: String?
  var resourceAccount: String?

  var request: AuthorizationRequest {
    var context = RequestContext()
    if let sourceIp { context["aws:SourceIp"] = .single(sourceIp) }
    return AuthorizationRequest(
      principal: RequestPrincipal(principal), action: action, resource: resource, context: context,
      resourceAccount: resourceAccount)
  }

  var description: String {
    "\(principal) \(action) \(resource) ip=\(sourceIp ?? "none") account=\(resourceAccount ?? "same")"
  }
}

/// One byte-level edit of a document; positions are in ten-thousandths of its length so a
/// mutation applies to a document of any size.
struct ByteMutation: Sendable, CustomStringConvertible {
  enum Kind: Int, CaseIterable { case flip, delete, insert, duplicate }
  var kind: Kind
  var position: Int
  var length: Int
  var byte: UInt8
  var target: Int

  func apply(to bytes: inout [UInt8]) {
    let at = { (fraction: Int, count: Int) in min(count - 1, fraction * count / 10_000) }
    switch kind {
    case .flip:
      guard !bytes.isEmpty else { return }
      bytes[at(position, bytes.count)] ^= 1 << (byte % 8)
    case .delete:
      guard !bytes.isEmpty else { return }
      let p = at(position, bytes.count)
      bytes.removeSubrange(p..<min(bytes.count, p + length))
    case .insert:
      bytes.insert(byte, at: at(position, bytes.count + 1))
    case .duplicate:
      guard !bytes.isEmpty else { return }
      let p = at(position, bytes.count)
      let slice = Array(bytes[p..<min(bytes.count, p + length)])
      bytes.insert(contentsOf: slice, at: at(target, bytes.count + 1))
    }
  }

  var description: String { "\(kind)(at: \(position), length: \(length), byte: \(byte), to: \(target))" }
}

/// One edit of a parsed document that keeps it valid JSON: replace a value, rename a key,
/// duplicate or remove an element. `target` picks the node (in pre-order, modulo their number),
/// `choice` what to put there.
struct TreeMutation: Sendable, CustomStringConvertible {
  enum Kind: Int, CaseIterable { case replaceValue, renameKey, duplicateElement, removeElement }
  var kind: Kind
  var target: Int
  var choice: Int

  static let values: [JSONValue] = [
    .string("*"), .string(""), .string("${"), .string("${aws:username"), .string("${aws:username, 'x''y'}"),
    .string("${*}${?}${$}"), .string("arn:aws:s3:::*"), .string("arn:aws:iam::*:user/${aws:username}"),
    .string("arn:aws:ec2:us-*-1:*:instance/*"), .string("arn:"), .string("arn:aws"), .string(":::::"),
    .string("s3:Get*"), .string("s3"), .string("s3:a:b"), .string("*:*"), .string("Allow"), .string("deny"),
    .string("2012-10-17"), .string("2008-10-17"), .string("203.0.113.0/24"), .string("::ffff:1.2.3.4/200"),
    .string("2024-02-30T24:00:00+23:59"), .string("1e999"), .string("true"), .string("\u{0}\u{1F}é😀"),
    .string("ec2.amazonaws.com"), .string("111122223333"), .string("arn:aws:iam::111122223333:root"),
    .number("1e999"), .number("-0"), .number("12345678901234567890"), .bool(true), .null, .array([]), .object([]),
    .array([JSONNode(.string("a")), JSONNode(.null), JSONNode(.number("1"))]),
    .object([JSONMember(key: "AWS", node: JSONNode(.string("*")))]),
    .object([JSONMember(key: "StringLike", node: JSONNode(.object([JSONMember(key: "aws:username", node: JSONNode(.string("a*")))])))]),
  ]

  static let keys = [
    "Version", "Id", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
    "NotPrincipal", "Condition", "AWS", "Service", "Federated", "CanonicalUser", "StringLike",
    "ForAllValues:StringNotEqualsIfExists", "NullIfExists", "Null", "IpAddress", "DateLessThan", "BinaryEquals",
    "ArnLike", "aws:SourceIp", "aws:username", "nokey", "", "statement",
  ]

  var description: String { "\(kind)(node: \(target), choice: \(choice))" }

  func apply(to root: JSONValue) -> JSONValue {
    var remaining = target % Self.count(root)
    return rewrite(root, &remaining)
  }

  static func count(_ value: JSONValue) -> Int {
    switch value {
    case .array(let items): 1 + items.reduce(0) { $0 + count($1.value) }
    case .object(let members): 1 + members.reduce(0) { $0 + count($1.node.value) }
    default: 1
    }
  }

  private func rewrite(_ value: JSONValue, _ remaining: inout Int) -> JSONValue {
    if remaining < 0 { return value }
    if remaining == 0 {
      remaining = -1
      return edit(value)
    }
    remaining -= 1
    switch value {
    case .array(let items):
      var out: [JSONNode] = []
      for item in items { out.append(JSONNode(rewrite(item.value, &remaining))) }
      return .array(out)
    case .object(let members):
      var out: [JSONMember] = []
      for member in members { out.append(JSONMember(key: member.key, node: JSONNode(rewrite(member.node.value, &remaining)))) }
      return .object(out)
    default:
      return value
    }
  }

  private func edit(_ value: JSONValue) -> JSONValue {
    switch (kind, value) {
    case (.replaceValue, _):
      return Self.values[choice % Self.values.count]
    case (.renameKey, .object(var members)) where !members.isEmpty:
      members[choice % members.count].key = Self.keys[choice % Self.keys.count]
      return .object(members)
    case (.duplicateElement, .object(var members)) where !members.isEmpty:
      members.append(members[choice % members.count])
      return .object(members)
    case (.duplicateElement, .array(var items)) where !items.isEmpty:
      items.append(items[choice % items.count])
      return .array(items)
    case (.removeElement, .object(var members)) where !members.isEmpty:
      members.remove(at: choice % members.count)
      return .object(members)
    case (.removeElement, .array(var items)) where !items.isEmpty:
      items.remove(at: choice % items.count)
      return .array(items)
    default:
      return Self.values[choice % Self.values.count]
    }
  }
}

/// How to spell a policy's JSON without changing its meaning.
struct TextStyle: Sendable, CustomStringConvertible {
  /// White space around every token.
  var spaced: Bool
  /// Escape every n-th character of each string as `\uXXXX` (0: none).
  var escapeEvery: Int
  /// Write `/` as `\/`.
  var escapeSlashes: Bool

  var description: String { "spaced: \(spaced), escapeEvery: \(escapeEvery), escapeSlashes: \(escapeSlashes)" }

  func text(_ value: JSONValue) -> String {
    var out = ""
    write(value, into: &out)
    return out
  }

  private func write(_ value: JSONValue, into out: inout String) {
    let gap = spaced ? "\n  " : ""
    switch value {
    case .null, .bool, .number: out += value.rendered()
    case .string(let s): writeString(s, into: &out)
    case .array(let items):
      out += "[" + gap
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," + gap }
        write(item.value, into: &out)
      }
      out += gap + "]"
    case .object(let members):
      out += "{" + gap
      for (i, member) in members.enumerated() {
        if i > 0 { out += "," + gap }
        writeString(member.key, into: &out)
        out += spaced ? " : " : ":"
        write(member.node.value, into: &out)
      }
      out += gap + "}"
    }
  }

  private func writeString(_ s: String, into out: inout String) {
    out += "\""
    for (i, scalar) in s.unicodeScalars.enumerated() {
      if escapeEvery > 0 && i % escapeEvery == 0 {
        for unit in String(scalar).utf16 {
          let hex = String(unit, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        continue
      }
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "/" where escapeSlashes: out += "\\/"
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

// MARK: - Generators

/// Generators over a small vocabulary, chosen so that statements and requests overlap often:
/// exact, prefix and general action patterns; ARNs with segment wildcards and variables;
/// conditions that hold for some requests and not others.
enum PolicyGen {
  static let statementActions = [
    "s3:GetObject", "s3:Get*", "s3:PutObject", "s3:*", "ec2:*", "ec2:Describe*", "*", "iam:Get?ser", "S3:GETOBJECT",
  ]
  static let statementResources = [
    "*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/alice/*", "arn:aws:s3:::other/*",
    "arn:aws:s3:::bucket/${aws:username}/*", "arn:aws:ec2:*:111122223333:instance/*",
    "arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:iam::111122223333:user/*",
  ]
  static let conditions = [
    ConditionModel(op: "IpAddress", key: "aws:SourceIp", values: ["203.0.113.0/24"]),
    ConditionModel(op: "IpAddress", key: "aws:SourceIp", values: ["198.51.100.7", "2001:db8::/32"]),
    ConditionModel(op: "NotIpAddress", key: "aws:SourceIp", values: ["203.0.113.0/24"]),
    ConditionModel(op: "StringEquals", key: "aws:username", values: ["alice"]),
    ConditionModel(op: "StringLike", key: "aws:username", values: ["b*"]),
    ConditionModel(op: "StringNotEquals", key: "aws:username", values: ["alice"]),
    ConditionModel(op: "StringEqualsIfExists", key: "aws:username", values: ["bob"]),
    ConditionModel(op: "Null", key: "aws:SourceIp", values: ["true"]),
  ]
  static let resourcePrincipals = [
    #""*""#, #"{"AWS":"*"}"#, #"{"AWS":"arn:aws:iam::111122223333:user/alice"}"#, #"{"AWS":"111122223333"}"#,
    #"{"AWS":"arn:aws:iam::111122223333:root"}"#, #"{"AWS":"arn:aws:iam::444455556666:root"}"#,
  ]

  static let principals = [
    "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob",
    "arn:aws:sts::111122223333:assumed-role/Admin/session",
  ]
  static let actions = [
    "s3:GetObject", "s3:PutObject", "s3:GetBucketPolicy", "ec2:DescribeInstances", "ec2:RunInstances", "iam:GetUser",
    "sqs:SendMessage",
  ]
  static let resources = [
    "arn:aws:s3:::bucket/alice/photo.jpg", "arn:aws:s3:::bucket/bob/notes.txt", "arn:aws:s3:::other/x",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-123", "arn:aws:ec2:eu-west-1:111122223333:instance/i-9",
    "arn:aws:iam::111122223333:user/alice", "*",
  ]
  static let sourceIps = ["203.0.113.9", "198.51.100.7", "2001:db8::5", "192.0.2.1"]

  /// One element of `items`, shrinking towards the first.
  static func pick<T: Sendable>(_ items: [T]) -> Generator<T, Shrink.Integer<Int>> {
    Gen.int(in: 0...(items.count - 1)).map { items[$0] }
  }

  static var statement: Generator<StatementModel, some SendableSequenceType> {
    zip(
      Gen.bool(0.3), pick(statementActions).array(of: 1...3), Gen.bool(0.15), pick(statementResources).array(of: 1...2),
      Gen.bool(0.15), pick(conditions).optional(valueRate: 0.4)
    ).map { t in
      StatementModel(
        effect: t.0 ? .deny : .allow, actions: t.1, notAction: t.2, resources: t.3, notResource: t.4, condition: t.5)
    }
  }

  static var identityPolicy: Generator<PolicyModel, some SendableSequenceType> {
    statement.array(of: 1...4).map { PolicyModel(statements: $0) }
  }

  static var resourcePolicy: Generator<PolicyModel, some SendableSequenceType> {
    zip(statement, pick(resourcePrincipals)).map { t in
      var s = t.0
      s.principal = t.1
      return s
    }.array(of: 1...3).map { PolicyModel(statements: $0) }
  }

  static var policySet: Generator<PolicySetModel, some SendableSequenceType> {
    zip(identityPolicy.array(of: 1...3), identityPolicy.optional(valueRate: 0.25), resourcePolicy.optional(valueRate: 0.4))
      .map { t in PolicySetModel(identity: t.0, boundary: t.1, resource: t.2) }
  }

  static var request: Generator<RequestModel, some SendableSequenceType> {
    zip(
      pick(principals), pick(actions), pick(resources), pick(sourceIps).optional(valueRate: 0.7),
      pick(["444455556666"]).optional(valueRate: 0.2)
    ).map { t in RequestModel(principal: t.0, action: t.1, resource: t.2, sourceIp: t.3, resourceAccount: t.4) }
  }

  /// A fixed grid of requests to compare two compilations of a policy on.
  static let requestGrid: [AuthorizationRequest] = {
    var out: [AuthorizationRequest] = []
    for principal in principals {
      for action in ["s3:GetObject", "s3:PutObject", "ec2:DescribeInstances", "iam:GetUser"] {
        for resource in resources.prefix(6) {
          for ip in [nil, "203.0.113.9"] {
            out.append(RequestModel(principal: principal, action: action, resource: resource, sourceIp: ip).request)
          }
        }
      }
    }
    return out
  }()

  static let interestingBytes: [UInt8] = Array(#"{}[]":,\ *?${}'/u0tfn-."#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xFF]

  static var mutation: Generator<ByteMutation, some SendableSequenceType> {
    zip(
      pick(ByteMutation.Kind.allCases), Gen.int(in: 0...9_999), Gen.int(in: 1...24),
      zip(Gen.bool, Gen.uint8(in: 0...255), pick(interestingBytes)).map { $0.0 ? $0.1 : $0.2 }, Gen.int(in: 0...9_999)
    ).map { t in ByteMutation(kind: t.0, position: t.1, length: t.2, byte: t.3, target: t.4) }
  }

  static var treeMutation: Generator<TreeMutation, some SendableSequenceType> {
    zip(pick(TreeMutation.Kind.allCases), Gen.int(in: 0...999), Gen.int(in: 0...999))
      .map { t in TreeMutation(kind: t.0, target: t.1, choice: t.2) }
  }

  static var textStyle: Generator<TextStyle, some SendableSequenceType> {
    zip(Gen.bool, Gen.int(in: 0...4), Gen.bool).map { t in TextStyle(spaced: t.0, escapeEvery: t.1, escapeSlashes: t.2) }
  }
}

// MARK: - Seed documents for mutation

/// Valid documents of several kinds, covering most of the grammar, for the mutation properties.
enum SeedDocuments {
  static let all: [(kind: PolicyKind, text: String)] = [
    (
      .managed,
      #"{"Version":"2012-10-17","Id":"seed","Statement":[{"Sid":"A1","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bucket/${aws:username}/*","arn:aws:s3:::bucket"],"Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"StringLike":{"s3:prefix":["home/${aws:username, 'x'}/*","${*}"]}}},{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::111122223333:user/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"},"NumericLessThan":{"s3:max-keys":10}}}]}"#
    ),
    (
      .resource,
      #"{"Version":"2012-10-17","Statement":[{"Sid":"Public Read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"},{"Effect":"Deny","Principal":{"AWS":["arn:aws:iam::444455556666:root","111122223333"],"Service":"cloudtrail.amazonaws.com"},"NotAction":["s3:Get*"],"Resource":"arn:aws:s3:::bucket/*","Condition":{"ForAnyValue:StringNotLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/r-ab12/*"]},"ArnNotLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}}}]}"#
    ),
    (
      .trust,
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com","AWS":"arn:aws:iam::111122223333:root","Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"sts:ExternalId":"x"},"Null":{"aws:TokenIssueTime":"false"}}}]}"#
    ),
    (
      .serviceControl,
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]},"DateGreaterThan":{"aws:CurrentTime":"1700000000"}}},{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    ),
    (
      .managed,
      #"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/\u00e9\ud83d\ude00/${$}\/x","Condition":{"BinaryEquals":{"aws:x":"QUJD"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:user/*"},"StringEqualsIgnoreCase":{"aws:y":"\"quoted\"\t"}}}}"#
    ),
    (
      .session,
      "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"ec2:Describe*\", \"ec2:?tart*\"],\n      \"Resource\": \"arn:aws:ec2:us-*-1:*:instance/*\"\n    }\n  ]\n}\n"
    ),
  ]
}

// MARK: - Properties

/// Properties of parsing and evaluation that must hold for every policy, checked on random
/// policies and requests over a small vocabulary (actions with wildcards, ARNs with
/// wildcards and variables, conditions on `aws:SourceIp` and `aws:username`) and on
/// randomly damaged documents.
@Suite("Policy properties")
struct PolicyPropertyTests {
  /// `model` with a Deny for `action` on every resource inserted into identity policy
  /// `policyChoice` (modulo their number) at statement `positionChoice`.
  static func addingDeny(
    to model: PolicySetModel, action: String, policyChoice: Int, positionChoice: Int
  ) -> PolicySetModel {
    var model = model
    let p = policyChoice % model.identity.count
    let deny = StatementModel(
      effect: .deny, actions: [action], notAction: false, resources: ["*"], notResource: false, condition: nil)
    let position = positionChoice % (model.identity[p].statements.count + 1)
    model.identity[p].statements.insert(deny, at: position)
    return model
  }

  @Test("the generated policies are valid for their kinds")
  func generatedPoliciesAreValid() async {
    await propertyCheck(count: 150, input: PolicyGen.policySet) { model in
      #expect(throws: Never.self) { _ = try model.compiled() }
    }
  }

  @Test("a matching unconditional Deny in any identity policy always yields ExplicitDeny")
  func matchingDenyAlwaysDenies() async throws {
    await propertyCheck(
      count: 400, input: PolicyGen.policySet, PolicyGen.request, Gen.int(in: 0...99), Gen.int(in: 0...99)
    ) { model, requestModel, policyChoice, positionChoice in
      let denied = Self.addingDeny(
        to: model, action: requestModel.action, policyChoice: policyChoice, positionChoice: positionChoice)
      let compiled = CompiledPolicySet(try denied.compiled())
      let request = requestModel.request
      let decision = compiled.decide(request)
      #expect(decision.outcome == .explicitDeny)
      #expect(!decision.isAllowed)
      #expect(compiled.explain(request).decision.outcome == .explicitDeny)
    }
  }

  @Test("removing an identity or resource-based policy never turns ImplicitDeny into Allow")
  func removingAPolicyNeverGrants() async throws {
    await propertyCheck(count: 400, input: PolicyGen.policySet, PolicyGen.request) { model, requestModel in
      let request = requestModel.request
      let full = CompiledPolicySet(try model.compiled()).decide(request)
      guard full.outcome == .implicitDeny else { return }
      for index in model.identity.indices {
        var smaller = model
        smaller.identity.remove(at: index)
        let decision = CompiledPolicySet(try smaller.compiled()).decide(request)
        #expect(decision.outcome != .allow, "removing identity policy \(index): \(decision.summary)")
      }
      if model.resource != nil {
        var smaller = model
        smaller.resource = nil
        let decision = CompiledPolicySet(try smaller.compiled()).decide(request)
        #expect(decision.outcome != .allow, "removing the resource-based policy: \(decision.summary)")
      }
    }
  }

  @Test("evaluation is deterministic and explain reaches the same decision as decide")
  func evaluationIsDeterministic() async throws {
    await propertyCheck(count: 400, input: PolicyGen.policySet, PolicyGen.request) { model, requestModel in
      let request = requestModel.request
      let compiled = CompiledPolicySet(try model.compiled())
      let decision = compiled.decide(request)
      #expect(compiled.decide(request) == decision)
      #expect(CompiledPolicySet(try model.compiled()).decide(request) == decision)
      let explanation = compiled.explain(request)
      #expect(explanation.decision == decision)
      #expect(compiled.explain(request) == explanation)
      // The outcome agrees with its reason, and a deciding statement is among those matched.
      switch decision.reason {
      case .allowedByIdentityPolicy, .allowedByResourcePolicy, .rootUser: #expect(decision.outcome == .allow)
      case .explicitDeny: #expect(decision.outcome == .explicitDeny)
      case .noAllow: #expect(decision.outcome == .implicitDeny)
      }
      if let statement = decision.statement {
        #expect(explanation.matchedStatements.contains(statement))
        #expect(statement.effect == (decision.outcome == .explicitDeny ? .deny : .allow))
      }
    }
  }

  /// Parses `bytes` as every kind of policy and checks the result is coherent; valid documents
  /// are compiled and evaluated too.
  static func checkParsesCoherently(_ bytes: [UInt8]) {
    for kind in PolicyKind.allCases {
      let result = PolicyParser.parse(bytes: bytes, kind: kind)
      let hasError = result.diagnostics.contains { $0.severity == .error }
      #expect((result.document != nil) == !hasError, "\(kind)")
      #expect((result.firstError != nil) == hasError, "\(kind)")
      for diagnostic in result.diagnostics {
        #expect(!diagnostic.message.isEmpty)
        if let offset = diagnostic.offset {
          #expect((0...bytes.count).contains(offset), "\(kind): \(diagnostic)")
          #expect((diagnostic.line ?? 0) >= 1 && (diagnostic.column ?? 0) >= 1, "\(kind): \(diagnostic)")
        }
      }
      let policy = try? Policy(bytes: bytes, kind: kind)
      #expect((policy != nil) == (result.document != nil), "\(kind)")
      guard let policy else { continue }
      let set: PolicySet
      switch kind.grammar {
      case .identity: set = PolicySet(identity: [policy])
      case .resource, .trust: set = PolicySet(resource: policy)
      }
      let compiled = CompiledPolicySet(set)
      for request in PolicyGen.requestGrid.prefix(12) {
        #expect(compiled.explain(request).decision == compiled.decide(request))
      }
    }
  }

  @Test("the seed documents are valid for their kinds")
  func seedsAreValid() {
    for (kind, text) in SeedDocuments.all {
      let result = PolicyParser.parse(text, kind: kind)
      #expect(result.document != nil, "\(kind): \(result.firstError?.description ?? "")")
    }
  }

  @Test("the parser never traps on mutated policy documents")
  func mutatedDocumentsNeverTrap() async {
    await propertyCheck(
      count: 800, input: PolicyGen.pick(Array(SeedDocuments.all.indices)), PolicyGen.mutation.array(of: 1...6)
    ) { seed, mutations in
      var bytes = Array(SeedDocuments.all[seed].text.utf8)
      for mutation in mutations { mutation.apply(to: &bytes) }
      _ = try? JSONParser.parse(bytes: bytes)
      Self.checkParsesCoherently(bytes)
    }
  }

  @Test("the parser never traps on well-formed JSON with damaged policy structure")
  func damagedStructureNeverTraps() async {
    await propertyCheck(
      count: 600, input: PolicyGen.pick(Array(SeedDocuments.all.indices)), PolicyGen.treeMutation.array(of: 1...4),
      PolicyGen.mutation.array(of: 0...1)
    ) { seed, edits, byteEdits in
      guard var value = try? JSONParser.parse(SeedDocuments.all[seed].text).value else {
        Issue.record("seed \(seed) is not JSON")
        return
      }
      for edit in edits { value = edit.apply(to: value) }
      var bytes = Array(value.rendered().utf8)
      for mutation in byteEdits { mutation.apply(to: &bytes) }
      Self.checkParsesCoherently(bytes)
    }
  }

  @Test("the parser never traps on random bytes")
  func randomBytesNeverTrap() async {
    await propertyCheck(count: 1_000, input: Gen.uint8(in: 0...255).array(of: 0...300)) { bytes in
      _ = try? JSONParser.parse(bytes: bytes)
      Self.checkParsesCoherently(bytes)
    }
  }

  @Test("the parser never traps on random JSON-like text")
  func randomJSONLikeTextNeverTraps() async {
    let alphabet = Array(#"{}[]{}[]"""":,:,\ \u*?$'/0123456789-.eEtruefalsnl"#.utf8) + [0x0A, 0xC3, 0xA9, 0xFF]
    await propertyCheck(count: 1_000, input: PolicyGen.pick(alphabet).array(of: 0...300)) { bytes in
      _ = try? JSONParser.parse(bytes: bytes)
      Self.checkParsesCoherently(bytes)
    }
  }

  /// A document with its offsets cleared, so that two spellings of one policy compare equal.
  static func withoutOffsets(_ document: PolicyDocument) -> PolicyDocument {
    var document = document
    for i in document.statements.indices {
      document.statements[i].offset = 0
      for j in document.statements[i].conditions.indices { document.statements[i].conditions[j].offset = 0 }
    }
    return document
  }

  @Test("a valid policy re-rendered as compact JSON parses to the same document and decisions")
  func renderedPolicyDecidesTheSame() async throws {
    await propertyCheck(count: 200, input: PolicyGen.identityPolicy, PolicyGen.textStyle) { model, style in
      let text = style.text(model.json)
      let original = try Policy(json: text, kind: .managed)
      let rendered = try JSONParser.parse(text).value.rendered()
      // Rendering is a fixed point.
      #expect(try JSONParser.parse(rendered).value.rendered() == rendered)
      let reparsed = try Policy(json: rendered, kind: .managed)
      #expect(Self.withoutOffsets(reparsed.document) == Self.withoutOffsets(original.document))
      let a = CompiledPolicySet(PolicySet(identity: [original]))
      let b = CompiledPolicySet(PolicySet(identity: [reparsed]))
      for request in PolicyGen.requestGrid {
        #expect(a.decide(request) == b.decide(request), "\(request.principal.arn) \(request.action) \(request.resource)")
      }
    }
  }
}
