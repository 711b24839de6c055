import Foundation
import PolicyEngine

extension AccountContext {
  /// Unused roles, users, access keys and passwords, from last-used data and the trail.
  mutating func checkUnusedAccess() {
    let limit = options.unusedDays
    for role in account.roles.sorted(by: { $0.arn < $1.arn }) where !role.isServiceLinked {
      let last = [role.lastUsed, trailActivity[role.arn]].compactMap { $0 }.max()
      if let last {
        if daysSince(last) >= limit {
          add("unused.role", type: "role", entity: role.arn, "`\(role.name)` was last used \(daysSince(last)) days ago")
        }
      } else if let created = role.created, daysSince(created) >= limit {
        add("unused.role", type: "role", entity: role.arn, "`\(role.name)` has never been used (created \(daysSince(created)) days ago)")
      }
    }
    for user in account.users.sorted(by: { $0.arn < $1.arn }) {
      let keys = user.accessKeys ?? []
      let trail = trailActivity[user.arn]
      guard user.hasPassword != nil || trail != nil else { continue }  // no last-used data for this user
      let uses = [user.passwordLastUsed, trail] + keys.map(\.lastUsed)
      if let last = uses.compactMap({ $0 }).max() {
        if daysSince(last) >= limit {
          add("unused.user", type: "user", entity: user.arn, "`\(user.name)` was last active \(daysSince(last)) days ago")
        }
      } else if let created = user.created, daysSince(created) >= limit {
        add("unused.user", type: "user", entity: user.arn, "`\(user.name)` has never signed in or used a key (created \(daysSince(created)) days ago)")
      }
      for key in keys where key.isActive {
        let last = [key.lastUsed, trailActivity[key.id]].compactMap { $0 }.max()
        if let last, daysSince(last) >= limit {
          add("unused.access-key", type: "user", entity: user.arn, policy: key.id, "access key `\(key.id)` last used \(daysSince(last)) days ago")
        } else if last == nil, let created = key.created, daysSince(created) >= limit {
          add("unused.access-key", type: "user", entity: user.arn, policy: key.id, "access key `\(key.id)` never used (created \(daysSince(created)) days ago)")
        }
      }
      if user.hasPassword == true {
        if let last = user.passwordLastUsed, daysSince(last) >= limit {
          add("unused.password", type: "user", entity: user.arn, policy: "password", "password last used \(daysSince(last)) days ago")
        } else if user.passwordLastUsed == nil, let set = user.passwordLastChanged ?? user.created, daysSince(set) >= limit {
          add("unused.password", type: "user", entity: user.arn, policy: "password", "password never used (set \(daysSince(set)) days ago)")
        }
      }
    }
  }

  /// Break-glass roles, long sessions on privileged roles, expired temporary access, people
  /// with access keys.
  mutating func checkHygiene() {
    for role in account.roles.sorted(by: { $0.arn < $1.arn }) where !role.isServiceLinked {
      let marker = ([role.name] + role.tags.keys + role.tags.values).joined(separator: " ").lowercased()
      if ["breakglass", "break-glass", "break_glass", "emergency"].contains(where: marker.contains) {
        let document = trust[role.arn]?.policy?.document
        for s in document?.statements ?? [] where s.effect == .allow {
          let humans = s.principal?.entries.contains { $0.type == .aws || $0.type == .federated } ?? false
          let mfa = s.conditions.contains {
            let k = $0.key.lowercased()
            return k == "aws:multifactorauthpresent" || k == "aws:multifactorauthage"
          }
          if humans && !mfa {
            add("hyg.breakglass-no-mfa", type: "role", entity: role.arn, policy: "AssumeRolePolicyDocument", statement: s.index,
                "break-glass role `\(role.name)` can be assumed without MFA")
          }
        }
      }
      if adminEquivalent.contains(role.arn), let d = role.maxSessionDuration, d > 3600 {
        add("hyg.long-session-privileged", type: "role", entity: role.arn,
            "administrator-equivalent `\(role.name)` allows sessions of \(d / 3600) h \(d % 3600 / 60) min")
      }
      checkExpiry(role.tags, type: "role", entity: role.arn, name: role.name)
    }
    for user in account.users.sorted(by: { $0.arn < $1.arn }) {
      checkExpiry(user.tags, type: "user", entity: user.arn, name: user.name)
      let active = (user.accessKeys ?? []).filter(\.isActive)
      if user.hasPassword == true && !active.isEmpty {
        add("hyg.human-user-with-keys", type: "user", entity: user.arn,
            "`\(user.name)` has a console password and \(active.count) active access key(s)")
      }
    }
  }

  /// Tags whose key says "expires" and whose value is a date in the past.
  private mutating func checkExpiry(_ tags: [String: String], type: String, entity: String, name: String) {
    for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
      let k = key.lowercased()
      guard ["expir", "valid-until", "validuntil", "end-date", "enddate", "temporary-until", "ttl"].contains(where: k.contains) else { continue }
      let text = value.count == 10 ? value + "T00:00:00Z" : value
      if let date = parseAWSDate(text), date < options.now {
        add("hyg.temporary-access-expired", type: type, entity: entity,
            "`\(name)` is tagged `\(key)=\(value)`, \(daysSince(date)) days ago")
      }
    }
  }
}
