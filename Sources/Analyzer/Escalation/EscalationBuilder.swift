import Foundation
import PolicyEngine

/// Builds one account's escalation graph from an analysis context (whose policies are parsed
/// once): a node per user, role and group, the account's administrator node, and every edge
/// the engine allows.
struct EscalationBuilder {
  let context: AccountContext
  /// Users, roles and groups by ARN.
  let users: [String: IAMUser]
  let roles: [String: IAMRole]
  let groups: [String: IAMGroup]

  init(context: AccountContext) {
    self.context = context
    users = Dictionary(context.account.users.map { ($0.arn, $0) }, uniquingKeysWith: { a, _ in a })
    roles = Dictionary(context.account.roles.map { ($0.arn, $0) }, uniquingKeysWith: { a, _ in a })
    groups = Dictionary(context.account.groups.map { ($0.arn, $0) }, uniquingKeysWith: { a, _ in a })
  }
  var account: String { context.account.id }
  var administratorID: String { EscalationNode.administratorID(account: account) }

  /// The roles, with lookups from the AWS principals their trust policies name.
  struct RoleIndex {
    var targets: [RoleTarget]
    /// Roles by the principal ARNs their trust policies name.
    var naming: [String: [Int]] = [:]
    /// Roles whose trust policy admits `*`.
    var everyone: [Int] = []
    /// Roles whose trust policy names this account.
    var account: [Int] = []

    init(_ targets: [RoleTarget]) {
      self.targets = targets
      for (i, t) in targets.enumerated() {
        for name in t.named { naming[name, default: []].append(i) }
        if t.trustsEveryone { everyone.append(i) }
        if t.trustsAccount { account.append(i) }
      }
    }
  }

  /// A role as the graph needs it: its trust policy compiled as a resource policy.
  struct RoleTarget {
    var role: IAMRole
    var trust: PolicySlot?
    /// Whether an AWS principal is `*` (or the element is negated): anyone may be admitted.
    var trustsEveryone: Bool
    /// Whether it names this account (its root ARN or id): the identity policy decides too.
    var trustsAccount: Bool
    /// The principal ARNs it names (AWS allows no wildcards there besides `*`).
    var named: Set<String>
  }

