extension CompiledPolicySet {
  /// The evaluation itself, shared by `decide` (no trace: stops at the first deciding
  /// statement) and `explain` (trace: visits every statement and records what matched).
  func evaluate(_ request: AuthorizationRequest, trace: inout EvaluationTrace?) -> Decision {
    var action = request.action
    return action.withUTF8 { actionBytes in
      evaluate(request, actionBytes: actionBytes, trace: &trace)
    }
  }

  private func evaluate(
    _ request: AuthorizationRequest, actionBytes: UnsafeBufferPointer<UInt8>, trace: inout EvaluationTrace?
  ) -> Decision {
    let principal = request.principal
    let organizationApplies = !principal.isService && principal.kind != .anonymous

    // 1. An explicit Deny in any applicable policy decides.
    var firstDeny: Decision?
    func checkDeny(_ slot: PolicySlot?, level: Int? = nil) -> Bool {
      guard let slot, let hit = firstMatch(in: slot, effect: .deny, request, actionBytes, trace: &trace) else {
        return false
      }
      if firstDeny == nil {
        firstDeny = Decision(
          outcome: .explicitDeny, reason: .explicitDeny(slot.kind), level: level, levelLabel: slot.label,
          statement: slot.describe(hit.position, match: slot.kind == .resource ? hit.match : nil))
      }
      return trace == nil
    }
    if checkDeny(identity) { return firstDeny! }
    if checkDeny(permissionsBoundary) { return firstDeny! }
    if checkDeny(session) { return firstDeny! }
    if checkDeny(resource) { return firstDeny! }
    if organizationApplies {
      for (level, slot) in serviceControlLevels.enumerated() where checkDeny(slot, level: level) { return firstDeny! }
      for (level, slot) in resourceControlLevels.enumerated() where checkDeny(slot, level: level) { return firstDeny! }
    }

    // Allow statements of every slot are looked up once; in trace mode all of them are
    // recorded even after the outcome is known.
    func allow(_ slot: PolicySlot?) -> (position: Int, match: PrincipalMatch)? {
      guard let slot else { return nil }
      return firstMatch(in: slot, effect: .allow, request, actionBytes, trace: &trace)
    }
    let boundaryAllow = permissionsBoundary == nil ? nil : allow(permissionsBoundary)
    let sessionAllow = session == nil ? nil : allow(session)
    let identityAllow = allow(identity)
    let resourceAllow = allow(resource)
    var rcpGap: (Int, PolicySlot)?
    var scpGap: (Int, PolicySlot)?
    if organizationApplies {
      for (level, slot) in resourceControlLevels.enumerated() where allow(slot) == nil && rcpGap == nil {
        rcpGap = (level, slot)
        if trace == nil { break }
      }
      if rcpGap == nil || trace != nil {
        for (level, slot) in serviceControlLevels.enumerated() where allow(slot) == nil && scpGap == nil {
          scpGap = (level, slot)
          if trace == nil { break }
        }
      }
    }
    if let firstDeny { return firstDeny }

    // 2. Organization guardrails: every level must allow.
    if let (level, slot) = rcpGap {
      return Decision(outcome: .implicitDeny, reason: .noAllow(.resourceControl), level: level, levelLabel: slot.label)
    }
    if let (level, slot) = scpGap {
      return Decision(outcome: .implicitDeny, reason: .noAllow(.serviceControl), level: level, levelLabel: slot.label)
    }

    let resourceGrant = resourceAllow.map { (resource!.describe($0.position, match: $0.match), $0.match) }

    // 3. Services and anonymous callers have no identity policies: only a resource-based
    // policy can grant them anything.
    if !organizationApplies {
      if let (statement, _) = resourceGrant {
        return Decision(outcome: .allow, reason: .allowedByResourcePolicy, statement: statement)
      }
      return Decision(outcome: .implicitDeny, reason: .noAllow(.resource))
    }

    // 4. The identity side: identity policies within the boundary and session policies. The
    // account root user has every permission in its own account and takes no boundary.
    let identitySide: Decision
    if principal.kind == .root {
      identitySide = Decision(outcome: .allow, reason: .rootUser)
    } else if case .federatedUser = principal.kind, session == nil {
      // A federated user session has exactly the permissions its session policy passes, so
      // without one it has none.
      identitySide = Decision(outcome: .implicitDeny, reason: .noAllow(.session))
    } else if let hit = identityAllow {
      if permissionsBoundary != nil && boundaryAllow == nil {
        identitySide = Decision(outcome: .implicitDeny, reason: .noAllow(.permissionsBoundary))
      } else if session != nil && sessionAllow == nil {
        identitySide = Decision(outcome: .implicitDeny, reason: .noAllow(.session))
      } else {
        identitySide = Decision(
          outcome: .allow, reason: .allowedByIdentityPolicy, statement: identity.describe(hit.position))
      }
    } else {
      identitySide = Decision(outcome: .implicitDeny, reason: .noAllow(.identity))
    }

    // A federated user session without a session policy has no permissions of its own, but a
    // resource-based policy that names the session itself still grants.
    if case .federatedUser = principal.kind, session == nil, let grant = resourceGrant, grant.1 == .direct {
      return Decision(outcome: .allow, reason: .allowedByResourcePolicy, statement: grant.0)
    }

    if request.isSameAccount {
      // 5. Same account: a resource-based grant naming the caller stands alone; one naming
      // the session's role is still limited by the boundary and session policy; one naming
      // the account only delegates to identity policies.
      if let (statement, match) = resourceGrant {
        switch match {
        case .direct:
          return Decision(outcome: .allow, reason: .allowedByResourcePolicy, statement: statement)
        case .role:
          if permissionsBoundary != nil && boundaryAllow == nil {
            return Decision(outcome: .implicitDeny, reason: .noAllow(.permissionsBoundary))
          }
          if session != nil && sessionAllow == nil {
            return Decision(outcome: .implicitDeny, reason: .noAllow(.session))
          }
          return Decision(outcome: .allow, reason: .allowedByResourcePolicy, statement: statement)
        case .account:
          break
        }
      } else if resourcePolicyIsRequired(request) {
        // Role trust policies and KMS key policies must grant access themselves; an identity
        // policy alone is not enough even in the same account.
        return identitySide.isAllowed ? Decision(outcome: .implicitDeny, reason: .noAllow(.resource)) : identitySide
      }
      return identitySide
    }

    // 6. Cross-account: both sides must allow.
    guard identitySide.isAllowed else { return identitySide }
    guard let (statement, _) = resourceGrant else {
      return Decision(outcome: .implicitDeny, reason: .noAllow(.resource))
    }
    return Decision(outcome: .allow, reason: .allowedByResourcePolicy, statement: statement)
  }

