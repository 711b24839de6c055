import AWSWire
import Analyzer
import ArgumentParser
import Audit
import Crypto
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services

/// A directory being filled with an auditor's evidence: each file is recorded with what it is,
/// so the README describes exactly what was written and the manifest covers every file.
struct EvidencePack {
  let root: URL
  private(set) var files: [(path: String, about: String)] = []

  /// Creates `path` (and its parents). An existing directory must be empty unless `force`:
  /// evidence mixed with older files is not evidence. With `force`, files of the same names
  /// are replaced and any others are left alone (and are not in the manifest).
  static func prepare(_ path: String, force: Bool) throws -> EvidencePack {
    let url = URL(fileURLWithPath: path)
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw EvidenceError("`\(path)` exists and is not a directory") }
      let contents = try fm.contentsOfDirectory(atPath: path)
      if !contents.isEmpty && !force {
        throw EvidenceError("evidence directory `\(path)` is not empty (\(contents.count) entries); give an empty or new one, or --force to write into it")
      }
    } else {
      try fm.createDirectory(at: url, withIntermediateDirectories: true)
    }
    return EvidencePack(root: url)
  }

  mutating func write(_ text: String, to path: String, about: String) throws {
    try write(Data(text.utf8), to: path, about: about)
  }

  mutating func write(_ data: Data, to path: String, about: String) throws {
    try data.write(to: root.appendingPathComponent(path), options: .atomic)
    files.append((path, about))
  }

  /// A file name not used yet in the pack: `name`, else `stem-2.ext`, `stem-3.ext`...
  func unusedName(_ name: String) -> String {
    guard files.contains(where: { $0.path == name }) else { return name }
    let ext = (name as NSString).pathExtension
    let stem = (name as NSString).deletingPathExtension
    var n = 2
    while files.contains(where: { $0.path == "\(stem)-\(n)\(ext.isEmpty ? "" : ".\(ext)")" }) { n += 1 }
    return "\(stem)-\(n)\(ext.isEmpty ? "" : ".\(ext)")"
  }

  /// Writes README.txt, then MANIFEST.sha256 over every file written (README included), in
  /// `sha256sum` format, so `cd DIR && sha256sum -c MANIFEST.sha256` checks the pack.
  mutating func finish(readme: String) throws {
    try write(readme, to: "README.txt", about: "this description")
    var manifest = ""
    for (path, _) in files.sorted(by: { $0.path < $1.path }) {
      let data = try Data(contentsOf: root.appendingPathComponent(path))
      let hex = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
      manifest += "\(hex)  \(path)\n"
    }
    try Data(manifest.utf8).write(to: root.appendingPathComponent("MANIFEST.sha256"), options: .atomic)
  }
}

struct EvidenceError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

extension AnalyzeCommand {
  /// `--evidence DIR`: the configuration export, credential report, MFA enrollment, password
  /// policy, findings (JSON, compliance JSON, HTML), trail verification (live, when the data
  /// directory has a trail) and a SHA-256 manifest.
  func writeEvidence(
    to path: String, report: Report, inventory: Inventory, options: AnalyzerOptions, escalation: EscalationGraph,
    baseline: BaselineComparison?
  ) throws {
    var pack = try EvidencePack.prepare(path, force: force)
    let now = options.now
    var produced: [String] = []
    if let dataDir {
      produced += try writeLiveEvidence(&pack, dataDir: dataDir, inventory: inventory, now: now)
    }
    if !authorizationDetails.isEmpty {
      produced += try writeOfflineEvidence(&pack, inventory: inventory)
    }
    try pack.write(report.render(.json, baseline: baseline), to: "findings.json", about: "the findings, `portcullis analyze --format json`\(baseline == nil ? "" : " (with the comparison to the baseline)")")
    try pack.write(
      ComplianceReport(findings: report.findings, inventory: inventory, generatedAt: report.generatedAt).renderJSON(),
      to: "compliance.json", about: "each SOC 2, ISO 27001, HIPAA, NIST CSF and CMMC control's status, findings and evidence, `--format compliance-json`")
    try pack.write(
      HTMLReport(report: report, inventory: inventory, options: options, escalation: HTMLEscalationView(escalation)).render(),
      to: "report.html", about: "the same findings as one self-contained page for reading (`--format html`)")
    try pack.finish(readme: evidenceReadme(pack, report: report, produced: produced))
  }

