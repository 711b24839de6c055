import Foundation
import PolicyEngine

/// Settings of one analysis. The clock is injected so that "unused for 90 days" is testable.
public struct AnalyzerOptions: Sendable {
  /// The time the analysis treats as now.
  public var now: Date
  /// Days without use after which roles, users, keys and passwords count as unused.
  public var unusedDays: Int = 90
  /// Accounts trusted besides the analyzed ones (partners, the organization's other accounts).
  public var trustedAccounts: Set<String> = []
  /// Whether the inputs are AWS exports (adds the "Access Analyzer status unknown" note).
  public var offline = true
  /// The service authorization reference.
  public var reference: ServiceReference

  public init(now: Date = Date(), reference: ServiceReference = .bundled) {
    self.now = now
    self.reference = reference
  }
}

/// Runs every check of the catalogue over an inventory.
public enum Analyzer {
  /// The findings for `inventory`, in report order.
  public static func analyze(_ inventory: Inventory, options: AnalyzerOptions) -> [Finding] {
    analyzeWithEscalation(inventory, options: options).findings
  }

  /// The findings and the escalation graph they were drawn from, for reports that draw it too
  /// (building the graph is a good part of an analysis; this builds it once).
  public static func analyzeWithEscalation(
    _ inventory: Inventory, options: AnalyzerOptions
  ) -> (findings: [Finding], escalation: EscalationGraph) {
    var escalation = EscalationGraph()
    let zone = inventory.accountIDs.union(options.trustedAccounts)
    let scps = inventory.serviceControlPolicies.compactMap { source in
      try? Policy(json: source.document, kind: .serviceControl, name: source.name, enforcingSizeLimit: false)
    }
    var findings: [Finding] = []
    for account in inventory.accounts.sorted(by: { $0.id < $1.id }) {
      var context = AccountContext(
        account: account, options: options, zoneOfTrust: zone, trailActivity: inventory.trailActivity,
        serviceControlPolicies: scps)
      context.runAllChecks()
      findings += context.findings
      escalation.merge(context.escalationGraph)
    }
    findings.sort(by: Finding.reportOrder)
    var seen: [String: Int] = [:]
    for i in findings.indices {
      let key = findings[i].id
      findings[i].occurrence = seen[key, default: 0]
      seen[key, default: 0] += 1
    }
    return (findings, escalation)
  }
}

/// A parsed policy document, kept once per document however many principals use it.
struct ParsedPolicy {
  var policy: Policy?
  var diagnostics: [Diagnostic]
}

/// The state of analyzing one account: its parsed policies and the findings so far.
struct AccountContext {
  let account: AccountInventory
  let options: AnalyzerOptions
  let zoneOfTrust: Set<String>
  let trailActivity: [String: Date]
  let serviceControlPolicies: [Policy]
  var findings: [Finding] = []
  /// Parsed managed policies by ARN.
  var managed: [String: ParsedPolicy] = [:]
  /// Groups by name.
  let groups: [String: IAMGroup]
  /// Inline policies parsed once, keyed by `inlineKey(owner, name)`.
  var inline: [String: ParsedPolicy] = [:]
  /// Trust policies parsed once, by role ARN.
  var trust: [String: ParsedPolicy] = [:]
  /// Users and roles the engine found administrator-equivalent (filled by `checkPrincipals`).
  var adminEquivalent: Set<String> = []
  /// The privilege-escalation graph (filled by `checkEscalation`).
  var escalationGraph = EscalationGraph()

  var reference: ServiceReference { options.reference }

  init(
    account: AccountInventory, options: AnalyzerOptions, zoneOfTrust: Set<String>, trailActivity: [String: Date],
    serviceControlPolicies: [Policy]
  ) {
    self.account = account
    self.options = options
    self.zoneOfTrust = zoneOfTrust
    self.trailActivity = trailActivity
    self.serviceControlPolicies = serviceControlPolicies
    var groups: [String: IAMGroup] = [:]
    for g in account.groups { groups[g.name] = g }
    self.groups = groups
    for (arn, p) in account.policies {
      managed[arn] = Self.parse(p.document, kind: .managed, name: arn)
    }
    // Each document is parsed once here, however many checks read it.
    for u in account.users {
      for p in u.inlinePolicies { inline[Self.inlineKey(u.arn, p.name)] = Self.parse(p.document, kind: .userInline, name: p.name) }
    }
    for g in account.groups {
      for p in g.inlinePolicies { inline[Self.inlineKey(g.arn, p.name)] = Self.parse(p.document, kind: .groupInline, name: p.name) }
    }
    for r in account.roles {
      for p in r.inlinePolicies { inline[Self.inlineKey(r.arn, p.name)] = Self.parse(p.document, kind: .roleInline, name: p.name) }
      trust[r.arn] = Self.parse(r.trustPolicy, kind: .trust, name: "AssumeRolePolicyDocument")
    }
  }

  static func inlineKey(_ owner: String, _ name: String) -> String { owner + "\u{0}" + name }

  mutating func runAllChecks() {
    checkCIS()
    checkPolicies()
    checkPrincipals()
    checkEscalation()
    checkTrustPolicies()
    checkUnusedAccess()
    checkHygiene()
  }

  /// Parses a document without enforcing the customer size quota (AWS managed policies exceed it).
  static func parse(_ text: String, kind: PolicyKind, name: String) -> ParsedPolicy {
    let result = PolicyParser.parse(bytes: Array(text.utf8), kind: kind, enforcingSizeLimit: false)
    guard let document = result.document else { return ParsedPolicy(policy: nil, diagnostics: result.diagnostics) }
    return ParsedPolicy(
      policy: Policy(document: document, kind: kind, name: name, warnings: result.diagnostics),
      diagnostics: result.diagnostics)
  }

  mutating func add(
    _ rule: String, severity: Severity? = nil, type: String, entity: String, policy: String? = nil,
    statement: Int? = nil, _ detail: String
  ) {
    findings.append(
      Finding(
        rule: rule, severity: severity, account: account.id, entityType: type, entity: entity, policy: policy,
        statement: statement, detail: detail, source: account.source))
  }

  /// Days between `date` and now.
  func daysSince(_ date: Date) -> Int { Int(options.now.timeIntervalSince(date) / 86_400) }
}
