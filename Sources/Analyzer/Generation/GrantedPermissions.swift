import Foundation
import PolicyEngine

/// What one user or role may do now, as the policy engine decides it over the service
/// reference's actions: the HTML report's "effective permissions" and the baseline that a
/// generated policy is compared with.
public struct GrantedPermissions: Sendable {
  public var type: String
  public var name: String
  public var arn: String
  public var account: String
  /// The allowed actions (`service:Name`, AWS's spelling), sorted.
  public var actions: [String]
  /// Per service prefix, the number of allowed actions at each access level.
  public var byService: [String: [AccessLevel: Int]]

  /// Services sorted by how much they grant: most mutating actions first.
  public var servicesByWeight: [String] {
    byService.keys.sorted { a, b in
      let wa = byService[a]!.filter { $0.key.isMutating }.values.reduce(0, +)
      let wb = byService[b]!.filter { $0.key.isMutating }.values.reduce(0, +)
      if wa != wb { return wa > wb }
      return a < b
    }
  }

  /// The number of allowed actions at `level` over every service.
  public func count(_ level: AccessLevel) -> Int { byService.values.reduce(0) { $0 + ($1[level] ?? 0) } }
}

extension GrantedPermissions {
  /// The granted permissions of every user and role of `inventory` (or only those whose ARN is
  /// in `only`).
  ///
  /// An action counts as allowed when the engine allows it on `*`, or on one of the resource
  /// patterns the principal's own Allow statements name (so a grant scoped to one bucket still
  /// counts). Conditions see an empty request context, so conditional grants are not counted:
  /// this is the unconditional grant. Candidate actions are the expansions of the principal's
  /// Allow statements, so the work is bounded by what the policies mention; principals with
  /// the same policies share one computation.
  public static func compute(
    _ inventory: Inventory, options: AnalyzerOptions, only: Set<String>? = nil
  ) -> [GrantedPermissions] {
    let scps = inventory.serviceControlPolicies.compactMap { source in
      try? Policy(json: source.document, kind: .serviceControl, name: source.name, enforcingSizeLimit: false)
    }
    var out: [GrantedPermissions] = []
    for account in inventory.accounts.sorted(by: { $0.id < $1.id }) {
      let context = AccountContext(
        account: account, options: options, zoneOfTrust: inventory.accountIDs, trailActivity: inventory.trailActivity,
        serviceControlPolicies: scps)
      var shared: [String: [String]] = [:]
      var inlineTexts: [String: String] = [:]
      for u in account.users {
        let texts = u.inlinePolicies.map(\.document) + u.groups.flatMap { context.groups[$0]?.inlinePolicies.map(\.document) ?? [] }
        inlineTexts[u.arn] = texts.joined(separator: "\u{1}")
      }
      for r in account.roles { inlineTexts[r.arn] = r.inlinePolicies.map(\.document).joined(separator: "\u{1}") }
      for p in context.effectivePrincipals() where only?.contains(p.arn) ?? true {
        // Principals with the same policies share the result, unless a condition or a policy
        // variable could tell them apart (then the principal is part of the key).
        let all = p.policies + [p.boundary].compactMap { $0 }
        let personal = all.contains { policy in
          policy.document.statements.contains { s in
            !s.conditions.isEmpty || (s.resource?.values.contains { $0.contains("${") } ?? false)
          }
        }
        // Managed policies by ARN; inline ones by their text (their names repeat across owners).
        let key = p.type + "|" + p.attached.joined(separator: ",") + "|" + (inlineTexts[p.arn] ?? "") + "|"
          + (p.boundary?.name ?? "") + "|" + (personal ? p.arn : "")
        let actions = shared[key] ?? allowedActions(p, scps: scps, reference: options.reference)
        shared[key] = actions
        var byService: [String: [AccessLevel: Int]] = [:]
        for a in actions {
          let service = String(a.prefix(while: { $0 != ":" }))
          byService[service, default: [:]][options.reference.accessLevel(of: a) ?? .write, default: 0] += 1
        }
        out.append(GrantedPermissions(
          type: p.type, name: p.name, arn: p.arn, account: account.id, actions: actions, byService: byService))
      }
    }
    return out
  }

  static func allowedActions(_ p: EffectivePrincipal, scps: [Policy], reference: ServiceReference) -> [String] {
    guard !p.policies.isEmpty else { return [] }
    var patterns: Set<String> = []
    var resources: Set<String> = ["*"]
    for policy in p.policies {
      for s in policy.document.statements where s.effect == .allow {
        if s.action.isNegated { patterns.insert("*") } else { patterns.formUnion(s.action.values.map { $0.lowercased() }) }
        for r in s.resource?.values ?? [] where resources.count < 24 && r.hasPrefix("arn:") { resources.insert(r) }
      }
    }
    let candidates = patterns.contains("*") ? reference.expand("*") : patterns.sorted().flatMap { reference.expand($0) }
    let set = CompiledPolicySet(PolicySet(
      identity: p.policies, permissionsBoundary: p.boundary, serviceControlPolicies: scps.isEmpty ? [] : [scps]))
    var request = AuthorizationRequest(principal: RequestPrincipal(p.callerARN), action: "", resource: "*")
    let resourceList = resources.sorted()
    var allowed: Set<String> = []
    for action in candidates {
      let name = action.qualifiedName
      guard !allowed.contains(name) else { continue }
      request.action = name
      for r in resourceList {
        request.resource = r
        if set.decide(request).isAllowed {
          allowed.insert(name)
          break
        }
      }
    }
    return allowed.sorted()
  }
}
