import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Synchronization

/// The latest credential report of each account, kept in memory: a report is a snapshot that
/// AWS, too, keeps only for hours, and one lost with a restart is generated again on request
/// (`GetCredentialReport` then says `ReportNotPresent`, as for an account that never asked).
final class CredentialReportStore: Sendable {
  struct Report: Sendable {
    var content: Data
    var generatedTime: Date
  }

  private let reports = Mutex<[String: Report]>([:])

  func report(_ accountID: String) -> Report? {
    reports.withLock { $0[accountID] }
  }

  func store(_ report: Report, for accountID: String) {
    reports.withLock { $0[accountID] = report }
  }
}

extension IAMService {
  static func registerCredentialReport(_ h: inout [String: Handler]) {
    h["GenerateCredentialReport"] = { s, i, c in try s.generateCredentialReport(i, c) }
    h["GetCredentialReport"] = { s, i, c in try s.getCredentialReport(i, c) }
  }

  /// AWS reuses a report for four hours: asking again within them returns the same report, and
  /// after them the report has expired and a new one is generated.
  static let credentialReportLifetime: TimeInterval = 4 * 3_600

  /// Generates the report unless a fresh one exists. AWS generates in the background and
  /// answers `STARTED` (then `INPROGRESS`, then `COMPLETE` on later calls); this server builds
  /// the report at once, so it answers `STARTED` when it made a new report and `COMPLETE` when
  /// the last one is still fresh — the states a client polling AWS sees.
  func generateCredentialReport(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "GenerateCredentialReport", "*", snapshot: snapshot)
    let time = now()
    let existing = credentialReports.report(caller.accountID)
    if let existing, time.timeIntervalSince(existing.generatedTime) < Self.credentialReportLifetime {
      return .structure(["State": .string("COMPLETE")])
    }
    var account = try accountDirectory(caller, snapshot)
    // Key uses not yet written to the directory belong in the report.
    for (id, key) in account.accessKeys {
      guard let use = lastUsed.pendingUse(of: id) else { continue }
      var updated = key
      updated.lastUsedDate = use.date
      updated.lastUsedService = use.service
      updated.lastUsedRegion = use.region
      account.accessKeys[id] = updated
    }
    let csv = CredentialReport.csv(account, now: time)
    credentialReports.store(.init(content: Data(csv.utf8), generatedTime: time), for: caller.accountID)
    return .object([
      "State": .string("STARTED"),
      "Description": existing == nil ? .string("No report exists. Starting a new report generation task") : nil,
    ])
  }

  /// The latest report, base64 in `Content` as the Query protocol writes blobs.
  func getCredentialReport(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "GetCredentialReport", "*", snapshot: snapshot)
    guard let report = credentialReports.report(caller.accountID) else {
      throw AWSError(
        code: "ReportNotPresent",
        message: "Credential report not present. To generate a credential report, use GenerateCredentialReport.",
        status: 410)
    }
    if now().timeIntervalSince(report.generatedTime) >= Self.credentialReportLifetime {
      throw AWSError(
        code: "ReportExpired",
        message: "Credential report has expired. To generate a new credential report, use GenerateCredentialReport.",
        status: 410)
    }
    return .structure([
      "Content": .blob(report.content), "ReportFormat": .string("text/csv"),
      "GeneratedTime": .timestamp(report.generatedTime),
    ])
  }
}