  func build() -> EscalationGraph {
    let scpLevels = context.serviceControlPolicies.isEmpty
      ? [] : [PolicySlot(kind: .serviceControl, policies: context.serviceControlPolicies)]
    var evaluators: [PrincipalEvaluator] = []
    for p in context.effectivePrincipals() {
      evaluators.append(PrincipalEvaluator(
        id: p.arn, kind: p.type == "user" ? .user : .role, account: account, callerARN: p.callerARN,
        identity: p.policies, boundary: p.boundary, scpLevels: scpLevels))
    }
    // A group acts through a member; its node carries the group's own policies only.
    for g in context.account.groups.sorted(by: { $0.arn < $1.arn }) {
      let policies = g.inlinePolicies.compactMap { context.inline[AccountContext.inlineKey(g.arn, $0.name)]?.policy }
        + g.attachedPolicies.compactMap { context.managed[$0]?.policy }
      evaluators.append(PrincipalEvaluator(
        id: g.arn, kind: .group, account: account, callerARN: g.arn, identity: policies, boundary: nil,
        scpLevels: scpLevels))
    }

    var graph = EscalationGraph()
    graph.nodes.append(EscalationNode(
      id: administratorID, kind: .administrator, name: "administrator", account: account, isAdministrator: true))
    graph.evaluators[administratorID] = PrincipalEvaluator(
      id: administratorID, kind: .administrator, account: account,
      callerARN: "arn:aws:iam::\(account):user/administrator", identity: [PrincipalEvaluator.attackerPolicy],
      boundary: nil, scpLevels: scpLevels)
    let targets = roleTargets()
    let serviceRoles = rolesTrustingServices(targets)
    let roleIndex = RoleIndex(targets)
    for e in evaluators {
      let admin = !e.identity.isEmpty && e.isAdministrator
      graph.nodes.append(EscalationNode(
        id: e.id, kind: e.kind, name: String(e.id.split(separator: "/").last ?? ""), account: account,
        isAdministrator: admin))
      graph.evaluators[e.id] = e
      if admin {
        let d = e.decide(EscalationGraph.administratorProbe[0], "*")
        graph.edges.append(EscalationEdge(
          from: e.id, to: administratorID, method: .administrator,
          permissions: [EscalationPermission(d, action: "*", resource: "*")]))
        continue
      }
      guard !e.identity.isEmpty else { continue }
      graph.edges += selfEscalation(e)
      graph.edges += userTakeover(e)
      graph.edges += roleAssumption(e, roles: roleIndex)
      graph.edges += computeServices(e, serviceRoles: serviceRoles)
      graph.edges += groupMembership(e)
    }
    // A node for each service whose existing compute someone can change, with its roles.
    let changed = Set(graph.edges.map(\.to).filter { $0.hasPrefix("service:") })
    for recipe in EscalationMethod.serviceRecipes where !recipe.passesRole {
      let id = EscalationNode.serviceID(account: account, service: recipe.servicePrincipal)
      guard changed.contains(id), graph.nodes.allSatisfy({ $0.id != id }) else { continue }
      graph.nodes.append(EscalationNode(
        id: id, kind: .service, name: recipe.servicePrincipal, account: account, isAdministrator: false))
      for role in serviceRoles[recipe.servicePrincipal] ?? [] {
        graph.edges.append(EscalationEdge(
          from: id, to: role, method: .runsAs, permissions: [],
          assumption: "existing compute of \(recipe.servicePrincipal) runs with `\(role.split(separator: "/").last ?? "")` (the export lists no functions or endpoints)"))
      }
    }
    graph.trustSlots = Dictionary(uniqueKeysWithValues: targets.compactMap { r in r.trust.map { (r.role.arn, $0) } })
    graph.reindex()
    return graph
  }

  // MARK: - Changing one's own permissions

