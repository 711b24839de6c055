import Analyzer
import ArgumentParser
import Foundation
import PolicyEngine

/// `portcullis analyze`: best-practice, least-privilege, external-access, unused-access and
/// lint findings for AWS exports (offline) or a Portcullis data directory (live).
struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Analyze IAM configuration: CIS IAM checks, least privilege, external and unused access, policy lint.",
    discussion: """
      Offline: pass one or more `aws iam get-account-authorization-details` outputs (several \
      accounts at once), optionally the credential report, the password policy, CloudTrail logs \
      and SCPs. Live: pass the server's --data-dir (it may be running).
      Exit status: 0, or 2 when a finding is at or above --fail-on; 1 on bad input.
      With --baseline PREVIOUS.json (an earlier --format json report) the report shows new, fixed \
      and unchanged findings, and --fail-on considers only the new ones (the quarterly access review).
      --evidence DIR writes an auditor's evidence pack (configuration export, credential report, \
      MFA enrollment, password policy, findings, trail verification, MANIFEST.sha256).
      """)

  @Option(name: .customLong("authorization-details"), parsing: .upToNextOption, help: "Output(s) of `aws iam get-account-authorization-details`.")
  var authorizationDetails: [String] = []

  @Option(name: .customLong("data-dir"), help: "A Portcullis data directory to analyze (live mode).")
  var dataDir: String?

  @Option(name: .customLong("credential-report"), help: "The IAM credential report (CSV, or the JSON of `aws iam get-credential-report`).")
  var credentialReport: String?

  @Option(
    name: .customLong("password-policy"), parsing: .upToNextOption,
    help: "[ACCOUNT_ID=]FILE: output of `aws iam get-account-password-policy` (enables the CIS password checks); without an account id it applies to every account.")
  var passwordPolicies: [String] = []

  @Option(name: .customLong("cloudtrail"), parsing: .upToNextOption, help: "CloudTrail log files or folders (.json, .json.gz).")
  var cloudTrail: [String] = []

  @Option(name: .customLong("scps"), help: "A folder of service control policies (JSON documents) applied to every account.")
  var scps: String?

  @Option(name: .customLong("trusted-account"), parsing: .upToNextOption, help: "Account ids trusted besides the analyzed ones.")
  var trustedAccounts: [String] = []

  @Option(name: .customLong("unused-days"), help: "Days without use after which access counts as unused.")
  var unusedDays: Int = 90

  @Option(name: .customLong("as-of"), help: "Analyze as of this time (ISO 8601) instead of now, for reproducible reports.")
  var asOf: String?

  @Option(name: .long, help: "Output format: text, json, sarif, csv, html (one self-contained page) or compliance-json.")
  var format: AnalyzeFormat = .text

  @Option(name: .long, help: "Write the report to this file instead of standard output.")
  var output: String?

  @Option(name: .customLong("fail-on"), help: "Exit with status 2 when a finding has this severity or higher (CRITICAL, HIGH, MEDIUM, LOW, INFO); with --baseline, only a new finding.")
  var failOn: String?

  @Option(
    name: .customLong("baseline"),
    help: ArgumentHelp("A previous run's --format json report: show new, fixed and unchanged findings; --fail-on then counts only new ones.", valueName: "PREVIOUS.json"))
  var baselinePath: String?

  @Option(name: .customLong("evidence"), help: ArgumentHelp("Write an auditor's evidence pack into DIR (created; must be empty unless --force).", valueName: "DIR"))
  var evidence: String?

  @Flag(help: "With --evidence, write into a directory that is not empty.")
  var force = false

  @Option(
    name: .customLong("who-can"), parsing: .upToNextOption,
    help: ArgumentHelp("List every principal that can perform ACTION on RESOURCE, directly or through a privilege-escalation path (text or json).", valueName: "ACTION RESOURCE"))
  var whoCan: [String] = []

  func validate() throws {
    if authorizationDetails.isEmpty && dataDir == nil {
      throw ValidationError("give --authorization-details FILE... (offline) or --data-dir DIR (live)")
    }
    if !whoCan.isEmpty && (whoCan.count != 2 || !whoCan[0].contains(":")) {
      throw ValidationError("--who-can takes an action and a resource, e.g. --who-can iam:PassRole 'arn:aws:iam::123456789012:role/Admin'")
    }
    if !whoCan.isEmpty && format != .text && format != .json {
      throw ValidationError("--who-can writes text or json, not `\(format.rawValue)`")
    }
    if !whoCan.isEmpty && (evidence != nil || baselinePath != nil) {
      throw ValidationError("--who-can answers one question; it does not combine with --evidence or --baseline")
    }
    if let failOn, Severity(name: failOn) == nil {
      throw ValidationError("--fail-on must be one of CRITICAL, HIGH, MEDIUM, LOW, INFO, not `\(failOn)`")
    }
    if let asOf, parseAWSDate(asOf) == nil && parseAWSDate(asOf + "T00:00:00Z") == nil {
      throw ValidationError("--as-of must be an ISO 8601 time such as 2025-01-31T00:00:00Z, not `\(asOf)`")
    }
  }

  func run() throws {
    let now = asOf.flatMap { parseAWSDate($0) ?? parseAWSDate($0 + "T00:00:00Z") } ?? Date()
    var inventory = Inventory()
    do {
      if let dataDir {
        inventory = try DirectoryInventory.load(dataDirectory: dataDir)
        // The server's own trail (the open segment included) says who was active, as CloudTrail
        // files do offline.
        let segments = URL(fileURLWithPath: dataDir).appendingPathComponent("trail/segments")
        if FileManager.default.fileExists(atPath: segments.path) {
          let (activity, notes) = TrailCallReader.lastActivity(in: [segments])
          inventory.trailActivity.merge(activity) { max($0, $1) }
          inventory.notes += notes
        }
      }
      if !authorizationDetails.isEmpty {
        var inputs = InventoryLoader.Inputs()
        inputs.authorizationDetails = authorizationDetails.map { URL(fileURLWithPath: $0) }
        inputs.credentialReport = credentialReport.map { URL(fileURLWithPath: $0) }
        inputs.passwordPolicies = passwordPolicies.map { spec in
          let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
          if parts.count == 2, parts[0].count == 12, parts[0].allSatisfy(\.isNumber) {
            return (parts[0], URL(fileURLWithPath: parts[1]))
          }
          return (nil, URL(fileURLWithPath: spec))
        }
        inputs.cloudTrail = cloudTrail.map { URL(fileURLWithPath: $0) }
        inputs.serviceControlPolicies = scps.map { URL(fileURLWithPath: $0) }
        let offline = try InventoryLoader.load(inputs)
        inventory.accounts += offline.accounts
        inventory.trailActivity = offline.trailActivity
        inventory.serviceControlPolicies = offline.serviceControlPolicies
        inventory.notes += offline.notes
      }
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      throw ExitCode(1)
    }
    var options = AnalyzerOptions(now: now)
    options.unusedDays = unusedDays
    options.trustedAccounts = Set(trustedAccounts)
    options.offline = dataDir == nil
    if whoCan.count == 2 {
      try answerWhoCan(inventory, options)
      return
    }
    let (findings, escalation) = Analyzer.analyzeWithEscalation(inventory, options: options)
    let report = Report(
      findings: findings, accounts: inventory.accounts.map(\.id), generatedAt: now, notes: inventory.notes,
      referenceSource: options.reference.source)
    let baseline = try compareWithBaseline(report.findings)
    let colour = output == nil && format == .text && isatty(STDOUT_FILENO) != 0
    let text = format.reportFormat.map { report.render($0, colour: colour, baseline: baseline) } ?? renderWithInventory(report, inventory, options, escalation)
    if let output {
      do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: output))
      } catch {
        FileHandle.standardError.write(Data("error: cannot write `\(output)`: \(error.localizedDescription)\n".utf8))
        throw ExitCode(1)
      }
    } else {
      print(text, terminator: "")
    }
    if let evidence {
      do {
        try writeEvidence(
          to: evidence, report: report, inventory: inventory, options: options, escalation: escalation, baseline: baseline)
        FileHandle.standardError.write(Data("Evidence pack written to \(evidence) (check it: cd \(evidence) && sha256sum -c MANIFEST.sha256)\n".utf8))
      } catch {
        FileHandle.standardError.write(Data("error: --evidence: \(error)\n".utf8))
        throw ExitCode(1)
      }
    }
    if failsThreshold(report, baseline) {
      throw ExitCode(2)
    }
  }
}

