import Foundation
import PolicyEngine

/// A user or role with the policies that decide what it can do.
struct EffectivePrincipal {
  var type: String
  var name: String
  var arn: String
  /// The ARN the engine sees as the caller (a role acts through a session).
  var callerARN: String
  var policies: [Policy]
  var boundary: Policy?
  var attached: [String]
}

extension AccountContext {
  /// Sensitive actions that, allowed unconditionally on `*` together with an action of a
  /// service that does not exist, make a principal an administrator in all but name.
  static let adminProbe = ["portcullisprobe:AnyAction", "iam:PutRolePolicy", "iam:CreateUser", "iam:AttachUserPolicy", "ec2:RunInstances", "s3:PutBucketPolicy"]

  /// AWS managed policies broad enough to deserve a finding wherever they are attached.
  static let broadManagedPolicies: Set<String> = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "ReadOnlyAccess"]

  /// The users and roles of the account with their effective identity policies.
  func effectivePrincipals() -> [EffectivePrincipal] {
    func inline(_ owner: String, _ list: [InlinePolicy]) -> [Policy] {
      list.compactMap { self.inline[Self.inlineKey(owner, $0.name)]?.policy }
    }
    func attached(_ arns: [String]) -> [Policy] { arns.compactMap { managed[$0]?.policy } }
    var out: [EffectivePrincipal] = []
    for u in account.users.sorted(by: { $0.arn < $1.arn }) {
      var policies = inline(u.arn, u.inlinePolicies) + attached(u.attachedPolicies)
      var arns = u.attachedPolicies
      for g in u.groups.compactMap({ groups[$0] }) {
        policies += inline(g.arn, g.inlinePolicies) + attached(g.attachedPolicies)
        arns += g.attachedPolicies
      }
      out.append(EffectivePrincipal(
        type: "user", name: u.name, arn: u.arn, callerARN: u.arn, policies: policies,
        boundary: u.permissionsBoundary.flatMap { managed[$0]?.policy }, attached: arns))
    }
    for r in account.roles.sorted(by: { $0.arn < $1.arn }) where !r.isServiceLinked {
      out.append(EffectivePrincipal(
        type: "role", name: r.name, arn: r.arn, callerARN: "arn:aws:sts::\(account.id):assumed-role/\(r.name)/portcullis-analyzer",
        policies: inline(r.arn, r.inlinePolicies) + attached(r.attachedPolicies),
        boundary: r.permissionsBoundary.flatMap { managed[$0]?.policy }, attached: r.attachedPolicies))
    }
    return out
  }

  /// Principal-level checks decided by the policy engine: administrator equivalence, the risk
  /// categories, delegated administration without a boundary; and broad managed policies.
  mutating func checkPrincipals() {
    adminEquivalent = []
    for p in effectivePrincipals() {
      for arn in Set(p.attached).sorted() {
        let name = String(arn.split(separator: "/").last ?? "")
        if arn.contains(":iam::aws:policy/"), Self.broadManagedPolicies.contains(name) {
          add("lp.broad-managed-policy", type: p.type, entity: p.arn, policy: arn, "`\(p.name)` uses the AWS managed policy \(name)")
        }
      }
      guard !p.policies.isEmpty else { continue }
      let set = CompiledPolicySet(PolicySet(
        identity: p.policies, permissionsBoundary: p.boundary,
        serviceControlPolicies: serviceControlPolicies.isEmpty ? [] : [serviceControlPolicies]))
      // One request, its principal keys derived once; only the action changes per question.
      var request = AuthorizationRequest(principal: RequestPrincipal(p.callerARN), action: "", resource: "*")
      func allowed(_ action: String) -> Bool {
        request.action = action
        return set.decide(request).isAllowed
      }
      if Self.adminProbe.allSatisfy(allowed) {
        adminEquivalent.insert(p.arn)
        add("lp.admin-equivalent", type: p.type, entity: p.arn,
            "the engine allows `\(p.name)` every probed sensitive action on `*` (\(Self.adminProbe.dropFirst().joined(separator: ", ")), and actions of any service)")
        continue
      }
      for category in RiskCategory.allCases {
        let granted = category.actions.filter(allowed)
        guard !granted.isEmpty else { continue }
        var levels: [AccessLevel: Int] = [:]
        for a in granted { levels[reference.accessLevel(of: a) ?? .write, default: 0] += 1 }
        let levelText = levels.sorted { $0.key > $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        add(category.rawValue, type: p.type, entity: p.arn,
            "\(granted.count) action(s) on `*` (\(levelText)): \(granted.joined(separator: ", "))")
      }
      let creators = ["iam:CreateUser", "iam:CreateRole", "iam:PutUserPermissionsBoundary", "iam:PutRolePermissionsBoundary"].filter(allowed)
      if !creators.isEmpty {
        add("hyg.delegated-admin-no-boundary", type: p.type, entity: p.arn,
            "`\(p.name)` may call \(creators.joined(separator: ", ")) without an iam:PermissionsBoundary condition")
      }
    }
  }
}
