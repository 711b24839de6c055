/// The policies that take part in one authorization, by kind, before compilation.
public struct PolicySet: Sendable {
  /// The caller's identity policies (inline, attached, and its groups').
  public var identity: [Policy]
  /// The resource-based policy of the requested resource (or the role's trust policy for
  /// `sts:AssumeRole`).
  public var resource: Policy?
  /// The caller's permissions boundary.
  public var permissionsBoundary: Policy?
  /// Session policies passed when the session was created.
  public var session: [Policy]
  /// The caller's account's SCPs, one array per level from the organization root down to the
  /// account; empty when no organization applies.
  public var serviceControlPolicies: [[Policy]]
  /// The resource account's RCPs, by level, likewise.
  public var resourceControlPolicies: [[Policy]]

  /// Creates a policy set.
  public init(
    identity: [Policy] = [], resource: Policy? = nil, permissionsBoundary: Policy? = nil,
    session: [Policy] = [], serviceControlPolicies: [[Policy]] = [], resourceControlPolicies: [[Policy]] = []
  ) {
    self.identity = identity
    self.resource = resource
    self.permissionsBoundary = permissionsBoundary
    self.session = session
    self.serviceControlPolicies = serviceControlPolicies
    self.resourceControlPolicies = resourceControlPolicies
  }
}

/// A policy set compiled for evaluation: build it once, then `decide` many requests.
///
/// The order of evaluation is AWS's: an explicit Deny in any policy wins; then every RCP level
/// of the resource's account and every SCP level of the caller's account must allow; then a
/// resource-based policy may allow on its own (same account), and otherwise identity policies
/// must allow within the permissions boundary and session policies — cross-account, the
/// resource-based policy must allow as well. Anything else is an implicit deny.
public struct CompiledPolicySet: Sendable {
  public let identity: PolicySlot
  public let resource: PolicySlot?
  public let permissionsBoundary: PolicySlot?
  public let session: PolicySlot?
  public let serviceControlLevels: [PolicySlot]
  public let resourceControlLevels: [PolicySlot]

  /// Compiles `set`.
  public init(_ set: PolicySet) {
    self.init(
      identity: PolicySlot(kind: .identity, policies: set.identity),
      resource: set.resource.map { PolicySlot(kind: .resource, policies: [$0]) },
      permissionsBoundary: set.permissionsBoundary.map { PolicySlot(kind: .permissionsBoundary, policies: [$0]) },
      session: set.session.isEmpty ? nil : PolicySlot(kind: .session, policies: set.session),
      serviceControlLevels: set.serviceControlPolicies.map { PolicySlot(kind: .serviceControl, policies: $0) },
      resourceControlLevels: set.resourceControlPolicies.map { PolicySlot(kind: .resourceControl, policies: $0) })
  }

  /// Assembles already-compiled slots (the server caches them per principal and resource).
  public init(
    identity: PolicySlot, resource: PolicySlot? = nil, permissionsBoundary: PolicySlot? = nil,
    session: PolicySlot? = nil, serviceControlLevels: [PolicySlot] = [], resourceControlLevels: [PolicySlot] = []
  ) {
    self.identity = identity
    self.resource = resource
    self.permissionsBoundary = permissionsBoundary
    self.session = session
    self.serviceControlLevels = serviceControlLevels
    self.resourceControlLevels = resourceControlLevels
  }

  /// Decides `request`. Allocates nothing in the common case.
  public func decide(_ request: AuthorizationRequest) -> Decision {
    var trace: EvaluationTrace? = nil
    return evaluate(request, trace: &trace)
  }

  /// Decides `request` and reports every matching statement and missing context key.
  public func explain(_ request: AuthorizationRequest) -> Explanation {
    var trace: EvaluationTrace? = EvaluationTrace()
    let decision = evaluate(request, trace: &trace)
    var missing: [String] = []
    var seen: Set<String> = []
    for key in trace!.missing where seen.insert(key.lowercased()).inserted { missing.append(key) }
    return Explanation(decision: decision, matchedStatements: trace!.matched, missingContextKeys: missing)
  }
}

/// What `explain` collects along the way.
struct EvaluationTrace {
  var matched: [MatchedStatement] = []
  var missing: [String] = []
}
