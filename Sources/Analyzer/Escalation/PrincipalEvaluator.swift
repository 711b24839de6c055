import Foundation
import PolicyEngine

/// One principal's policies, compiled once, and the questions the escalation graph asks of them.
///
/// Every answer comes from `CompiledPolicySet.decide` with the principal's identity policies,
/// its permissions boundary and the SCPs; the request carries only the keys that follow from
/// the caller (`aws:PrincipalArn`...) plus those the method itself sets (`iam:PassedToService`),
/// so conditions on anything else see the key absent, as AWS would for a plain API call.
struct PrincipalEvaluator: Sendable {
  var id: String
  var kind: EscalationNode.Kind
  var account: String
  var identity: [Policy]
  var boundary: Policy?
  let identitySlot: PolicySlot
  let boundarySlot: PolicySlot?
  let scpLevels: [PolicySlot]
  let set: CompiledPolicySet
  let principal: RequestPrincipal
  /// A request with the caller's keys derived once; questions change only action, resource
  /// and the method's own keys.
  let base: AuthorizationRequest
  /// The consulted actions that some Allow statement of the identity policies could match.
  /// A cheap over-approximation that only saves asking the engine; it never decides.
  let possible: Set<String>

  init(
    id: String, kind: EscalationNode.Kind, account: String, callerARN: String, identity: [Policy],
    boundary: Policy?, scpLevels: [PolicySlot]
  ) {
    self.id = id
    self.kind = kind
    self.account = account
    self.identity = identity
    self.boundary = boundary
    identitySlot = PolicySlot(kind: .identity, policies: identity)
    boundarySlot = boundary.map { PolicySlot(kind: .permissionsBoundary, policies: [$0]) }
    self.scpLevels = scpLevels
    set = CompiledPolicySet(identity: identitySlot, permissionsBoundary: boundarySlot, serviceControlLevels: scpLevels)
    principal = RequestPrincipal(callerARN)
    base = AuthorizationRequest(principal: principal, action: "", resource: "*")
    possible = Self.possibleActions(identity)
  }

  /// Which consulted actions an Allow statement could match (`NotAction` could match anything).
  static func possibleActions(_ policies: [Policy]) -> Set<String> {
    var patterns: [WildcardPattern] = []
    var anything = false
    for policy in policies {
      for s in policy.document.statements where s.effect == .allow {
        if s.action.isNegated {
          anything = true
        } else {
          patterns += s.action.values.map { WildcardPattern($0, ignoresCase: true) }
        }
      }
    }
    if anything { return Set(EscalationMethod.consultedActions) }
    return Set(EscalationMethod.consultedActions.filter { a in patterns.contains { $0.matches(a) } })
  }

  /// The request for `action` on `resource` with extra context keys.
  func request(_ action: String, _ resource: String, _ context: [String: String] = [:]) -> AuthorizationRequest {
    var request = base
    request.action = action
    request.resource = resource
    for (key, value) in context { request.context[key] = .single(value) }
    return request
  }

  /// The engine's decision, with `resourcePolicy` (a role's trust policy) when given.
  func decide(
    _ action: String, _ resource: String, _ context: [String: String] = [:], resourcePolicy: PolicySlot? = nil
  ) -> Decision {
    let set = resourcePolicy.map {
      CompiledPolicySet(
        identity: identitySlot, resource: $0, permissionsBoundary: boundarySlot, serviceControlLevels: scpLevels)
    } ?? self.set
    return set.decide(request(action, resource, context))
  }

  /// The permission behind `action` on `resource` when the engine allows it, else `nil`.
  func permission(
    _ action: String, _ resource: String, _ context: [String: String] = [:], resourcePolicy: PolicySlot? = nil
  ) -> EscalationPermission? {
    let decision = decide(action, resource, context, resourcePolicy: resourcePolicy)
    guard decision.isAllowed else { return nil }
    return EscalationPermission(decision, action: action, resource: resource)
  }

  /// Whether these policies make the principal an administrator.
  var isAdministrator: Bool { Self.isAdministrator(set, principal: principal) }

  /// Whether the principal would be an administrator with `identity` and `boundary` instead.
  func wouldBeAdministrator(identity: [Policy], boundary: Policy?) -> Bool {
    let set = CompiledPolicySet(
      identity: PolicySlot(kind: .identity, policies: identity),
      permissionsBoundary: boundary.map { PolicySlot(kind: .permissionsBoundary, policies: [$0]) },
      serviceControlLevels: scpLevels)
    return Self.isAdministrator(set, principal: principal)
  }

  static func isAdministrator(_ set: CompiledPolicySet, principal: RequestPrincipal) -> Bool {
    var request = AuthorizationRequest(principal: principal, action: "", resource: "*")
    return EscalationGraph.administratorProbe.allSatisfy { action in
      request.action = action
      return set.decide(request).isAllowed
    }
  }

  /// A policy that allows everything: what an attacker writes when it can write a policy.
  static let attackerPolicy: Policy = {
    let json = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    return try! Policy(json: json, kind: .managed, name: "(attacker's policy)")
  }()

  /// The AWS managed policy an attacker attaches.
  static let administratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"
}

extension EscalationPermission {
  /// The permission the engine's decision granted.
  init(_ decision: Decision, action: String, resource: String) {
    let s = decision.statement
    self.init(
      action: action, resource: resource, policy: s.map(\.policyName), statement: s.map(\.statementIndex),
      sid: s?.sid, slot: s.map(\.slot.rawValue))
  }
}
