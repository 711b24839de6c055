import Analyzer
import ArgumentParser
import Foundation

/// `portcullis policy generate`: the least-privilege policy for a principal, written from its
/// successful calls in the trail (Portcullis's own, or CloudTrail log files).
struct PolicyGenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Generate a least-privilege policy from a principal's activity in the trail.",
    discussion: """
      Reads the trail of --data-dir (DIR/trail/segments) or CloudTrail log files (--cloudtrail), \
      keeps the principal's successful calls in the window (a role's sessions count as the role), \
      and prints the policy that allows exactly those actions, with resources from the requests \
      where the AWS ARN format can be completed. With an inventory (--data-dir or \
      --authorization-details) it also lists what the principal may do now but did not use.
      """)

  @Option(help: "The user or role ARN.")
  var principal: String

  @Option(help: "The window: 90d, 12h, or an ISO 8601 start time.")
  var since: String = "90d"

  @Option(name: .customLong("cloudtrail"), parsing: .upToNextOption, help: "CloudTrail log files or folders (.json, .json.gz).")
  var cloudTrail: [String] = []

  @Option(name: .customLong("data-dir"), help: "A Portcullis data directory: its trail, and its IAM configuration for the diff.")
  var dataDir: String?

  @Option(name: .customLong("authorization-details"), help: "Output of `aws iam get-account-authorization-details`, for the diff.")
  var authorizationDetails: String?

  @Option(name: .customLong("as-of"), help: "Treat this time (ISO 8601) as now.")
  var asOf: String?

  @Option(help: "Output format: text or json.")
  var format: String = "text"

  func validate() throws {
    if cloudTrail.isEmpty && dataDir == nil { throw ValidationError("give --cloudtrail DIR... or --data-dir DIR") }
    if !["text", "json"].contains(format) { throw ValidationError("--format must be text or json, not `\(format)`") }
    if !principal.hasPrefix("arn:") { throw ValidationError("--principal must be an ARN, not `\(principal)`") }
    if asOf != nil && parseTime(asOf!) == nil { throw ValidationError("--as-of must be an ISO 8601 time, not `\(asOf!)`") }
    if window(endingAt: Date()) == nil {
      throw ValidationError("--since must be a duration such as 90d or 12h, or an ISO 8601 time, not `\(since)`")
    }
  }

  func parseTime(_ s: String) -> Date? { parseAWSDate(s) ?? parseAWSDate(s + "T00:00:00Z") }

  /// The window's start.
  func window(endingAt now: Date) -> Date? {
    if let unit = since.last, let n = Double(since.dropLast()), n >= 0 {
      switch unit {
      case "d": return now.addingTimeInterval(-n * 86_400)
      case "h": return now.addingTimeInterval(-n * 3_600)
      default: break
      }
    }
    return parseTime(since)
  }

  func run() throws {
    let now = asOf.flatMap(parseTime) ?? Date()
    var urls = cloudTrail.map { URL(fileURLWithPath: $0) }
    if let dataDir { urls.append(URL(fileURLWithPath: dataDir).appendingPathComponent("trail/segments")) }
    let (calls, notes) = TrailCallReader.calls(in: urls)
    for note in notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
    let generator = PolicyGenerator()
    var policy = generator.generate(principal: principal, calls: calls, since: window(endingAt: now)!, until: now)
    var inventory: Inventory?
    do {
      if let authorizationDetails {
        var inputs = InventoryLoader.Inputs()
        inputs.authorizationDetails = [URL(fileURLWithPath: authorizationDetails)]
        inventory = try InventoryLoader.load(inputs)
      } else if let dataDir {
        inventory = try DirectoryInventory.load(dataDirectory: dataDir)
      }
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      throw ExitCode(1)
    }
    if let inventory {
      let current = GrantedPermissions.compute(inventory, options: AnalyzerOptions(now: now), only: [principal])
      if let grant = current.first {
        generator.compare(&policy, with: grant)
      } else {
        FileHandle.standardError.write(Data("note: `\(principal)` is not in the inventory; no diff\n".utf8))
      }
    }
    print(format == "json" ? policy.renderJSON() : policy.renderText(), terminator: "")
  }
}
