import Foundation

extension AccountContext {
  /// The CIS AWS Foundations Benchmark IAM recommendations that are about credentials and the
  /// account (policy-level ones are in `checkPolicies`).
  mutating func checkCIS() {
    let accountEntity = "arn:aws:iam::\(account.id):root"
    if let root = account.root {
      let active = root.accessKeys.filter(\.isActive)
      if !active.isEmpty {
        add("cis.root-access-key", type: "account", entity: accountEntity, "the root user has \(active.count) active access key(s)")
      }
      if !root.mfaActive {
        add("cis.root-no-mfa", type: "account", entity: accountEntity, "the root user has no MFA device")
      }
      if let last = root.lastUsed, daysSince(last) < 30 {
        add("cis.root-used-recently", type: "account", entity: accountEntity,
            "root credentials were last used \(formatAWSDate(last)) (\(daysSince(last)) days ago)")
      }
    }
    if account.passwordPolicyKnown {
      if let p = account.passwordPolicy {
        var weak: [String] = []
        if (p.minimumLength ?? 0) < 14 { weak.append("minimum length \(p.minimumLength.map(String.init) ?? "unset") < 14") }
        if (p.reusePrevention ?? 0) < 24 { weak.append("reuse prevention \(p.reusePrevention.map(String.init) ?? "unset") < 24") }
        if !weak.isEmpty {
          add("cis.password-policy-weak", type: "account", entity: accountEntity, weak.joined(separator: "; "))
        }
      } else {
        add("cis.password-policy-weak", type: "account", entity: accountEntity, "the account has no password policy")
      }
    }
    for user in account.users.sorted(by: { $0.arn < $1.arn }) {
      if user.hasPassword == true && user.mfaActive == false {
        add("cis.console-user-no-mfa", type: "user", entity: user.arn, "`\(user.name)` has a console password and no MFA device")
      }
      if user.hasPassword == true {
        let last = user.passwordLastUsed ?? user.passwordLastChanged ?? user.created
        if let last, daysSince(last) >= 45 {
          add("cis.credentials-unused-45-days", type: "user", entity: user.arn, policy: "password",
              "password of `\(user.name)` \(user.passwordLastUsed == nil ? "never used; set" : "last used") \(daysSince(last)) days ago")
        }
      }
      let keys = user.accessKeys ?? []
      for key in keys where key.isActive {
        if let last = key.lastUsed ?? key.created, daysSince(last) >= 45 {
          add("cis.credentials-unused-45-days", type: "user", entity: user.arn, policy: key.id,
              "access key `\(key.id)` of `\(user.name)` \(key.lastUsed == nil ? "never used; created" : "last used") \(daysSince(last)) days ago")
        }
        if let created = key.created, daysSince(created) > 90 {
          add("cis.access-key-not-rotated", type: "user", entity: user.arn, policy: key.id,
              "access key `\(key.id)` of `\(user.name)` was created \(daysSince(created)) days ago")
        }
      }
      let active = keys.filter(\.isActive).count
      if active > 1 {
        add("cis.multiple-active-keys", type: "user", entity: user.arn, "`\(user.name)` has \(active) active access keys")
      }
      let direct = user.attachedPolicies.count + user.inlinePolicies.count
      if direct > 0 {
        let names = (user.attachedPolicies + user.inlinePolicies.map(\.name)).sorted()
        add("cis.policy-attached-to-user", type: "user", entity: user.arn,
            "`\(user.name)` has \(direct) policies of its own: \(names.joined(separator: ", "))")
      }
    }
    let support = "arn:aws:iam::aws:policy/AWSSupportAccess"
    let hasSupport = account.roles.contains { $0.attachedPolicies.contains(support) }
      || account.groups.contains { $0.attachedPolicies.contains(support) }
      || account.users.contains { $0.attachedPolicies.contains(support) }
    if !hasSupport {
      add("cis.no-support-role", type: "account", entity: accountEntity, "no user, group or role has AWSSupportAccess attached")
    }
    if options.offline {
      add("cis.no-access-analyzer", type: "account", entity: accountEntity,
          "the authorization-details export does not show IAM Access Analyzer; verify it is enabled in every region")
    }
  }
}