  /// The README: when, from what and how the pack was made, then one line per file.
  private func evidenceReadme(_ pack: EvidencePack, report: Report, produced: [String]) -> String {
    var out = """
      Portcullis evidence pack
      ========================

      Produced by `portcullis analyze` at \(formatAWSDate(Date()))\(asOf == nil ? "" : ", analyzing as of \(formatAWSDate(report.generatedAt))").
      Accounts: \(report.accounts.joined(separator: ", ")).
      Inputs: \(dataDir.map { "the Portcullis data directory \($0) (live)" } ?? "AWS exports (offline): \(authorizationDetails.joined(separator: ", "))").
      Findings: \(report.findings.count) (rules and controls: README of Portcullis, "Analyzer").

      Check the files have not changed since:  cd <this directory> && sha256sum -c MANIFEST.sha256
      (MANIFEST.sha256 lists the SHA-256 of every other file, README.txt included.)


      """
    for line in produced { out += line + "\n" }
    if !produced.isEmpty { out += "\n" }
    out += "Files\n-----\n"
    for (path, about) in pack.files { out += "\(path)\n    \(about)\n" }
    out += "README.txt\n    this description\nMANIFEST.sha256\n    SHA-256 of every file above\n"
    return out
  }

  // MARK: live

  /// Reads the data directory's store through a Directory that cannot write, and asks the IAM
  /// service itself for each account's export and password policy, as root, so the files are
  /// what `aws iam get-account-authorization-details` and `get-account-password-policy` would
  /// print against the running server.
  private func writeLiveEvidence(_ pack: inout EvidencePack, dataDir: String, inventory: Inventory, now: Date) throws -> [String] {
    let databasePath = "\(dataDir)/portcullis.sqlite"
    let directory = try Directory(store: ReadOnlyDirectoryStore(try SQLiteDirectoryStore(path: databasePath)), secrets: .ephemeral())
    let snapshot = directory.snapshot
    let iam = IAMService(directory: directory, authorizer: Authorizer(), now: { now })
    var notes = ["The configuration was read from \(databasePath) at store sequence \(snapshot.sequence)."]
    var serials: [String: [String: [String]]] = [:]
    for (id, account) in snapshot.accounts.sorted(by: { $0.key < $1.key }) {
      let caller = Caller(
        accountID: id, principal: RequestPrincipal("arn:aws:iam::\(id):root"), userName: nil, userID: id, accessKeyID: "",
        sourceIP: "127.0.0.1", secureTransport: true, region: "us-east-1", time: now)
      do {
        try pack.write(
          try LiveExport.authorizationDetails(iam, caller), to: "authorization-details-\(id).json",
          about: "account \(id)'s configuration: every user, group, role and managed policy with its policies, as `aws iam get-account-authorization-details` prints it (all pages merged), produced by the server's own GetAccountAuthorizationDetails")
      } catch {
        notes.append("Account \(id): no configuration export: \(error)")
      }
      try pack.write(
        CredentialReport.csv(account, now: now), to: "credential-report-\(id).csv",
        about: "account \(id)'s IAM credential report (AWS's CSV columns), generated at \(formatAWSDate(now)) as GenerateCredentialReport does")
      switch LiveExport.passwordPolicy(iam, caller) {
      case .success(let json):
        try pack.write(json, to: "password-policy-\(id).json", about: "account \(id)'s password policy, as `aws iam get-account-password-policy` prints it")
      case .failure(let error):
        try pack.write(
          "Account \(id) has no password policy: IAM's default rules apply (GetAccountPasswordPolicy: \(error.code): \(error.message)).\n",
          to: "password-policy-\(id).txt", about: "account \(id) has no password policy (a note, not a policy)")
      }
      var devices: [String: [String]] = [:]
      for device in account.mfaDevices.values where device.enableDate != nil {
        devices[device.userName?.lowercased() ?? (device.isRootDevice ? "<root_account>" : ""), default: []].append(device.serialNumber)
      }
      serials[id] = devices.mapValues { $0.sorted() }
    }
    try pack.write(
      MFAEnrollment(inventory: inventory, serials: serials).csv(), to: "mfa-enrollment.csv",
      about: "MFA enrollment: per account, the root user and every IAM user, console access (a login profile), MFA active and the serial numbers of enabled devices")
    let trail = TrailFiles(dataDirectory: dataDir)
    if FileManager.default.fileExists(atPath: trail.publicKeyFile.path) {
      let text: String
      do {
        text = try TrailVerifier.verify(trail).text
      } catch {
        text = "The trail could not be verified: \(error)\n"
      }
      try pack.write(
        text, to: "trail-verification.txt",
        about: "`portcullis trail verify` of \(trail.root.path): digest signatures, the digest chain and every segment's hash")
    } else {
      notes.append("No audit trail in \(dataDir)/trail, so no trail verification.")
    }
    return notes
  }

