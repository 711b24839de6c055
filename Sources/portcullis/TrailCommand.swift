import ArgumentParser
import Audit
import Foundation

/// `portcullis trail ...`: check and search the audit trail of a data directory.
struct TrailCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trail",
    abstract: "Verify and search the CloudTrail-format audit trail.",
    subcommands: [TrailVerifyCommand.self, TrailLookupCommand.self])
}

struct TrailOptions: ParsableArguments {
  @Option(name: .customLong("data-dir"), help: "The server's data directory (default: PORTCULLIS_DATA_DIR or ./.portcullis).")
  var dataDir: String?

  var files: TrailFiles {
    TrailFiles(dataDirectory: dataDir ?? ProcessInfo.processInfo.environment["PORTCULLIS_DATA_DIR"] ?? "./.portcullis")
  }
}

/// `portcullis trail verify`: like `aws cloudtrail validate-logs`.
struct TrailVerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check every digest signature, the digest chain and every segment's hash.",
    discussion: "Exits 0 when the trail is intact, 1 when a file was modified, deleted or inserted.")

  @OptionGroup var options: TrailOptions

  func run() throws {
    let files = options.files
    guard FileManager.default.fileExists(atPath: files.publicKeyFile.path) else {
      throw ValidationError("no trail in \(files.root.path) (no signing.pub)")
    }
    let report = try TrailVerifier.verify(files)
    print(report.text, terminator: "")
    if !report.isValid { throw ExitCode(1) }
  }
}

extension TrailVerifier.Report {
  /// The text `portcullis trail verify` prints.
  var text: String {
    var out = "Checked \(digestsChecked) digests, \(segmentsChecked) segments, \(recordsChecked) records.\n"
    for problem in problems { out += "INVALID: \(problem)\n" }
    if let until = provenUntil, let last = lastDigest { out += "The trail is verified up to \(until) (last digest \(last)).\n" }
    if let open = openSegment {
      out += "Segment \(open.name) is still open (\(open.records) records): it is digested when the server closes it.\n"
    }
    out += isValid ? "Trail is valid.\n" : "Trail is NOT valid.\n"
    return out
  }
}

/// `portcullis trail lookup`: the command-line `LookupEvents`.
struct TrailLookupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lookup",
    abstract: "Find events, newest first.",
    discussion: "Attributes as in `aws cloudtrail lookup-events`: EventName, Username, ResourceName, ResourceType, AccessKeyId, EventSource, ReadOnly, EventId.")

  @OptionGroup var options: TrailOptions

  @Option(name: .customLong("attribute"), help: "KEY=VALUE, e.g. EventName=CreateUser.")
  var attribute: String?

  @Option(name: .customLong("start-time"), help: "ISO 8601 time, e.g. 2026-11-26T00:00:00Z.")
  var startTime: String?

  @Option(name: .customLong("end-time"), help: "ISO 8601 time.")
  var endTime: String?

  @Option(name: .customLong("max"), help: "At most this many events.")
  var max = 50

  @Flag(help: "Print the records as JSON lines instead of a table.")
  var json = false

  func run() throws {
    var query = TrailQuery()
    if let attribute {
      let parts = attribute.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, TrailQuery.attributeKeys.contains(parts[0]) else {
        throw ValidationError("--attribute takes KEY=VALUE with KEY one of \(TrailQuery.attributeKeys.sorted().joined(separator: ", "))")
      }
      query.attribute = (parts[0], parts[1])
    }
    if let startTime {
      guard let date = AuditEvent.parseTimestamp(startTime) else { throw ValidationError("--start-time: not an ISO 8601 time") }
      query.startTime = date
    }
    if let endTime {
      guard let date = AuditEvent.parseTimestamp(endTime) else { throw ValidationError("--end-time: not an ISO 8601 time") }
      query.endTime = date
    }
    let records = options.files.lookup(query, limit: max).records
    if json {
      for record in records { print(record.serialized) }
      return
    }
    let rows = records.map { r -> [String] in
      [
        r["eventTime"]?.stringValue ?? "", r["eventName"]?.stringValue ?? "", TrailEventView(r).userName ?? "-",
        r["sourceIPAddress"]?.stringValue ?? "", r["errorCode"]?.stringValue ?? "OK",
      ]
    }
    let header = ["TIME", "EVENT", "USER", "SOURCE IP", "RESULT"]
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
    }
    print(line(header))
    for row in rows { print(line(row)) }
  }
}
