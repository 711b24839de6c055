extension ComplianceReport {
  /// `--format compliance-json`: per framework, each control's status, the findings against it
  /// (ids, severity, entity) and the evidence (which checks ran over what).
  public func renderJSON() -> String {
    let items: [JSONOut] = frameworks.map { framework in
      let counts = [ControlStatus.pass, .fail, .notAssessed].map { s in
        (s.rawValue, JSONOut.int(framework.controls.filter { $0.status == s }.count))
      }
      return .object([
        ("framework", .string(framework.name)), ("summary", .object(counts)),
        ("controls", .array(framework.controls.map { c in
          .object([
            ("id", .string(c.id)), ("title", .string(c.title)), ("status", .string(c.status.rawValue)),
            ("findings", .array(c.findings.map { f in
              .object([
                ("id", .string(f.id)), ("rule", .string(f.rule)), ("severity", .string(f.severity.description)),
                ("entity", .string(f.entity)), ("detail", .string(f.detail)),
              ])
            })),
            ("evidence", .array(c.evidence.map { e in
              .object([
                ("rule", .string(e.rule)), ("title", .string(e.title)), ("ran", .bool(e.ran)), ("scope", .string(e.scope)),
                ("findings", .int(e.findings)),
              ])
            })),
          ])
        })),
      ])
    }
    return JSONOut.object([
      ("schemaVersion", .int(1)), ("tool", .string("portcullis analyze")),
      ("generatedAt", .string(formatAWSDate(generatedAt))), ("accounts", .strings(accounts)),
      ("frameworks", .array(items)),
    ]).pretty()
  }
}
