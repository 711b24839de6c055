extension Explanation {
  /// The explanation as the JSON object `policy eval --json-lines` prints.
  public func json(action: String) -> JSONValue {
    var members: [JSONMember] = []
    func add(_ key: String, _ value: JSONValue) {
      members.append(JSONMember(key: key, keyOffset: 0, node: JSONNode(value)))
    }
    add("decision", .string(decision.outcome.rawValue))
    add("reason", .string(decision.summary))
    if let aws = decision.awsReason(action: action) { add("awsReason", .string(aws)) }
    switch decision.reason {
    case .explicitDeny(let kind), .noAllow(let kind): add("deniedBy", .string(kind.rawValue))
    default: break
    }
    if let level = decision.level { add("level", .number(String(level))) }
    if let statement = decision.statement { add("decidedBy", statement.json) }
    add("matchedStatements", .array(matchedStatements.map { JSONNode($0.json) }))
    add("missingContextKeys", .array(missingContextKeys.map { JSONNode(.string($0)) }))
    return .object(members)
  }
}

extension MatchedStatement {
  /// The statement as a JSON object.
  public var json: JSONValue {
    var members: [JSONMember] = []
    func add(_ key: String, _ value: JSONValue) {
      members.append(JSONMember(key: key, keyOffset: 0, node: JSONNode(value)))
    }
    add("policyType", .string(slot.rawValue))
    if !policyName.isEmpty { add("policy", .string(policyName)) }
    if let label { add("label", .string(label)) }
    add("policyIndex", .number(String(policyIndex)))
    add("statementIndex", .number(String(statementIndex)))
    if let sid { add("sid", .string(sid)) }
    add("effect", .string(effect.rawValue))
    return .object(members)
  }
}
