/// One request with its policies in the JSON form `portcullis policy eval --json-lines` reads
/// and the conformance suite is written in:
///
/// ```json
/// {"request": {"principal": ARN, "action": "svc:Action", "resource": ARN,
///              "context": {"key": "value" | ["v1", "v2"]}},
///  "policies": {"identity": [doc...], "resource": doc|null, "boundary": doc|null,
///               "scps": [[doc...] per level, root first], "rcps": [[doc...] per level],
///               "session": doc|null},
///  "resourceAccount": "123456789012"}
/// ```
public struct EvaluationInput: Sendable {
  /// The request.
  public var request: AuthorizationRequest
  /// The policies, uncompiled.
  public var policies: PolicySet

  /// Decodes one JSON object (the whole line's value).
  public init(json root: JSONNode) throws(EvaluationInputError) {
    guard let members = root.members else { throw EvaluationInputError("the input must be a JSON object") }
    let top = Self.dictionary(members)
    guard let requestNode = top["request"], let requestMembers = requestNode.members else {
      throw EvaluationInputError("missing `request` object")
    }
    let r = Self.dictionary(requestMembers)
    guard let action = r["action"]?.string, !action.isEmpty else {
      throw EvaluationInputError("`request.action` must be a non-empty string")
    }
    let principalText: String
    switch r["principal"]?.value {
    case .string(let s)?: principalText = s
    case nil, .null?: principalText = ""
    default: throw EvaluationInputError("`request.principal` must be a string")
    }
    let resource: String
    switch r["resource"]?.value {
    case .string(let s)?: resource = s
    case nil, .null?: resource = "*"
    default: throw EvaluationInputError("`request.resource` must be a string")
    }
    var context = RequestContext()
    if let contextNode = r["context"], contextNode.value != .null {
      guard let entries = contextNode.members else { throw EvaluationInputError("`request.context` must be an object") }
      for entry in entries {
        switch entry.node.value {
        case .array(let items):
          var values: [String] = []
          for item in items {
            guard let text = item.scalarText else {
              throw EvaluationInputError("context key `\(entry.key)` must hold strings")
            }
            values.append(text)
          }
          context[entry.key] = .multiple(values)
        default:
          guard let text = entry.node.scalarText else {
            throw EvaluationInputError("context key `\(entry.key)` must hold a string or an array of strings")
          }
          context[entry.key] = .single(text)
        }
      }
    }
    var resourceAccount: String?
    if let node = top["resourceAccount"], node.value != .null {
      guard let text = node.string else { throw EvaluationInputError("`resourceAccount` must be a string") }
      resourceAccount = text
    }
    request = AuthorizationRequest(
      principal: RequestPrincipal(principalText), action: action, resource: resource, context: context,
      resourceAccount: resourceAccount)

    var set = PolicySet()
    if let policiesNode = top["policies"], policiesNode.value != .null {
      guard let pm = policiesNode.members else { throw EvaluationInputError("`policies` must be an object") }
      let p = Self.dictionary(pm)
      set.identity = try Self.policyList(p["identity"], kind: .managed, name: "identity")
      set.resource = try Self.policy(p["resource"], kind: .resource, name: "resource")
      set.permissionsBoundary = try Self.policy(p["boundary"], kind: .permissionsBoundary, name: "boundary")
      if let session = p["session"], case .array = session.value {
        set.session = try Self.policyList(session, kind: .session, name: "session")
      } else if let session = try Self.policy(p["session"], kind: .session, name: "session") {
        set.session = [session]
      }
      set.serviceControlPolicies = try Self.levels(p["scps"], kind: .serviceControl, name: "scps")
      set.resourceControlPolicies = try Self.levels(p["rcps"], kind: .resourceControl, name: "rcps")
    }
    policies = set
  }

  /// Decodes one line of text.
  public init(line: String) throws(EvaluationInputError) {
    let node: JSONNode
    do {
      node = try JSONParser.parse(line)
    } catch {
      throw EvaluationInputError("invalid JSON at byte \(error.offset): \(error.reason)")
    }
    try self.init(json: node)
  }

  static func dictionary(_ members: [JSONMember]) -> [String: JSONNode] {
    var d: [String: JSONNode] = [:]
    for m in members { d[m.key] = m.node }
    return d
  }

  static func policy(_ node: JSONNode?, kind: PolicyKind, name: String) throws(EvaluationInputError) -> Policy? {
    guard let node, node.value != .null else { return nil }
    // A resource policy given for a role (no Resource element, sts actions) is a trust policy.
    var kind = kind
    if kind == .resource, Self.looksLikeTrustPolicy(node) { kind = .trust }
    do {
      return try Policy(node: node, kind: kind, name: name)
    } catch {
      let where_ = error.firstError.map { " (\($0.detail))" } ?? ""
      throw EvaluationInputError("\(name): \(error.message)\(where_)")
    }
  }

  static func policyList(_ node: JSONNode?, kind: PolicyKind, name: String) throws(EvaluationInputError) -> [Policy] {
    guard let node, node.value != .null else { return [] }
    guard case .array(let items) = node.value else { throw EvaluationInputError("`\(name)` must be an array of policies") }
    var out: [Policy] = []
    for (i, item) in items.enumerated() {
      if let p = try policy(item, kind: kind, name: "\(name)[\(i)]") { out.append(p) }
    }
    return out
  }

  static func levels(_ node: JSONNode?, kind: PolicyKind, name: String) throws(EvaluationInputError) -> [[Policy]] {
    guard let node, node.value != .null else { return [] }
    guard case .array(let levels) = node.value else { throw EvaluationInputError("`\(name)` must be an array of levels") }
    var out: [[Policy]] = []
    for (i, level) in levels.enumerated() {
      out.append(try policyList(level, kind: kind, name: "\(name)[\(i)]"))
    }
    return out
  }

  /// Whether a resource-policy document is shaped like a role trust policy: no statement names
  /// a resource and every statement's actions are `sts:` actions.
  public static func looksLikeTrustPolicy(_ node: JSONNode) -> Bool {
    guard let members = node.members, let statements = dictionary(members)["Statement"] else { return false }
    let list: [JSONNode]
    switch statements.value {
    case .array(let items): list = items
    case .object: list = [statements]
    default: return false
    }
    for statement in list {
      guard let sm = statement.members else { return false }
      let s = dictionary(sm)
      if s["Resource"] != nil || s["NotResource"] != nil { return false }
      let actions: [String]
      switch s["Action"]?.value {
      case .string(let a)?: actions = [a]
      case .array(let items)?: actions = items.compactMap(\.string)
      default: return false
      }
      if actions.isEmpty || !actions.allSatisfy({ $0.lowercased().hasPrefix("sts:") }) { return false }
    }
    return true
  }
}

/// Why an evaluation input line could not be used.
public struct EvaluationInputError: Error, Sendable, CustomStringConvertible {
  /// What is wrong.
  public var message: String

  init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}
