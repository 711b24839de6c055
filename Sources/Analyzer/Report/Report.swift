import Foundation

/// The output formats of `portcullis analyze`.
public enum ReportFormat: String, Sendable, CaseIterable {
  case text, json, sarif, csv
}

/// The findings of one analysis with what the renderers need to describe it.
public struct Report: Sendable {
  public var findings: [Finding]
  public var accounts: [String]
  public var generatedAt: Date
  public var notes: [String]
  public var referenceSource: String

  public init(findings: [Finding], accounts: [String], generatedAt: Date, notes: [String] = [], referenceSource: String = "") {
    self.findings = findings.sorted(by: Finding.reportOrder)
    self.accounts = accounts.sorted()
    self.generatedAt = generatedAt
    self.notes = notes
    self.referenceSource = referenceSource
  }

  /// The number of findings per severity (every severity present, zeros included).
  public var counts: [Severity: Int] {
    var c: [Severity: Int] = [:]
    for s in Severity.allCases { c[s] = 0 }
    for f in findings { c[f.severity, default: 0] += 1 }
    return c
  }

  /// Whether any finding is at or above `threshold`.
  public func hasFinding(atOrAbove threshold: Severity) -> Bool { findings.contains { $0.severity >= threshold } }

  /// Renders the report.
  public func render(_ format: ReportFormat, colour: Bool = false) -> String {
    switch format {
    case .text: renderText(colour: colour)
    case .json: renderJSON()
    case .sarif: renderSARIF()
    case .csv: renderCSV()
    }
  }

  /// Serializes a JSON object with sorted keys, so equal reports are equal bytes.
  static func json(_ object: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
