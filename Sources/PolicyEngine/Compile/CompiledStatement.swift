/// Where a statement came from, for explanations: which policy of the slot, which statement.
public struct StatementOrigin: Sendable, Equatable, Hashable {
  /// Index of the policy within its slot (e.g. the third identity policy).
  public var policyIndex: Int
  /// Index of the statement within its policy.
  public var statementIndex: Int
}

/// A resource pattern: a plain glob, or a template with policy variables.
enum ResourceMatcher: Sendable {
  case pattern(WildcardPattern)
  case template(PolicyTemplate)

  /// Resources are case-sensitive. A `*` may cross colons, which is what AWS documents for a
  /// `*` that ends an ARN segment and is the simplest reading for the rest.
  func matches(_ resource: String, context: RequestContext) -> Tri {
    switch self {
    case .pattern(let p): return .from(p.matches(resource))
    case .template(let t):
      guard let p = t.resolvedPattern(in: context, ignoresCase: false, arnSegments: true) else { return .no }
      return .from(p.matches(resource))
    }
  }
}

/// A statement compiled for evaluation: patterns parsed, keys lowercased, values typed.
struct CompiledStatement: Sendable {
  let effect: Effect
  /// The action patterns (full `service:action`, case-insensitive).
  let actions: [WildcardPattern]
  /// The action patterns as written, lowercased (the index files them by these).
  let actionTexts: [String]
  let actionsNegated: Bool
  /// `nil` when the statement has no resource element (trust and some resource policies):
  /// it then applies to the resource the policy is attached to.
  let resources: [ResourceMatcher]?
  let resourcesNegated: Bool
  let principal: PrincipalMatcher?
  let conditions: [CompiledCondition]
  let sid: String?
  /// Where the statement came from; the slot sets the policy index.
  var origin: StatementOrigin

  init(_ statement: Statement, version: PolicyVersion, policyIndex: Int) {
    effect = statement.effect
    actions = statement.action.values.map { WildcardPattern($0, ignoresCase: true) }
    actionTexts = statement.action.values.map { $0.lowercased() }
    actionsNegated = statement.action.isNegated
    let variables = version.supportsVariables
    resources = statement.resource.map { element in
      element.values.map { value in
        if variables, let template = PolicyTemplate(value, literalColons: 5) { return .template(template) }
        return .pattern(WildcardPattern(value, arnSegments: true))
      }
    }
    resourcesNegated = statement.resource?.isNegated ?? false
    principal = statement.principal.map(PrincipalMatcher.init)
    conditions = statement.conditions.map { CompiledCondition($0, variablesEnabled: variables) }
    sid = statement.sid
    origin = StatementOrigin(policyIndex: policyIndex, statementIndex: statement.index)
  }

  /// Whether the action element covers `action` (used where the index cannot decide alone).
  func matchesAction(_ action: String) -> Bool {
    let any = actions.contains { $0.matches(action) }
    return actionsNegated ? !any : any
  }

  /// Whether the resource element covers the request's resource.
  func matchesResource(_ resource: String, context: RequestContext) -> Tri {
    guard let resources else { return .yes }
    // An entry whose variable cannot be resolved matches no resource (so under NotResource the
    // statement covers every other resource).
    let any = resources.contains { $0.matches(resource, context: context) == .yes }
    return .from(any != resourcesNegated)
  }

  /// Evaluates the conditions: all must hold.
  func evaluateConditions(in context: RequestContext, missing: inout [String]?) -> Tri {
    var result = Tri.yes
    for condition in conditions {
      switch condition.evaluate(in: context, missing: &missing) {
      case .yes: continue
      case .no: return .no
      case .error: result = .error
      }
    }
    return result
  }

  /// Whether the statement applies to the request once its action matched.
  /// - Returns: the principal match (`.direct` where no principal element exists), or `nil`.
  func applies(to request: AuthorizationRequest, hasBoundary: Bool, missing: inout [String]?) -> PrincipalMatch? {
    var principalMatch = PrincipalMatch.direct
    if let principal {
      guard let m = principal.match(request.principal, denyingWithBoundary: effect == .deny && hasBoundary) else {
        return nil
      }
      principalMatch = m
    }
    guard matchesResource(request.resource, context: request.context) == .yes else { return nil }
    if conditions.isEmpty { return principalMatch }
    switch evaluateConditions(in: request.context, missing: &missing) {
    case .yes: return principalMatch
    case .no: return nil
    case .error:
      // Fail closed: a condition we cannot evaluate never grants, and always denies.
      return effect == .deny ? principalMatch : nil
    }
  }
}
