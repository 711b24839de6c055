import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// One policy taking part in a simulation, named the way the simulation's results name it.
struct SimulatedPolicy: Sendable {
  /// The compiled policy.
  var policy: Policy
  /// The document as written, for statement positions.
  var document: String
  /// `SourcePolicyId`: the policy's name, or `PolicyInputList.N` for a policy passed in.
  var sourceID: String
  /// `SourcePolicyType`.
  var sourceType: String
}

/// What `SimulatePrincipalPolicy` and `SimulateCustomPolicy` evaluate: identity policies, an
/// optional permissions boundary and resource-based policy, the simulated caller and context.
///
/// Every decision is the policy engine's `explain` over the same kinds of slot the server
/// authorizes with (and, for a principal of an account in an organization, the same SCPs and
/// RCPs), so a simulation agrees with what the server does with the same policies and context.
struct PolicySimulation {
  var identity: [SimulatedPolicy] = []
  var boundary: SimulatedPolicy?
  var resourcePolicy: SimulatedPolicy?
  /// The simulated caller.
  var principal: RequestPrincipal
  /// Context keys for every request (the caller's `ContextEntries` over the principal's facts).
  var context: [String: ContextValue] = [:]
  /// Whether the engine adds the keys that follow from the principal (`aws:username`...): not
  /// for a custom simulation without a `CallerArn`, whose caller has no name.
  var derivesPrincipalKeys = true
  /// Keys the caller supplied: organization keys never override them.
  var suppliedKeys: Set<String> = []
  /// The account owning resources whose ARN names none (`ResourceOwner`).
  var resourceOwner: String?
  /// The SCPs and RCPs of a call (for principals in an organization).
  var organization: ((_ action: String, _ resourceAccount: String?) -> OrganizationGuardrails)?

  /// A policy that allows everything, to ask what one kind of policy allows on its own.
  private static let allowAll = try! Policy(
    json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, kind: .managed,
    name: "allow-all")

  /// The `EvaluationResult` for `action` on `resource`.
  func evaluate(action: String, resource: String) -> ModelValue {
    let resourceAccount = account(of: resource)
    var requestContext = RequestContext(context)
    let guardrails = organization?(action, resourceAccount) ?? .none
    for (key, value) in guardrails.context where !suppliedKeys.contains(key.lowercased()) {
      requestContext[key] = value
    }
    let request = AuthorizationRequest(
      principal: principal, action: action, resource: resource, context: requestContext,
      resourceAccount: resourceAccount, derivingPrincipalKeys: derivesPrincipalKeys)
    let identitySlot = PolicySlot(kind: .identity, policies: identity.map(\.policy))
    let boundarySlot = boundary.map { PolicySlot(kind: .permissionsBoundary, policies: [$0.policy]) }
    let resourceSlot = resourcePolicy.map { PolicySlot(kind: .resource, policies: [$0.policy]) }
    let explanation = CompiledPolicySet(
      identity: identitySlot, resource: resourceSlot, permissionsBoundary: boundarySlot,
      serviceControlLevels: guardrails.serviceControlLevels, resourceControlLevels: guardrails.resourceControlLevels
    ).explain(request)

    let decision = Self.decisionName(explanation.decision.outcome)
    let matched = matchedStatements(explanation)
    let missing: ModelValue = .list(explanation.missingContextKeys.map(ModelValue.string))

    // How the boundary and the organization judge the request on their own: each with a policy
    // that allows everything in place of the identity policies.
    var boundaryDetail: ModelValue? = nil
    if let boundarySlot {
      let allowed = CompiledPolicySet(identity: boundarySlot.asIdentity).decide(request).isAllowed
      boundaryDetail = .structure(["AllowedByPermissionsBoundary": .boolean(allowed)])
    }
    var organizationsDetail: ModelValue? = nil
    if !guardrails.serviceControlLevels.isEmpty || !guardrails.resourceControlLevels.isEmpty {
      let allowed = CompiledPolicySet(
        identity: PolicySlot(kind: .identity, policies: [Self.allowAll]),
        serviceControlLevels: guardrails.serviceControlLevels, resourceControlLevels: guardrails.resourceControlLevels
      ).decide(request).isAllowed
      organizationsDetail = .structure(["AllowedByOrganizations": .boolean(allowed)])
    }

    // AWS leaves `EvalDecisionDetails` out for `*`, sends it empty for a resource in the
    // caller's account, and fills it in (per kind of policy) across accounts.
    var details: ModelValue? = nil
    if resource != "*" {
      details = request.isSameAccount ? .map([:]) : .map(sideDecisions(explanation))
    }
    var result: [String: ModelValue?] = [
      "EvalActionName": .string(action), "EvalResourceName": .string(resource), "EvalDecision": .string(decision),
      "MatchedStatements": .list(matched), "MissingContextValues": missing,
      "OrganizationsDecisionDetail": organizationsDetail, "PermissionsBoundaryDecisionDetail": boundaryDetail,
      "EvalDecisionDetails": details,
    ]
    if resource != "*" {
      result["ResourceSpecificResults"] = .list([
        .object([
          "EvalResourceName": .string(resource), "EvalResourceDecision": .string(decision),
          "MatchedStatements": .list(matched), "MissingContextValues": missing, "EvalDecisionDetails": details,
          "PermissionsBoundaryDecisionDetail": boundaryDetail,
        ])
      ])
    }
    return .object(result)
  }