extension ReportFormat: ExpressibleByArgument {}
extension AnalyzeFormat: ExpressibleByArgument {}

extension AnalyzeCommand {
  /// `--who-can ACTION RESOURCE`: the reverse question over the escalation graph.
  func answerWhoCan(_ inventory: Inventory, _ options: AnalyzerOptions) throws {
    let graph = EscalationGraph.build(inventory, options: options)
    let answer = graph.whoCan(action: whoCan[0], resource: whoCan[1])
    let text = format == .json ? answer.renderJSON(graph: graph) : answer.renderText(graph: graph)
    guard let output else {
      print(text, terminator: "")
      return
    }
    do {
      try Data(text.utf8).write(to: URL(fileURLWithPath: output))
    } catch {
      FileHandle.standardError.write(Data("error: cannot write `\(output)`: \(error.localizedDescription)\n".utf8))
      throw ExitCode(1)
    }
  }
}

extension AnalyzeCommand {
  /// The formats that need the inventory besides the findings: the HTML page (with the
  /// escalation graph) and the compliance JSON.
  func renderWithInventory(
    _ report: Report, _ inventory: Inventory, _ options: AnalyzerOptions, _ graph: EscalationGraph
  ) -> String {
    if format == .complianceJSON {
      return ComplianceReport(findings: report.findings, inventory: inventory, generatedAt: report.generatedAt).renderJSON()
    }
    return HTMLReport(report: report, inventory: inventory, options: options, escalation: HTMLEscalationView(graph)).render()
  }
}

