import ArgumentParser
import Audit
import Foundation
import Hummingbird
import Logging
import Server
import Services

/// `portcullis serve`: the IAM API on one port, with an embedded SQLite store.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the AWS-compatible IAM server (default 127.0.0.1:9600, data in ./.portcullis).",
    discussion: """
      Every option can also be set with an environment variable: PORTCULLIS_LISTEN,
      PORTCULLIS_DATA_DIR, PORTCULLIS_IN_MEMORY, PORTCULLIS_ACCOUNT_ID,
      PORTCULLIS_ROOT_ACCESS_KEY_ID, PORTCULLIS_ROOT_SECRET_ACCESS_KEY, PORTCULLIS_MASTER_KEY,
      PORTCULLIS_QUOTAS (NAME=VALUE,...), PORTCULLIS_SESSION_KEYS. Command-line options win.
      """)

  @Option(help: "Address to listen on, HOST:PORT.")
  var listen: String?

  @Option(name: .customLong("data-dir"), help: "Data directory (created if missing).")
  var dataDir: String?

  @Flag(name: .customLong("in-memory"), help: "Keep everything in memory; write nothing to disk.")
  var inMemory = false

  @Option(name: .customLong("account-id"), help: "The first account's 12-digit id when the data directory is new.")
  var accountID: String?

  @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
  var logLevel: String = "info"

  @Option(
    name: .customLong("quota"),
    help: "A quota other than AWS's default, NAME=VALUE (repeatable): users, groups, roles, policies, instanceProfiles, groupsPerUser, managedPoliciesPerEntity, accessKeysPerUser, versionsPerPolicy, rolesPerInstanceProfile, tagsPerEntity.")
  var quota: [String] = []

  func run() async throws {
    var config = ServerConfiguration.fromEnvironment()
    if let listen, !config.setListen(listen) { throw ValidationError("--listen takes HOST:PORT, got `\(listen)`") }
    if let dataDir { config.dataDirectory = dataDir }
    if inMemory { config.inMemory = true }
    if let accountID {
      guard accountID.count == 12, accountID.allSatisfy(\.isNumber) else {
        throw ValidationError("--account-id must be 12 digits")
      }
      config.accountID = accountID
    }
    for item in quota where !config.setQuotas(item).isEmpty {
      throw ValidationError("--quota takes NAME=VALUE, got `\(item)`")
    }
    let unknownQuotas = IAMQuotas.with(config.quotas).unknown
    guard unknownQuotas.isEmpty else {
      throw ValidationError("unknown quota \(unknownQuotas.joined(separator: ", ")); see --help")
    }
    let level = Logger.Level(rawValue: logLevel) ?? .info
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    let logger = Logger(label: "portcullis")
    let (directory, created) = try ServerBootstrap.open(config)
    if let created, config.rootSecretAccessKey != nil {
      // The operator chose the secret: there is nothing to show, and it must not reach a log.
      print("Portcullis created account \(created.accountID) with root access key \(created.accessKeyID) (secret from PORTCULLIS_ROOT_SECRET_ACCESS_KEY).")
    } else if let created {
      // A generated secret is printed once, on the start that created it; never logged.
      print(
        """
        Portcullis created account \(created.accountID) and its root access key:
          AWS_ACCESS_KEY_ID=\(created.accessKeyID)
          AWS_SECRET_ACCESS_KEY=\(created.secretAccessKey)
        Keep the secret: it is not shown again.
        """)
    }
    print("Portcullis listening on http://\(config.host):\(config.port) (data: \(config.inMemory ? "in memory" : config.dataDirectory))")
    fflush(nil)
    let lastUsed = LastUsedRecorder()
    let sessionKeys = try ServerBootstrap.sessionKeys(config)
    let (trail, alerts) = try openTrail(config, logger: logger)
    let app = PortcullisServer.application(
      configuration: config, directory: directory, lastUsed: lastUsed, sessionKeys: sessionKeys, trail: trail,
      logger: logger)
    try await app.runService()
    // In-flight requests have finished; keep their last-used data and every event they made.
    lastUsed.flush(into: directory)
    trail?.shutdown()
    await alerts?.shutdown()
  }

  /// The audit trail in `<data dir>/trail` with the alert rules watching it; none in memory or
  /// with `PORTCULLIS_TRAIL=off`. A rules file with mistakes stops the start, listing them all.
  func openTrail(_ config: ServerConfiguration, logger: Logger) throws -> (TrailWriter?, AlertEngine?) {
    guard config.trail, !config.inMemory else { return (nil, nil) }
    let alertConfiguration: AlertConfiguration
    do {
      alertConfiguration = try AlertConfiguration.load(dataDirectory: config.dataDirectory)
    } catch {
      throw ValidationError(error.description)
    }
    let trail = try TrailWriter(files: TrailFiles(dataDirectory: config.dataDirectory))
    let alerts = AlertEngine(
      configuration: alertConfiguration, dataDirectory: config.dataDirectory,
      log: { alert in logger.warning("alert", metadata: ["rule": .string(alert.ruleID), "summary": .string(alert.summary)]) })
    trail.observe { record in alerts.observe(record) }
    return (trail, alerts)
  }
}
