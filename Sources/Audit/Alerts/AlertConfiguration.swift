import Foundation

/// A webhook that receives alerts. The secret signs each body (HMAC-SHA256) so the receiver
/// can tell Portcullis's calls from anyone else's.
public struct WebhookConfiguration: Sendable, CustomStringConvertible {
  public var url: URL
  /// Never printed: `description` leaves it out.
  public var secret: [UInt8]
  public var minimumSeverity: AlertSeverity
  /// Tries per alert, the first included.
  public var maxAttempts: Int
  /// The wait before the second try; it doubles for each further try.
  public var initialBackoff: Duration
  /// Alerts waiting beyond this many are dropped, oldest first.
  public var queueCapacity: Int

  public init(
    url: URL, secret: [UInt8], minimumSeverity: AlertSeverity = .low, maxAttempts: Int = 5,
    initialBackoff: Duration = .seconds(1), queueCapacity: Int = 1000
  ) {
    self.url = url
    self.secret = secret
    self.minimumSeverity = minimumSeverity
    self.maxAttempts = maxAttempts
    self.initialBackoff = initialBackoff
    self.queueCapacity = queueCapacity
  }

  public var description: String { "webhook \(url.absoluteString) (minimum severity \(minimumSeverity.rawValue))" }
}

/// Everything the alert engine needs: the rules in force, the business hours, the webhooks.
public struct AlertConfiguration: Sendable {
  public var rules: [AlertRule]
  public var businessHours: BusinessHours
  public var webhooks: [WebhookConfiguration]

  public init(rules: [AlertRule], businessHours: BusinessHours = .standard, webhooks: [WebhookConfiguration] = []) {
    self.rules = rules
    self.businessHours = businessHours
    self.webhooks = webhooks
  }

  /// The built-in rules, standard business hours, no webhooks: what runs without a rules file.
  public static var defaults: AlertConfiguration {
    AlertConfiguration(rules: BuiltInAlertRules.rules())
  }

  /// The environment variable naming the rules file; without it, `<data-dir>/alert-rules.json`
  /// is read when it exists.
  public static let rulesFileVariable = "PORTCULLIS_ALERT_RULES"
  public static let rulesFileName = "alert-rules.json"

  /// Loads the rules file for a data directory. A missing default file means the defaults; a
  /// file named by the environment must exist.
  public static func load(
    dataDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(AlertRulesFileError) -> AlertConfiguration {
    let explicit = environment[rulesFileVariable].flatMap { $0.isEmpty ? nil : $0 }
    let path = explicit ?? (dataDirectory as NSString).appendingPathComponent(rulesFileName)
    guard let data = FileManager.default.contents(atPath: path) else {
      if explicit == nil && !FileManager.default.fileExists(atPath: path) { return .defaults }
      throw AlertRulesFileError(file: path, problems: ["cannot read the rules file"])
    }
    do {
      return try AlertRulesFile.parse(Array(data), environment: environment)
    } catch {
      throw AlertRulesFileError(file: path, problems: error.problems)
    }
  }
}

/// A rules file that could not be used, with every problem found in it (not just the first),
/// each prefixed by where it is: `rules[2].pattern: column 14: expected …`.
public struct AlertRulesFileError: Error, Sendable, CustomStringConvertible {
  public var file: String?
  public var problems: [String]

  public init(file: String? = nil, problems: [String]) {
    self.file = file
    self.problems = problems
  }

  public var description: String {
    let head = file.map { "invalid alert rules file \($0)" } ?? "invalid alert rules"
    return head + ":\n" + problems.map { "  " + $0 }.joined(separator: "\n")
  }
}