/// `portcullis policy lint FILE...`: the analyzer's policy linter on standalone documents,
/// reporting in Access Analyzer's terms (finding type, statement index, element).
struct PolicyLintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Lint policy documents against the AWS service reference (exit 0 clean, 1 ERROR findings, 2 other findings).")

  @Option(name: .long, help: "Where the policies are used: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: PolicyKind = .managed

  @Option(name: .long, help: "Output format: text or json.")
  var format: String = "text"

  @Argument(help: "Policy files (JSON); `-` reads standard input.")
  var files: [String]

  func run() throws {
    let linter = PolicyLinter()
    var worst = 0
    var all: [[String: Any]] = []
    for file in files {
      let text: String
      do {
        text = String(decoding: try readInput(file), as: UTF8.self)
      } catch {
        print("\(file): error: cannot read: \(error.localizedDescription)")
        worst = 1
        continue
      }
      for f in linter.lint(text, kind: kind) {
        worst = f.findingType == "ERROR" ? 1 : (worst == 0 ? 2 : worst)
        if format == "json" {
          var o: [String: Any] = ["file": file, "findingType": f.findingType, "issueCode": f.rule, "detail": f.detail]
          if let s = f.statement { o["statementIndex"] = s }
          if let e = f.element { o["element"] = e }
          all.append(o)
        } else {
          let place = f.statement.map { " Statement[\($0)]\(f.element.map { ".\($0)" } ?? "")" } ?? ""
          print("\(file):\(place) \(f.findingType) \(f.rule): \(f.detail)")
        }
      }
    }
    if format == "json" {
      let data = try JSONSerialization.data(withJSONObject: ["findings": all], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
      print(String(decoding: data, as: UTF8.self))
    }
    if worst != 0 { throw ExitCode(Int32(worst)) }
  }
}
