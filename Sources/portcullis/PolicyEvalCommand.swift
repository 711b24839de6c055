import ArgumentParser
import Foundation
import PolicyEngine

/// `portcullis policy eval`: decides one request given on the command line, or a stream of
/// requests as JSON lines.
struct PolicyEvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a request against policies, as AWS would decide it.",
    discussion: """
      One request: give --action, --resource, --principal and the policy files; prints Allow,
      ExplicitDeny or ImplicitDeny (and why, with --explain).
      Many requests: --json-lines reads one JSON object per line on standard input and writes
      one JSON result per line, in order, flushed per line.
      """)

  @Flag(name: .customLong("json-lines"), help: "Read requests with their policies as JSON lines on standard input.")
  var jsonLines = false

  @Option(help: "The action, e.g. s3:GetObject.")
  var action: String?

  @Option(help: "The resource ARN (default `*`).")
  var resource: String = "*"

  @Option(help: "The caller's ARN (user, role, assumed-role session, federated user, account root) or a service name.")
  var principal: String = ""

  @Option(help: "A context key and value, `key=value`; repeat a key for a multivalued key.")
  var context: [String] = []

  @Option(name: .customLong("identity-policy"), help: "An identity policy file (repeatable).")
  var identityPolicies: [String] = []

  @Option(name: .customLong("resource-policy"), help: "The resource's resource-based (or trust) policy file.")
  var resourcePolicy: String?

  @Option(help: "The caller's permissions boundary policy file.")
  var boundary: String?

  @Option(name: .customLong("session-policy"), help: "A session policy file (repeatable).")
  var sessionPolicies: [String] = []

  @Option(name: .customLong("scp"), help: "One SCP level, root first: a file, or files separated by commas (repeatable).")
  var scps: [String] = []

  @Option(name: .customLong("rcp"), help: "One RCP level of the resource's account, root first (repeatable).")
  var rcps: [String] = []

  @Option(name: .customLong("resource-account"), help: "The account that owns the resource (default: the caller's).")
  var resourceAccount: String?

  @Flag(help: "Explain the decision: the deciding and matching statements and missing context keys.")
  var explain = false

  func run() throws {
    if jsonLines {
      runJSONLines()
      return
    }
    guard let action else { throw ValidationError("--action is required (or use --json-lines)") }
    var values: [String: [String]] = [:]
    var order: [String] = []
    for pair in context {
      guard let eq = pair.firstIndex(of: "=") else { throw ValidationError("--context takes key=value, got `\(pair)`") }
      let key = String(pair[..<eq])
      if values[key] == nil { order.append(key) }
      values[key, default: []].append(String(pair[pair.index(after: eq)...]))
    }
    var requestContext = RequestContext()
    for key in order {
      let v = values[key]!
      requestContext[key] = v.count == 1 ? .single(v[0]) : .multiple(v)
    }
    let request = AuthorizationRequest(
      principal: RequestPrincipal(principal), action: action, resource: resource, context: requestContext,
      resourceAccount: resourceAccount)
    let set = PolicySet(
      identity: try identityPolicies.map { try load($0, kind: .managed) },
      resource: try resourcePolicy.map { try load($0, kind: .resource) },
      permissionsBoundary: try boundary.map { try load($0, kind: .permissionsBoundary) },
      session: try sessionPolicies.map { try load($0, kind: .session) },
      serviceControlPolicies: try scps.map { level in try level.split(separator: ",").map { try load(String($0), kind: .serviceControl) } },
      resourceControlPolicies: try rcps.map { level in try level.split(separator: ",").map { try load(String($0), kind: .resourceControl) } })
    let compiled = CompiledPolicySet(set)
    if explain {
      let explanation = compiled.explain(request)
      print(explanation.decision.outcome.rawValue)
      print("  reason: \(explanation.decision.summary)")
      if let aws = explanation.decision.awsReason(action: action) { print("  aws: \(aws)") }
      for statement in explanation.matchedStatements {
        let sid = statement.sid.map { " Sid `\($0)`" } ?? ""
        print("  matched: \(statement.effect.rawValue) in \(statement.slot.rawValue) \(statement.policyName) statement \(statement.statementIndex + 1)\(sid)")
      }
      if !explanation.missingContextKeys.isEmpty {
        print("  missing context keys: \(explanation.missingContextKeys.joined(separator: ", "))")
      }
    } else {
      print(compiled.decide(request).outcome.rawValue)
    }
  }

  private func load(_ path: String, kind: PolicyKind) throws -> Policy {
    let bytes = try readInput(path)
    var effectiveKind = kind
    if kind == .resource, let node = try? JSONParser.parse(bytes: bytes), EvaluationInput.looksLikeTrustPolicy(node) {
      effectiveKind = .trust
    }
    do {
      return try Policy(bytes: bytes, kind: effectiveKind, name: path)
    } catch {
      let where_ = error.firstError.flatMap { d in d.line.map { ":\($0):\(d.column ?? 1)" } } ?? ""
      let detail = error.firstError.map { " (\($0.detail))" } ?? ""
      throw ValidationError("\(path)\(where_): \(error.message)\(detail)")
    }
  }

  private func runJSONLines() {
    while let line = readLine(strippingNewline: true) {
      if line.allSatisfy(\.isWhitespace) { continue }
      let output: JSONValue
      do {
        let input = try EvaluationInput(line: line)
        let compiled = CompiledPolicySet(input.policies)
        output = compiled.explain(input.request).json(action: input.request.action)
      } catch {
        output = .object([JSONMember(key: "error", keyOffset: 0, node: JSONNode(.string(error.message)))])
      }
      print(output.rendered())
      fflush(nil)
    }
  }
}
