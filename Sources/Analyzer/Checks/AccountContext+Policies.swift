import Foundation
import PolicyEngine

/// A policy document in the account, with what a finding about it should name.
struct PolicyOccurrence {
  var entityType: String
  var entity: String
  /// The policy's name in findings: its ARN when managed, its name when inline.
  var policyName: String
  var isInline: Bool
  var parsed: ParsedPolicy
}

extension AccountContext {
  /// Every customer managed and inline identity policy of the account, and every trust policy.
  func policyOccurrences() -> (identity: [PolicyOccurrence], trust: [PolicyOccurrence]) {
    var identity: [PolicyOccurrence] = []
    for (arn, p) in account.policies.sorted(by: { $0.key < $1.key }) where !p.isAWSManaged {
      identity.append(PolicyOccurrence(entityType: "policy", entity: arn, policyName: arn, isInline: false, parsed: managed[arn]!))
    }
    for u in account.users {
      for p in u.inlinePolicies {
        identity.append(PolicyOccurrence(entityType: "user", entity: u.arn, policyName: p.name, isInline: true,
                                         parsed: inline[Self.inlineKey(u.arn, p.name)]!))
      }
    }
    for g in account.groups {
      for p in g.inlinePolicies {
        identity.append(PolicyOccurrence(entityType: "group", entity: g.arn, policyName: p.name, isInline: true,
                                         parsed: inline[Self.inlineKey(g.arn, p.name)]!))
      }
    }
    var trustPolicies: [PolicyOccurrence] = []
    for r in account.roles {
      for p in r.inlinePolicies {
        identity.append(PolicyOccurrence(entityType: "role", entity: r.arn, policyName: p.name, isInline: true,
                                         parsed: inline[Self.inlineKey(r.arn, p.name)]!))
      }
      trustPolicies.append(PolicyOccurrence(entityType: "role", entity: r.arn, policyName: "AssumeRolePolicyDocument", isInline: true,
                                    parsed: trust[r.arn]!))
    }
    return (identity, trustPolicies)
  }

  /// Statement-level least-privilege checks and the linter, over every policy the account owns.
  mutating func checkPolicies() {
    let (identity, trust) = policyOccurrences()
    for occurrence in identity {
      lint(occurrence)
      guard let document = occurrence.parsed.policy?.document else { continue }
      checkLeastPrivilege(document, occurrence)
    }
    for occurrence in trust { lint(occurrence) }
  }

  mutating func checkLeastPrivilege(_ document: PolicyDocument, _ o: PolicyOccurrence) {
    var grantsPermissionsManagement: [String] = []
    for s in document.statements where s.effect == .allow {
      let resources = s.resource?.values ?? []
      let allResources = s.resource?.isNegated == false && resources.contains("*")
      if s.action.isNegated {
        add("lp.allow-not-action", type: o.entityType, entity: o.entity, policy: o.policyName, statement: s.index,
            "Allow with NotAction [\(s.action.values.joined(separator: ", "))] on \(resources.joined(separator: ", "))")
        continue
      }
      let actions = s.action.values
      if actions.contains(where: { $0 == "*" || $0 == "*:*" }) && allResources && s.conditions.isEmpty {
        add("cis.full-admin-policy", type: o.entityType, entity: o.entity, policy: o.policyName, statement: s.index,
            "statement allows `*` on `*` without conditions")
        continue
      }
      var expanded: [ServiceReference.Action] = []
      for pattern in actions {
        let matches = reference.expand(pattern)
        expanded += matches
        guard pattern.contains("*") || pattern.contains("?") else { continue }
        let powerful = matches.filter { $0.accessLevel == .write || $0.accessLevel == .permissionsManagement }
        if !powerful.isEmpty {
          let pm = powerful.filter { $0.accessLevel == .permissionsManagement }.count
          add("lp.wildcard-sensitive-action", type: o.entityType, entity: o.entity, policy: o.policyName, statement: s.index,
              "`\(pattern)` matches \(powerful.count - pm) Write and \(pm) Permissions management actions")
        }
      }
      grantsPermissionsManagement += expanded.filter { $0.accessLevel == .permissionsManagement }.map(\.qualifiedName)
      if allResources {
        let scopable = expanded.filter { ($0.accessLevel == .write || $0.accessLevel == .permissionsManagement) && !$0.resourceTypes.isEmpty }
        if !scopable.isEmpty {
          let sample = scopable.prefix(5).map(\.qualifiedName).joined(separator: ", ")
          add("lp.write-on-all-resources", type: o.entityType, entity: o.entity, policy: o.policyName, statement: s.index,
              "\(scopable.count) resource-scopable Write/Permissions management actions on `*` (\(sample)\(scopable.count > 5 ? ", ..." : ""))")
        }
        let keys = Set(s.conditions.map { $0.key.lowercased() })
        if covers(actions, "iam:PassRole") && !keys.contains("iam:passedtoservice") {
          add("lp.passrole-all-resources", type: o.entityType, entity: o.entity, policy: o.policyName, statement: s.index,
              "iam:PassRole is allowed on `*` without an iam:PassedToService condition")
        }
        if covers(actions, "sts:AssumeRole") && s.conditions.isEmpty {
          add("lp.assumerole-all-resources", type: o.entityType, entity: o.entity, policy: o.policyName, statement: s.index,
              "sts:AssumeRole is allowed on `*`")
        }
      }
    }
    if o.isInline && !grantsPermissionsManagement.isEmpty {
      let unique = Array(Set(grantsPermissionsManagement)).sorted()
      add("lp.inline-permissions-management", type: o.entityType, entity: o.entity, policy: o.policyName,
          "inline policy grants \(unique.count) Permissions management actions (\(unique.prefix(5).joined(separator: ", "))\(unique.count > 5 ? ", ..." : ""))")
    }
  }

  /// Whether one of `patterns` matches `action`.
  func covers(_ patterns: [String], _ action: String) -> Bool {
    patterns.contains { WildcardPattern($0, ignoresCase: true).matches(action) }
  }
}
