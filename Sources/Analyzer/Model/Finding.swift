/// How serious a finding is. Ordered, so `--fail-on HIGH` means HIGH or CRITICAL.
public enum Severity: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
  case info = 0, low, medium, high, critical

  /// `CRITICAL`, `HIGH`...
  public var description: String {
    switch self {
    case .info: "INFO"
    case .low: "LOW"
    case .medium: "MEDIUM"
    case .high: "HIGH"
    case .critical: "CRITICAL"
    }
  }

  /// Parses `high`, `HIGH`...
  public init?(name: String) {
    guard let s = Severity.allCases.first(where: { $0.description == name.uppercased() }) else { return nil }
    self = s
  }

  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One problem found: a rule of the catalogue applied to one entity (and policy statement).
public struct Finding: Sendable, Equatable {
  /// The rule's stable id, e.g. `cis.root-access-key`.
  public var rule: String
  public var severity: Severity
  public var account: String
  /// `user`, `group`, `role`, `policy`, `account`.
  public var entityType: String
  /// The entity's ARN (or the account id for account-level findings).
  public var entity: String
  /// The policy concerned (name for inline policies, ARN for managed ones), if any.
  public var policy: String?
  /// The statement index (0-based) in that policy, if any.
  public var statement: Int?
  /// What exactly was found, in one sentence with the specifics.
  public var detail: String
  /// Where the account's data came from.
  public var source: String
  /// Tells apart findings that share rule, entity, policy and statement (two unknown keys in
  /// one statement): 0 for the first, then 1, 2... in report order.
  public var occurrence = 0

  public init(
    rule: String, severity: Severity? = nil, account: String, entityType: String, entity: String,
    policy: String? = nil, statement: Int? = nil, detail: String, source: String = ""
  ) {
    self.rule = rule
    self.severity = severity ?? RuleCatalogue.rule(rule).severity
    self.account = account
    self.entityType = entityType
    self.entity = entity
    self.policy = policy
    self.statement = statement
    self.detail = detail
    self.source = source
  }

  /// The catalogue entry (title, why, fix, controls).
  public var definition: Rule { RuleCatalogue.rule(rule) }

  /// A stable identifier for this occurrence: rule, entity, policy and statement.
  public var id: String {
    var s = "\(rule)|\(entity)"
    if let policy { s += "|\(policy)" }
    if let statement { s += "#\(statement)" }
    if occurrence > 0 { s += "~\(occurrence + 1)" }
    return s
  }

  /// The report order: most severe first, then by rule, account, entity, policy, statement.
  public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
    if a.severity != b.severity { return a.severity > b.severity }
    if a.rule != b.rule { return a.rule < b.rule }
    if a.account != b.account { return a.account < b.account }
    if a.entity != b.entity { return a.entity < b.entity }
    if (a.policy ?? "") != (b.policy ?? "") { return (a.policy ?? "") < (b.policy ?? "") }
    if (a.statement ?? -1) != (b.statement ?? -1) { return (a.statement ?? -1) < (b.statement ?? -1) }
    return a.detail < b.detail
  }
}

/// A catalogue entry: what a rule checks and why.
public struct Rule: Sendable {
  public var id: String
  public var severity: Severity
  public var category: String
  public var title: String
  public var why: String
  public var fix: String
  /// Compliance controls the rule supports as evidence (see `ComplianceMap`).
  public var controls: [String]
}
