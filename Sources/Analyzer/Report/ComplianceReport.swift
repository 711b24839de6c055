import Foundation

/// The status of one compliance control in one analysis.
public enum ControlStatus: String, Sendable {
  /// Checks that give evidence for the control ran and found nothing of LOW or worse.
  case pass
  /// At least one finding of LOW or worse is against the control.
  case fail
  /// No check that gives evidence for the control could run on the inputs given.
  case notAssessed = "not-assessed"
}

/// One check that gives evidence for a control: whether it ran, and over what.
public struct ComplianceEvidence: Sendable {
  public var rule: String
  public var title: String
  public var ran: Bool
  /// What it looked at (`4 users, 2 roles… in 1 account`) or why it did not run.
  public var scope: String
  public var findings: Int
}

/// One control of a framework with its status, the findings against it and the evidence.
public struct ComplianceControl: Sendable {
  public var framework: String
  public var id: String
  public var title: String
  public var status: ControlStatus
  public var findings: [Finding]
  public var evidence: [ComplianceEvidence]
}

/// The compliance view: for SOC 2, ISO 27001, HIPAA, NIST CSF and CMMC, every control the
/// analyzer's rules give evidence for (`ComplianceMap`), judged from one analysis.
///
/// A control fails when a finding of LOW or worse is against it (INFO findings are notes, not
/// failures); passes when at least one of its checks ran; and is not assessed when none could
/// (the credential checks need the credential report, the password checks the password policy).
public struct ComplianceReport: Sendable {
  public var frameworks: [(name: String, controls: [ComplianceControl])]
  public var generatedAt: Date
  public var accounts: [String]

  /// The frameworks in report order, as `ComplianceMap` prefixes them.
  public static let frameworkNames: [(prefix: String, name: String)] = [
    ("SOC2", "SOC 2"), ("ISO27001", "ISO/IEC 27001:2022"), ("HIPAA", "HIPAA Security Rule"),
    ("NIST-CSF", "NIST CSF"), ("CMMC", "CMMC 2.0 Level 2"),
  ]

  public init(findings: [Finding], inventory: Inventory, generatedAt: Date) {
    self.generatedAt = generatedAt
    accounts = inventory.accounts.map(\.id).sorted()
    var rulesByControl: [String: [Rule]] = [:]
    for rule in RuleCatalogue.all {
      for control in rule.controls { rulesByControl[control, default: []].append(rule) }
    }
    var findingsByRule: [String: [Finding]] = [:]
    for f in findings { findingsByRule[f.rule, default: []].append(f) }
    let scopes = Self.scopes(inventory)
    frameworks = Self.frameworkNames.map { framework in
      let ids = rulesByControl.keys.filter { $0.hasPrefix(framework.prefix + " ") }.sorted(by: Self.controlOrder)
      let controls = ids.map { control -> ComplianceControl in
        let rules = rulesByControl[control] ?? []
        let evidence = rules.map { rule in
          let (ran, scope) = scopes(rule.id)
          return ComplianceEvidence(
            rule: rule.id, title: rule.title, ran: ran, scope: scope, findings: findingsByRule[rule.id]?.count ?? 0)
        }
        let against = rules.flatMap { findingsByRule[$0.id] ?? [] }.sorted(by: Finding.reportOrder)
        let status: ControlStatus =
          against.contains { $0.severity >= .low } ? .fail : (evidence.contains(where: \.ran) ? .pass : .notAssessed)
        let id = String(control.dropFirst(framework.prefix.count + 1))
        return ComplianceControl(
          framework: framework.name, id: id, title: ComplianceControls.title(control), status: status,
          findings: against, evidence: evidence)
      }
      return (framework.name, controls)
    }
  }

  /// Orders `A.5.15` before `A.5.17` and `CC6.10` after `CC6.9`: numeric runs compare as numbers.
  static func controlOrder(_ a: String, _ b: String) -> Bool {
    a.compare(b, options: .numeric) == .orderedAscending
  }

  /// Whether a rule could run on `inventory`, and what it looked at.
  static func scopes(_ inventory: Inventory) -> (String) -> (Bool, String) {
    let accounts = inventory.accounts
    let users = accounts.reduce(0) { $0 + $1.users.count }
    let roles = accounts.reduce(0) { $0 + $1.roles.count }
    let groups = accounts.reduce(0) { $0 + $1.groups.count }
    let policies = accounts.reduce(0) { $0 + $1.policies.count }
    let configuration = "\(users) users, \(groups) groups, \(roles) roles, \(policies) managed policies in \(accounts.count) account(s)"
    let withCredentials = accounts.reduce(0) { $0 + $1.users.filter { $0.accessKeys != nil || $0.hasPassword != nil }.count }
    let rootKnown = accounts.filter { $0.root != nil }.count
    let passwordPolicies = accounts.filter(\.passwordPolicyKnown).count
    let credentialRules: Set<String> = [
      "cis.console-user-no-mfa", "cis.credentials-unused-45-days", "cis.multiple-active-keys", "cis.access-key-not-rotated",
      "unused.access-key", "unused.password", "hyg.human-user-with-keys", "hyg.breakglass-no-mfa",
    ]
    return { rule in
      if rule.hasPrefix("cis.root-") {
        return rootKnown > 0
          ? (true, "root credentials of \(rootKnown) account(s)") : (false, "needs the credential report (root user)")
      }
      if rule == "cis.password-policy-weak" {
        return passwordPolicies > 0
          ? (true, "password policy of \(passwordPolicies) account(s)") : (false, "needs the password policy")
      }
      if credentialRules.contains(rule) {
        return withCredentials > 0
          ? (true, "credentials of \(withCredentials) user(s)") : (false, "needs the credential report")
      }
      return accounts.isEmpty ? (false, "no account in the inputs") : (true, configuration)
    }
  }
}