  // MARK: offline

  /// Copies the inputs as given (they are AWS's own exports) and derives the MFA table from
  /// them; what the inputs do not hold is said, not invented.
  private func writeOfflineEvidence(_ pack: inout EvidencePack, inventory: Inventory) throws -> [String] {
    var notes: [String] = []
    for file in authorizationDetails {
      let url = URL(fileURLWithPath: file)
      try pack.write(
        try Data(contentsOf: url), to: pack.unusedName(url.lastPathComponent.contains("authorization-details") ? url.lastPathComponent : "authorization-details-\(url.lastPathComponent)"),
        about: "configuration export: \(file), copied unchanged (the output of `aws iam get-account-authorization-details`)")
    }
    if let credentialReport {
      let data = try Data(contentsOf: URL(fileURLWithPath: credentialReport))
      try pack.write(
        LiveExport.credentialReportCSV(data), to: "credential-report.csv",
        about: "the IAM credential report given (\(credentialReport)), as CSV (decoded from the CLI's base64 `Content` when the JSON was given)")
    } else {
      notes.append("No credential report was given (--credential-report), so no credential-report.csv and MFA enrollment says `unknown`.")
    }
    for spec in passwordPolicies {
      let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
      let (account, file) = parts.count == 2 && parts[0].count == 12 && parts[0].allSatisfy(\.isNumber) ? (parts[0], parts[1]) : ("all", spec)
      try pack.write(
        try Data(contentsOf: URL(fileURLWithPath: file)), to: pack.unusedName("password-policy-\(account).json"),
        about: "password policy for \(account == "all" ? "every account" : "account \(account)"): \(file), copied unchanged (`aws iam get-account-password-policy`)")
    }
    if passwordPolicies.isEmpty {
      notes.append("No password policy was given (--password-policy), so the pack has none.")
    }
    try pack.write(
      MFAEnrollment(inventory: inventory).csv(), to: "mfa-enrollment.csv",
      about: "MFA enrollment from the credential report: console access, MFA active (`unknown` without a report); AWS's exports name no device serials")
    notes.append("Offline inputs carry no Portcullis trail, so no trail verification (CloudTrail's own is `aws cloudtrail validate-logs`).")
    return notes
  }
}

/// A store that loads and never commits: the evidence pack reads a data directory that a
/// running server may own.
private struct ReadOnlyDirectoryStore: DirectoryStore {
  let base: SQLiteDirectoryStore
  init(_ base: SQLiteDirectoryStore) { self.base = base }
  func load() throws -> (entities: [EntityChange], sequence: Int64) { try base.load() }
  func commit(_ changes: [EntityChange]) throws -> Int64 { throw EvidenceError("the evidence pack never writes the store") }
  func changes(after sequence: Int64, limit: Int) throws -> [ChangeRecord] { try base.changes(after: sequence, limit: limit) }
  func commit(_ changes: [EntityChange], rewritingLog rewrite: (EntityChange) throws -> EntityChange) throws -> Int64 {
    throw EvidenceError("the evidence pack never writes the store")
  }
}
