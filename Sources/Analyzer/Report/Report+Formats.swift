import Foundation

extension Report {
  /// JSON, schema version 1 (documented in the README): `summary` counts by severity,
  /// `findings` in report order, each with its rule's title, why, fix and controls.
  func renderJSON() -> String {
    let c = counts
    var summary: [(String, JSONOut)] = Severity.allCases.reversed().map { ($0.description.lowercased(), .int(c[$0] ?? 0)) }
    summary.append(("total", .int(findings.count)))
    let items: [JSONOut] = findings.map { f in
      let r = f.definition
      var o: [(String, JSONOut)] = [
        ("id", .string(f.id)), ("rule", .string(f.rule)), ("severity", .string(f.severity.description)),
        ("category", .string(r.category)), ("title", .string(r.title)), ("account", .string(f.account)),
        ("entityType", .string(f.entityType)), ("entity", .string(f.entity)),
      ]
      if let p = f.policy { o.append(("policy", .string(p))) }
      if let s = f.statement { o.append(("statement", .int(s))) }
      o += [
        ("detail", .string(f.detail)), ("why", .string(r.why)), ("fix", .string(r.fix)),
        ("controls", .strings(r.controls)), ("source", .string(f.source)),
      ]
      return .object(o)
    }
    return JSONOut.object([
      ("schemaVersion", .int(1)), ("tool", .string("portcullis analyze")),
      ("generatedAt", .string(formatAWSDate(generatedAt))), ("serviceReference", .string(referenceSource)),
      ("accounts", .strings(accounts)), ("summary", .object(summary)), ("notes", .strings(notes)),
      ("findings", .array(items)),
    ]).pretty()
  }

  /// SARIF 2.1.0: one rule per catalogue entry used, one result per finding, located in the
  /// input file and, logically, at the entity (and policy statement).
  func renderSARIF() -> String {
    let used = Set(findings.map(\.rule))
    let rules = RuleCatalogue.all.filter { used.contains($0.id) }
    let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.id, $0.offset) })
    func level(_ s: Severity) -> String {
      switch s {
      case .critical, .high: "error"
      case .medium: "warning"
      case .low, .info: "note"
      }
    }
    let sarifRules: [[String: Any]] = rules.map { r in
      [
        "id": r.id, "name": r.id, "shortDescription": ["text": r.title], "fullDescription": ["text": r.why],
        "help": ["text": r.fix], "defaultConfiguration": ["level": level(r.severity)],
        "properties": ["tags": [r.category] + r.controls, "security-severity": securityScore(r.severity)],
      ]
    }
    let results: [[String: Any]] = findings.map { f in
      var logical = f.entity
      if let p = f.policy { logical += "/\(p)" }
      if let s = f.statement { logical += "/Statement[\(s)]" }
      var location: [String: Any] = ["logicalLocations": [["fullyQualifiedName": logical, "kind": f.entityType]]]
      if !f.source.isEmpty && !f.source.hasSuffix(".sqlite") {
        location["physicalLocation"] = ["artifactLocation": ["uri": f.source]]
      }
      return [
        "ruleId": f.rule, "ruleIndex": ruleIndex[f.rule] ?? 0, "level": level(f.severity),
        "message": ["text": "\(f.definition.title): \(f.detail)"], "locations": [location],
        "partialFingerprints": ["portcullisFindingId": f.id],
        "properties": ["severity": f.severity.description, "account": f.account],
      ]
    }
    return Report.json([
      "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
      "runs": [[
        "tool": ["driver": ["name": "portcullis", "informationUri": "https://github.com/portcullis/portcullis", "rules": sarifRules]],
        "results": results,
      ]],
    ])
  }

  /// GitHub's code scanning severity score for a level.
  private func securityScore(_ s: Severity) -> String {
    switch s {
    case .critical: "9.5"
    case .high: "8.0"
    case .medium: "5.5"
    case .low: "3.0"
    case .info: "0.0"
    }
  }

  /// CSV (RFC 4180) with a header row.
  func renderCSV() -> String {
    func cell(_ s: String) -> String {
      s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"\(s.replacingOccurrences(of: "\"", with: "\"\""))\"" : s
    }
    var out = "id,rule,severity,title,account,entity_type,entity,policy,statement,detail,fix,controls\r\n"
    for f in findings {
      let r = f.definition
      let row = [
        f.id, f.rule, f.severity.description, r.title, f.account, f.entityType, f.entity, f.policy ?? "",
        f.statement.map(String.init) ?? "", f.detail, r.fix, r.controls.joined(separator: ";"),
      ]
      out += row.map(cell).joined(separator: ",") + "\r\n"
    }
    return out
  }

  /// The terminal summary: counts by severity, then the findings, most severe first.
  func renderText(colour: Bool, limit: Int = 50) -> String {
    func paint(_ s: String, _ severity: Severity) -> String {
      guard colour else { return s }
      let code = switch severity {
      case .critical: "1;35"
      case .high: "1;31"
      case .medium: "33"
      case .low: "36"
      case .info: "2"
      }
      return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }
    var out = "Portcullis analysis of \(accounts.count) account(s): \(accounts.joined(separator: ", "))\n"
    let c = counts
    out += Severity.allCases.reversed().map { paint("\($0.description) \(c[$0] ?? 0)", $0) }.joined(separator: "  ")
    out += "  (total \(findings.count))\n"
    for note in notes { out += "note: \(note)\n" }
    if findings.isEmpty { return out + "no findings\n" }
    out += "\n"
    for f in findings.prefix(limit) {
      var place = f.entity
      if let p = f.policy, p != f.entity { place += " · \(p)" }
      if let s = f.statement { place += " · statement \(s)" }
      out += "\(paint(f.severity.description.padding(toLength: 8, withPad: " ", startingAt: 0), f.severity)) \(f.rule)  \(f.definition.title)\n"
      out += "         \(place)\n         \(f.detail)\n"
    }
    if findings.count > limit {
      out += "\n... and \(findings.count - limit) more (use --format json, csv or sarif for all of them)\n"
    }
    return out
  }
}