  /// Whether the resource-based policy in the set must itself allow the request: a role's trust
  /// policy, and a KMS key policy, as AWS documents for both.
  private func resourcePolicyIsRequired(_ request: AuthorizationRequest) -> Bool {
    guard let resource else { return false }
    if resource.policies.contains(where: { $0.kind == .trust }) { return true }
    return request.resource.hasPrefix("arn:") && ARN(request.resource)?.service == "kms"
  }

  /// The first statement of `effect` in `slot` that applies to the request. For resource
  /// policies' Allow statements the strongest principal match wins, so a grant to the caller
  /// is not hidden by an earlier grant to its account. In trace mode every applying statement
  /// is recorded.
  private func firstMatch(
    in slot: PolicySlot, effect: Effect, _ request: AuthorizationRequest, _ actionBytes: UnsafeBufferPointer<UInt8>,
    trace: inout EvaluationTrace?
  ) -> (position: Int, match: PrincipalMatch)? {
    let index = effect == .allow ? slot.allowIndex : slot.denyIndex
    if index.isEmpty { return nil }
    var best: (position: Int, match: PrincipalMatch)?
    var recorded: Set<Int> = []
    let wantsStrongest = effect == .allow && slot.kind == .resource
    _ = index.forEachCandidate(actionBytes, actionString: request.action, statements: slot.statements) { position in
      var missing: [String]? = trace == nil ? nil : []
      let match = slot.statements[position].applies(
        to: request, hasBoundary: permissionsBoundary != nil, missing: &missing)
      if trace != nil, let missing { trace!.missing += missing }
      guard let match else { return false }
      if trace != nil {
        if recorded.insert(position).inserted {
          trace!.matched.append(slot.describe(position, match: slot.kind == .resource ? match : nil))
        }
      }
      // The first applying statement decides, except that a resource policy's Allow prefers the
      // strongest principal match; `explain` must name the same statement as `decide`.
      if best == nil || (wantsStrongest && match > best!.match) { best = (position, match) }
      if trace != nil { return false }
      return !wantsStrongest || match == .direct
    }
    return best
  }
}