  /// Writing or attaching a policy to oneself or one's groups, rewriting an attached managed
  /// policy, or lifting one's boundary: edges to the administrator when the principal would
  /// then be one (its boundary and the SCPs still apply).
  func selfEscalation(_ e: PrincipalEvaluator) -> [EscalationEdge] {
    var out: [EscalationEdge] = []
    let withAttacker = e.identity + [PrincipalEvaluator.attackerPolicy]
    let attach = ["iam:PolicyARN": PrincipalEvaluator.administratorAccessARN]
    func edge(_ method: EscalationMethod, _ permissions: [EscalationPermission], assumption: String? = nil) {
      out.append(EscalationEdge(from: e.id, to: administratorID, method: method, permissions: permissions, assumption: assumption))
    }
    func tryGrant(_ method: EscalationMethod, _ action: String, _ resource: String, _ ctx: [String: String] = [:]) {
      guard e.possible.contains(action), let p = e.permission(action, resource, ctx) else { return }
      if e.wouldBeAdministrator(identity: withAttacker, boundary: e.boundary) { edge(method, [p]) }
    }
    let user = users[e.id]
    switch e.kind {
    case .user:
      tryGrant(.putUserPolicy, "iam:PutUserPolicy", e.id)
      tryGrant(.attachUserPolicy, "iam:AttachUserPolicy", e.id, attach)
      for g in (user?.groups ?? []).compactMap({ context.groups[$0] }) {
        tryGrant(.putGroupPolicy, "iam:PutGroupPolicy", g.arn)
        tryGrant(.attachGroupPolicy, "iam:AttachGroupPolicy", g.arn, attach)
      }
    case .role:
      tryGrant(.putRolePolicy, "iam:PutRolePolicy", e.id)
      tryGrant(.attachRolePolicy, "iam:AttachRolePolicy", e.id, attach)
    case .group:
      tryGrant(.putGroupPolicy, "iam:PutGroupPolicy", e.id)
      tryGrant(.attachGroupPolicy, "iam:AttachGroupPolicy", e.id, attach)
    case .administrator, .service:
      break
    }
    // Customer managed policies the principal has (itself or through its groups).
    var attached: [String] = []
    switch e.kind {
    case .user:
      attached = (user?.attachedPolicies ?? []) + (user?.groups ?? []).compactMap { context.groups[$0] }.flatMap(\.attachedPolicies)
    case .role: attached = roles[e.id]?.attachedPolicies ?? []
    case .group: attached = groups[e.id]?.attachedPolicies ?? []
    case .administrator, .service: break
    }
    let versions = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"].filter(e.possible.contains)
    for arn in Set(attached).sorted() where !versions.isEmpty && !arn.contains(":iam::aws:policy/") {
      let create = versions.contains("iam:CreatePolicyVersion") ? e.permission("iam:CreatePolicyVersion", arn) : nil
      let setDefault = versions.contains("iam:SetDefaultPolicyVersion") ? e.permission("iam:SetDefaultPolicyVersion", arn) : nil
      guard create != nil || setDefault != nil else { continue }
      let replaced = e.identity.filter { $0.name != arn } + [PrincipalEvaluator.attackerPolicy]
      guard e.wouldBeAdministrator(identity: replaced, boundary: e.boundary) else { continue }
      if let create { edge(.createPolicyVersion, [create]) }
      if let setDefault {
        edge(.setDefaultPolicyVersion, [setDefault],
             assumption: "a non-default version of `\(arn)` grants more (the export holds only the default version)")
      }
    }
    // Lifting the boundary helps when the identity policies alone make an administrator, or
    // let the principal write itself one.
    if let _ = e.boundary, e.kind == .user || e.kind == .role {
      let noun = e.kind == .user ? "User" : "Role"
      var follow: [EscalationPermission]? = nil
      if e.wouldBeAdministrator(identity: e.identity, boundary: nil) {
        follow = []
      } else {
        let unbounded = PrincipalEvaluator(
          id: e.id, kind: e.kind, account: e.account, callerARN: e.principal.arn, identity: e.identity, boundary: nil,
          scpLevels: e.scpLevels)
        if let p = unbounded.permission("iam:Put\(noun)Policy", e.id) ?? unbounded.permission("iam:Attach\(noun)Policy", e.id, attach),
          unbounded.wouldBeAdministrator(identity: withAttacker, boundary: nil)
        {
          follow = [p]
        }
      }
      if let follow {
        if e.possible.contains("iam:Delete\(noun)PermissionsBoundary"),
          let p = e.permission("iam:Delete\(noun)PermissionsBoundary", e.id)
        {
          edge(.deletePermissionsBoundary, [p] + follow)
        }
        if e.possible.contains("iam:Put\(noun)PermissionsBoundary"),
          let p = e.permission(
            "iam:Put\(noun)PermissionsBoundary", e.id, ["iam:PermissionsBoundary": PrincipalEvaluator.administratorAccessARN])
        {
          edge(.putPermissionsBoundary, [p] + follow)
        }
      }
    }
    return out
  }

  // MARK: - Taking over users

  /// New access keys or a console password for another user.
  func userTakeover(_ e: PrincipalEvaluator) -> [EscalationEdge] {
    var out: [EscalationEdge] = []
    let canKey = e.possible.contains("iam:CreateAccessKey")
    let canCreateLogin = e.possible.contains("iam:CreateLoginProfile")
    let canUpdateLogin = e.possible.contains("iam:UpdateLoginProfile")
    guard canKey || canCreateLogin || canUpdateLogin else { return [] }
    for u in context.account.users.sorted(by: { $0.arn < $1.arn }) where u.arn != e.id {
      func edge(_ method: EscalationMethod, _ p: EscalationPermission) {
        out.append(EscalationEdge(from: e.id, to: u.arn, method: method, permissions: [p]))
      }
      // AWS allows two access keys per user; a user known to have two cannot get a third.
      if canKey, (u.accessKeys?.count ?? 0) < 2, let p = e.permission("iam:CreateAccessKey", u.arn) {
        edge(.createAccessKey, p)
      }
      if canCreateLogin, u.hasPassword != true, let p = e.permission("iam:CreateLoginProfile", u.arn) {
        edge(.createLoginProfile, p)
      }
      if canUpdateLogin, u.hasPassword != false, let p = e.permission("iam:UpdateLoginProfile", u.arn) {
        edge(.updateLoginProfile, p)
      }
    }
    return out
  }

