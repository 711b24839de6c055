import Foundation

extension GeneratedPolicy {
  /// The policy, the window it covers, the linter's verdict and (with a current grant) the diff.
  public func renderText() -> String {
    var out = "Policy for \(principal) from its activity \(formatAWSDate(since)) .. \(formatAWSDate(until))\n"
    out += "\(callsObserved) successful call(s), \(actions.count) action(s) in \(grants.count) statement(s)\n"
    if let current = currentActionCount {
      out += "allowed now: \(current) action(s); the generated policy keeps \(actions.count)\n"
    }
    out += "linter: " + (lint.isEmpty ? "clean" : "\(lint.count) finding(s)") + "\n"
    for f in lint { out += "  \(f.findingType) \(f.rule): \(f.detail)\n" }
    for e in unmappedEvents { out += "note: `\(e)` maps to no IAM action; left out\n" }
    out += "\n" + (grants.isEmpty ? "no activity in the window: nothing to grant\n" : document)
    if let removed = wouldBeRemoved {
      out += "\nwould be removed (\(removed.count) allowed now, unused in the window):\n"
      for a in removed.prefix(200) { out += "  - \(a)\n" }
      if removed.count > 200 { out += "  ... and \(removed.count - 200) more (use --format json)\n" }
    }
    return out
  }

  /// JSON: the policy as an object, the window, the linter findings and the diff.
  public func renderJSON() -> String {
    var o: [(String, JSONOut)] = [
      ("principal", .string(principal)), ("since", .string(formatAWSDate(since))), ("until", .string(formatAWSDate(until))),
      ("callsObserved", .int(callsObserved)), ("actions", .strings(actions)),
      ("policy", .object([
        ("Version", .string("2012-10-17")),
        ("Statement", .array(grants.enumerated().map { i, g in
          .object([
            ("Sid", .string("Observed\(i + 1)")), ("Effect", .string("Allow")), ("Action", .strings(g.actions)),
            ("Resource", .strings(g.resources)),
          ])
        })),
      ])),
      ("lint", .array(lint.map { f in
        var m: [(String, JSONOut)] = [("findingType", .string(f.findingType)), ("issueCode", .string(f.rule)), ("detail", .string(f.detail))]
        if let s = f.statement { m.append(("statementIndex", .int(s))) }
        return .object(m)
      })),
      ("unmappedEvents", .strings(unmappedEvents)),
    ]
    if let removed = wouldBeRemoved, let current = currentActionCount {
      o.append(("currentActionCount", .int(current)))
      o.append(("wouldBeRemoved", .strings(removed)))
    }
    return JSONOut.object(o).pretty()
  }
}
