import Foundation
import PolicyEngine

extension AccountContext {
  /// Condition keys that tie a `*` principal to a known set of callers.
  static let restrictingKeys: Set<String> = [
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount",
    "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:userid", "aws:sourcevpce", "aws:sourcevpc",
  ]

  /// External access through role trust policies: `*` principals, accounts outside the zone of
  /// trust (with or without `sts:ExternalId`), and federated principals without audience or
  /// subject conditions.
  mutating func checkTrustPolicies() {
    for role in account.roles.sorted(by: { $0.arn < $1.arn }) where !role.isServiceLinked {
      guard let document = trust[role.arn]?.policy?.document else {
        continue
      }
      for s in document.statements where s.effect == .allow {
        guard let principal = s.principal else { continue }
        let keys = Set(s.conditions.map { $0.key.lowercased() })
        let policy = "AssumeRolePolicyDocument"
        let awsValues = principal.entries.filter { $0.type == .aws }.flatMap(\.values)
        if principal.isEveryone || awsValues.contains("*") || principal.isNegated {
          if keys.isDisjoint(with: Self.restrictingKeys) {
            add("ext.public-trust", type: "role", entity: role.arn, policy: policy, statement: s.index,
                "`\(role.name)` can be assumed by any AWS principal\(keys.isEmpty ? " (no conditions)" : " (conditions: \(keys.sorted().joined(separator: ", ")))")")
          }
        }
        for value in awsValues where value != "*" {
          guard let external = Self.accountOf(value), !zoneOfTrust.contains(external) else { continue }
          add("ext.cross-account-trust", type: "role", entity: role.arn, policy: policy, statement: s.index,
              "`\(role.name)` trusts `\(value)` in account \(external), outside the zone of trust")
          if !keys.contains("sts:externalid") && !keys.contains("aws:principalorgid") {
            add("ext.cross-account-no-external-id", type: "role", entity: role.arn, policy: policy, statement: s.index,
                "`\(role.name)` trusts account \(external) without an sts:ExternalId condition")
          }
        }
        for value in principal.entries.filter({ $0.type == .federated }).flatMap(\.values) {
          checkFederated(value, keys: keys, role: role, statement: s.index)
        }
      }
    }
  }

  private mutating func checkFederated(_ value: String, keys: Set<String>, role: IAMRole, statement: Int) {
    let policy = "AssumeRolePolicyDocument"
    if value.contains(":saml-provider/") {
      if !keys.contains("saml:aud") {
        add("ext.federated-no-audience", severity: .medium, type: "role", entity: role.arn, policy: policy, statement: statement,
            "`\(role.name)` trusts SAML provider `\(value)` without a SAML:aud condition")
      }
      return
    }
    // OIDC: the provider's host names the condition keys (`HOST:aud`, `HOST:sub`).
    let host: String
    if let range = value.range(of: ":oidc-provider/") {
      host = String(value[range.upperBound...]).lowercased()
    } else {
      host = value.lowercased()  // cognito-identity.amazonaws.com, accounts.google.com, graph.facebook.com
    }
    let hasAudience = keys.contains("\(host):aud") || keys.contains("\(host):oaud")
    let hasSubject = keys.contains("\(host):sub")
    if host.hasPrefix("token.actions.githubusercontent.com") {
      if !hasSubject {
        add("ext.federated-no-audience", severity: .critical, type: "role", entity: role.arn, policy: policy, statement: statement,
            "`\(role.name)` trusts GitHub Actions OIDC without a `\(host):sub` condition: any repository on GitHub can assume it")
      }
    } else if !hasAudience && !hasSubject {
      add("ext.federated-no-audience", type: "role", entity: role.arn, policy: policy, statement: statement,
          "`\(role.name)` trusts `\(value)` without `\(host):aud` or `\(host):sub` conditions")
    }
  }

  /// The account of an `AWS` principal: a 12-digit id or the account of an ARN.
  static func accountOf(_ value: String) -> String? {
    if value.count == 12, value.allSatisfy(\.isNumber) { return value }
    let parts = value.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 6, parts[0] == "arn", parts[4].count == 12 else { return nil }
    return String(parts[4])
  }
}
