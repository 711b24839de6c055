import Foundation

extension Report {
  /// Renders the report with what changed since `baseline`: text gets a section after the
  /// counts, JSON a `baseline` object (README, "JSON schema"); the other formats are unchanged.
  public func render(_ format: ReportFormat, colour: Bool = false, baseline: BaselineComparison?) -> String {
    guard let baseline else { return render(format, colour: colour) }
    switch format {
    case .text: return insertingBaselineSection(into: renderText(colour: colour), baseline)
    case .json: return appendingBaselineMember(to: renderJSON(), baseline)
    case .sarif, .csv: return render(format, colour: colour)
    }
  }

  /// The text section: one count line, then each new and each fixed finding.
  static func baselineText(_ b: BaselineComparison, limit: Int = 50) -> String {
    let since = b.previousGeneratedAt.map { " of \($0)" } ?? ""
    var out = "Since the baseline\(since) (\(b.source)): \(b.new.count) new, \(b.fixed.count) fixed, \(b.unchanged.count) unchanged\n"
    func line(_ tag: String, _ severity: String, _ rule: String, _ entity: String) -> String {
      "  \(tag.padding(toLength: 6, withPad: " ", startingAt: 0))\(severity.padding(toLength: 9, withPad: " ", startingAt: 0))\(rule)  \(entity)\n"
    }
    for f in b.new.prefix(limit) { out += line("NEW", f.severity.description, f.rule, f.entity) }
    if b.new.count > limit { out += "  ... and \(b.new.count - limit) more new\n" }
    for e in b.fixed.prefix(limit) { out += line("FIXED", e.severity, e.rule, e.entity) }
    if b.fixed.count > limit { out += "  ... and \(b.fixed.count - limit) more fixed\n" }
    return out
  }

  /// Puts the baseline section right after the summary lines (header, counts, notes), before
  /// the findings.
  private func insertingBaselineSection(into text: String, _ b: BaselineComparison) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var at = min(2, lines.count)
    while at < lines.count && lines[at].hasPrefix("note: ") { at += 1 }
    lines.insert(String(Self.baselineText(b).dropLast()), at: at)
    return lines.joined(separator: "\n")
  }

  /// The `baseline` member as JSON.
  static func baselineJSON(_ b: BaselineComparison) -> JSONOut {
    func brief(_ f: Finding) -> [(String, JSONOut)] {
      [("id", .string(f.id)), ("account", .string(f.account)), ("rule", .string(f.rule)), ("severity", .string(f.severity.description))]
    }
    var object: [(String, JSONOut)] = [("source", .string(b.source))]
    if let at = b.previousGeneratedAt { object.append(("previousGeneratedAt", .string(at))) }
    object += [
      ("summary", .object([("new", .int(b.new.count)), ("fixed", .int(b.fixed.count)), ("unchanged", .int(b.unchanged.count))])),
      ("new", .array(b.new.map { .object(brief($0)) })),
      ("fixed", .array(b.fixed.map { e in
        .object([
          ("id", .string(e.id)), ("account", .string(e.account)), ("rule", .string(e.rule)), ("severity", .string(e.severity)),
          ("entity", .string(e.entity)), ("title", .string(e.title)), ("detail", .string(e.detail)),
        ])
      })),
      ("unchanged", .array(b.unchanged.map { u in
        var o = brief(u.finding)
        if u.previousSeverity != u.finding.severity.description { o.append(("previousSeverity", .string(u.previousSeverity))) }
        return .object(o)
      })),
    ]
    return .object(object)
  }

  /// Adds `baseline` as the last member of the report object. The version-1 writer ends the
  /// object with `\n}\n` and never puts a raw newline inside a string, so re-indenting the
  /// member's lines by two spaces nests it exactly as the writer would have.
  private func appendingBaselineMember(to json: String, _ b: BaselineComparison) -> String {
    guard json.hasSuffix("\n}\n") else { return json }
    let member = Self.baselineJSON(b).pretty().dropLast().replacingOccurrences(of: "\n", with: "\n  ")
    return String(json.dropLast(3)) + ",\n  \"baseline\": " + member + "\n}\n"
  }
}