  /// `allowed`, `explicitDeny`, `implicitDeny`.
  static func decisionName(_ outcome: Decision.Outcome) -> String {
    switch outcome {
    case .allow: "allowed"
    case .explicitDeny: "explicitDeny"
    case .implicitDeny: "implicitDeny"
    }
  }

  /// The statements that decided: every matching Deny for an explicit deny, every matching Allow
  /// of the given policies for an allow, none for an implicit deny. Organization policies are
  /// summarised by `OrganizationsDecisionDetail` instead, as AWS does.
  func matchedStatements(_ explanation: Explanation) -> [ModelValue] {
    let effect: Effect
    switch explanation.decision.outcome {
    case .allow: effect = .allow
    case .explicitDeny: effect = .deny
    case .implicitDeny: return []
    }
    return explanation.matchedStatements.compactMap { statement -> ModelValue? in
      guard statement.effect == effect, let source = source(of: statement) else { return nil }
      var members: [String: ModelValue?] = [
        "SourcePolicyId": .string(source.sourceID), "SourcePolicyType": .string(source.sourceType),
      ]
      let statements = source.policy.document.statements
      if statement.statementIndex < statements.count,
        let span = StatementSpan(document: source.document, offset: statements[statement.statementIndex].offset)
      {
        members["StartPosition"] = Self.position(span.start)
        members["EndPosition"] = Self.position(span.end)
      }
      return .object(members)
    }
  }

  /// The policy a matched statement belongs to.
  func source(of statement: MatchedStatement) -> SimulatedPolicy? {
    switch statement.slot {
    case .identity: statement.policyIndex < identity.count ? identity[statement.policyIndex] : nil
    case .permissionsBoundary: boundary
    case .resource: resourcePolicy
    default: nil
    }
  }

  /// Across accounts, each side's own verdict: the identity policies (`IAM Policy`) and the
  /// resource-based policy (`Resource Policy`), both of which must allow.
  func sideDecisions(_ explanation: Explanation) -> [String: ModelValue] {
    func verdict(_ slot: PolicySlotKind) -> ModelValue {
      let statements = explanation.matchedStatements.filter { $0.slot == slot }
      if statements.contains(where: { $0.effect == .deny }) { return .string("explicitDeny") }
      if statements.contains(where: { $0.effect == .allow }) { return .string("allowed") }
      return .string("implicitDeny")
    }
    var details: [String: ModelValue] = ["IAM Policy": verdict(.identity)]
    if resourcePolicy != nil { details["Resource Policy"] = verdict(.resource) }
    return details
  }

  static func position(_ p: StatementSpan.Position) -> ModelValue {
    .structure(["Line": .int(p.line), "Column": .int(p.column)])
  }

  /// The account owning `resource`: the one its ARN names, else `ResourceOwner`, else the
  /// caller's (`nil`).
  func account(of resource: String) -> String? {
    if let arn = ARN(resource), !arn.account.isEmpty { return String(arn.account) }
    return resourceOwner
  }
}

extension PolicySlot {
  /// The slot's policies as identity policies (to ask what they allow on their own).
  var asIdentity: PolicySlot { PolicySlot(kind: .identity, policies: policies) }
}