  // MARK: - Becoming a role

  func roleTargets() -> [RoleTarget] {
    context.account.roles.sorted(by: { $0.arn < $1.arn }).filter { !$0.isServiceLinked }.map { role in
      let policy = context.trust[role.arn]?.policy
      let values = policy?.document.statements.filter { $0.effect == .allow }.flatMap { s -> [String] in
        guard let principal = s.principal else { return [] }
        if principal.isEveryone || principal.isNegated { return ["*"] }
        return principal.entries.filter { $0.type == .aws }.flatMap(\.values)
      } ?? []
      let rootARN = "arn:aws:iam::\(account):root"
      return RoleTarget(
        role: role, trust: policy.map { PolicySlot(kind: .resource, policies: [$0]) },
        trustsEveryone: values.contains("*"),
        trustsAccount: values.contains(rootARN) || values.contains(account), named: Set(values))
    }
  }

  /// `sts:AssumeRole` (trust policy and identity policy decided together by the engine), and
  /// rewriting a role's trust policy to name oneself, then assuming it.
  func roleAssumption(_ e: PrincipalEvaluator, roles: RoleIndex) -> [EscalationEdge] {
    var out: [EscalationEdge] = []
    let identityMayAssume = e.possible.contains("sts:AssumeRole")
    // The ARN a trust policy names to admit this principal: the user, or the role itself.
    let selfARN = e.id
    // Prefilter, never a decision: a trust policy admits this principal only if one of its
    // AWS principals is `*` or names it (alone enough in the same account), or names its
    // account (then the identity policies must allow sts:AssumeRole too).
    var candidates = Set(roles.everyone + roles.naming[selfARN, default: []] + roles.naming[e.principal.arn, default: []])
    if identityMayAssume { candidates.formUnion(roles.account) }
    var assumed: Set<Int> = []
    for i in candidates.sorted() where roles.targets[i].role.arn != e.id {
      let r = roles.targets[i]
      guard let trust = r.trust else { continue }
      let d = e.decide("sts:AssumeRole", r.role.arn, resourcePolicy: trust)
      guard d.isAllowed else { continue }
      assumed.insert(i)
      out.append(EscalationEdge(
        from: e.id, to: r.role.arn, method: .assumeRole,
        permissions: [EscalationPermission(d, action: "sts:AssumeRole", resource: r.role.arn)]))
    }
    guard e.possible.contains("iam:UpdateAssumeRolePolicy") else { return out }
    // Rewriting the trust policy to name oneself, then assuming the role.
    let json = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(selfARN)"},"Action":"sts:AssumeRole"}]}"#
    guard let policy = try? Policy(json: json, kind: .trust, name: "(rewritten trust policy)") else { return out }
    let rewritten = PolicySlot(kind: .resource, policies: [policy])
    for (i, r) in roles.targets.enumerated() where r.role.arn != e.id && !assumed.contains(i) {
      guard let rewrite = e.permission("iam:UpdateAssumeRolePolicy", r.role.arn) else { continue }
      let d = e.decide("sts:AssumeRole", r.role.arn, resourcePolicy: rewritten)
      guard d.isAllowed else { continue }
      out.append(EscalationEdge(
        from: e.id, to: r.role.arn, method: .updateAssumeRolePolicy,
        permissions: [rewrite, EscalationPermission(d, action: "sts:AssumeRole", resource: r.role.arn)]))
    }
    return out
  }

  // MARK: - Passing roles to compute services

