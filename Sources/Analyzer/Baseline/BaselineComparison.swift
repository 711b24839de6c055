import Foundation

/// The current findings against a baseline: new (not in the baseline), fixed (in the baseline
/// only) and unchanged (in both).
///
/// Findings match by their stable id together with entity and account — the id names rule,
/// entity, policy and statement, and the account tells apart an AWS managed policy's findings
/// in two accounts. The detail sentence is not part of the match: a key that is a few days
/// older, or a path that gained a step, is the same problem, still unchanged.
public struct BaselineComparison: Sendable {
  /// One finding present in both runs, with the severity the baseline gave it.
  public struct Unchanged: Sendable {
    public var finding: Finding
    public var previousSeverity: String
  }

  /// Where the baseline came from (its file), for the reader.
  public var source: String
  /// The baseline report's `generatedAt`.
  public var previousGeneratedAt: String?
  /// Current findings the baseline does not have, in report order.
  public var new: [Finding]
  /// Baseline findings the current run no longer reports, in the baseline's order.
  public var fixed: [Baseline.Entry]
  /// Current findings the baseline has too, in report order.
  public var unchanged: [Unchanged]

  public init(current: [Finding], baseline: Baseline, source: String) {
    func key(_ id: String, _ entity: String, _ account: String) -> String { "\(account)\u{0}\(entity)\u{0}\(id)" }
    var previous: [String: Baseline.Entry] = [:]
    for entry in baseline.findings where previous[key(entry.id, entry.entity, entry.account)] == nil {
      previous[key(entry.id, entry.entity, entry.account)] = entry
    }
    var seen = Set<String>()
    var new: [Finding] = []
    var unchanged: [Unchanged] = []
    for finding in current.sorted(by: Finding.reportOrder) {
      let k = key(finding.id, finding.entity, finding.account)
      seen.insert(k)
      if let entry = previous[k] {
        unchanged.append(Unchanged(finding: finding, previousSeverity: entry.severity))
      } else {
        new.append(finding)
      }
    }
    var fixed: [Baseline.Entry] = []
    var listed = Set<String>()
    for entry in baseline.findings {
      let k = key(entry.id, entry.entity, entry.account)
      if !seen.contains(k) && listed.insert(k).inserted { fixed.append(entry) }
    }
    self.source = source
    self.previousGeneratedAt = baseline.generatedAt
    self.new = new
    self.fixed = fixed
    self.unchanged = unchanged
  }

  /// Whether a new finding is at or above `threshold`: with a baseline, `--fail-on` looks at
  /// these only, so a review fails on what appeared since, not on accepted, known findings.
  public func hasNewFinding(atOrAbove threshold: Severity) -> Bool { new.contains { $0.severity >= threshold } }
}
