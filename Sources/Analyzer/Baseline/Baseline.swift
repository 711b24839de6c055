import Foundation

/// The findings of a previous run, read back from its `--format json` report, so a review can
/// show what changed since (the quarterly access review).
public struct Baseline: Sendable {
  /// A finding as the previous report recorded it: enough to match it and to describe it once
  /// it is fixed (a fixed finding is in no current report).
  public struct Entry: Sendable, Equatable {
    public var id: String
    public var account: String
    public var entity: String
    public var rule: String
    public var severity: String
    public var title: String
    public var detail: String

    public init(id: String, account: String, entity: String, rule: String, severity: String, title: String = "", detail: String = "") {
      self.id = id
      self.account = account
      self.entity = entity
      self.rule = rule
      self.severity = severity
      self.title = title
      self.detail = detail
    }
  }

  /// The previous report's `generatedAt`, as written.
  public var generatedAt: String?
  public var findings: [Entry]

  public init(generatedAt: String?, findings: [Entry]) {
    self.generatedAt = generatedAt
    self.findings = findings
  }

  /// Reads a report of JSON schema version 1 (`portcullis analyze --format json`).
  public static func read(_ data: Data) throws -> Baseline {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw AnalyzerInputError(description: "the baseline is not a JSON object: give the output of `portcullis analyze --format json`")
    }
    guard object["schemaVersion"] as? Int == 1, let items = object["findings"] as? [[String: Any]] else {
      throw AnalyzerInputError(
        description: "the baseline is not a `portcullis analyze --format json` report of schema version 1 (no `schemaVersion: 1` and `findings`)")
    }
    var entries: [Entry] = []
    for (index, item) in items.enumerated() {
      guard let id = item["id"] as? String, let account = item["account"] as? String else {
        throw AnalyzerInputError(description: "baseline finding \(index) has no `id` or `account`")
      }
      entries.append(
        Entry(
          id: id, account: account, entity: item["entity"] as? String ?? "", rule: item["rule"] as? String ?? "",
          severity: item["severity"] as? String ?? "", title: item["title"] as? String ?? "",
          detail: item["detail"] as? String ?? ""))
    }
    return Baseline(generatedAt: object["generatedAt"] as? String, findings: entries)
  }
}