  /// For each service principal of the recipes, the roles whose trust policy lets the service
  /// assume them (decided by the engine with the service as the caller).
  func rolesTrustingServices(_ roles: [RoleTarget]) -> [String: [String]] {
    var out: [String: [String]] = [:]
    let services = Set(EscalationMethod.serviceRecipes.map(\.servicePrincipal))
    let empty = PolicySlot(kind: .identity, policies: [])
    for r in roles {
      guard let trust = r.trust else { continue }
      let set = CompiledPolicySet(identity: empty, resource: trust)
      for service in services {
        let request = AuthorizationRequest(principal: RequestPrincipal(service), action: "sts:AssumeRole", resource: r.role.arn)
        if set.decide(request).isAllowed { out[service, default: []].append(r.role.arn) }
      }
    }
    return out
  }

  /// Creating (or updating) compute that runs with a role: EC2, Lambda, Glue, CloudFormation,
  /// Data Pipeline, SageMaker, CodeBuild, ECS.
  func computeServices(_ e: PrincipalEvaluator, serviceRoles: [String: [String]]) -> [EscalationEdge] {
    var out: [EscalationEdge] = []
    for recipe in EscalationMethod.serviceRecipes {
      let targets = serviceRoles[recipe.servicePrincipal] ?? []
      guard !targets.isEmpty else { continue }
      if recipe.passesRole && !e.possible.contains("iam:PassRole") { continue }
      guard recipe.actions.allSatisfy({ e.possible.contains($0.action) }) else { continue }
      var granted: [EscalationPermission] = []
      for (action, resource) in recipe.actions {
        guard let p = e.permission(action, resource.replacingOccurrences(of: "ACCOUNT", with: account)) else { break }
        granted.append(p)
      }
      guard granted.count == recipe.actions.count else { continue }
      guard recipe.passesRole else {
        // Changing existing compute: one edge to the service's node, which leads to its roles.
        out.append(EscalationEdge(
          from: e.id, to: EscalationNode.serviceID(account: account, service: recipe.servicePrincipal),
          method: recipe.method, permissions: granted))
        continue
      }
      for role in targets where role != e.id {
        guard let p = e.permission("iam:PassRole", role, ["iam:PassedToService": recipe.servicePrincipal]) else { continue }
        out.append(EscalationEdge(from: e.id, to: role, method: recipe.method, permissions: [p] + granted))
      }
    }
    return out
  }

  // MARK: - Joining groups

  /// A user adding itself to a group: an edge to the group, or straight to the administrator
  /// when the user's policies with the group's make one (its boundary still applies).
  func groupMembership(_ e: PrincipalEvaluator) -> [EscalationEdge] {
    guard e.kind == .user, e.possible.contains("iam:AddUserToGroup") else { return [] }
    let user = users[e.id]
    var out: [EscalationEdge] = []
    for g in context.account.groups.sorted(by: { $0.arn < $1.arn }) where !(user?.groups ?? []).contains(g.name) {
      guard let p = e.permission("iam:AddUserToGroup", g.arn) else { continue }
      let groupPolicies = g.inlinePolicies.compactMap { context.inline[AccountContext.inlineKey(g.arn, $0.name)]?.policy }
        + g.attachedPolicies.compactMap { context.managed[$0]?.policy }
      let groupAlone = PrincipalEvaluator(
        id: g.arn, kind: .group, account: account, callerARN: g.arn, identity: groupPolicies, boundary: nil,
        scpLevels: e.scpLevels)
      let combinedAdmin = e.wouldBeAdministrator(identity: e.identity + groupPolicies, boundary: e.boundary)
      if e.boundary == nil {
        out.append(EscalationEdge(from: e.id, to: g.arn, method: .addUserToGroup, permissions: [p]))
        if combinedAdmin && !(groupAlone.isAdministrator) {
          out.append(EscalationEdge(from: e.id, to: administratorID, method: .addUserToGroup, permissions: [p]))
        }
      } else if combinedAdmin {
        // The boundary still limits the user after joining, so only a whole-result check counts.
        out.append(EscalationEdge(from: e.id, to: administratorID, method: .addUserToGroup, permissions: [p]))
      }
    }
    return out
  }
}
