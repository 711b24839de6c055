import Foundation

/// How `portcullis serve` runs: where it listens, where it keeps data, and how the first
/// account is created. Every setting also comes from a `PORTCULLIS_*` environment variable.
public struct ServerConfiguration: Sendable {
  public var host = "127.0.0.1"
  public var port = 9600
  /// The data directory (SQLite database and master key).
  public var dataDirectory = "./.portcullis"
  /// Keep everything in memory and write nothing (tests).
  public var inMemory = false
  /// The first account's id when the data directory is new.
  public var accountID: String?
  /// The root access key to create with the first account, instead of a random one.
  public var rootAccessKeyID: String?
  public var rootSecretAccessKey: String?
  /// The master key for secrets at rest (base64), instead of the key file.
  public var masterKey: String?
  /// Quotas that differ from AWS's defaults, by name (see `IAMQuotas.named`), e.g. `users` raised
  /// for a load test with 100,000 users.
  public var quotas: [String: Int] = [:]
  /// Record every request in the audit trail (`<data dir>/trail`); off with `PORTCULLIS_TRAIL=off`.
  /// An in-memory server has no trail.
  public var trail = true

  public init() {}

  /// Reads `PORTCULLIS_*` variables over the defaults.
  public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> ServerConfiguration {
    var c = ServerConfiguration()
    if let listen = env["PORTCULLIS_LISTEN"] { c.setListen(listen) }
    if let dir = env["PORTCULLIS_DATA_DIR"] { c.dataDirectory = dir }
    if let v = env["PORTCULLIS_IN_MEMORY"] { c.inMemory = ["1", "true", "yes"].contains(v.lowercased()) }
    c.accountID = env["PORTCULLIS_ACCOUNT_ID"]
    c.rootAccessKeyID = env["PORTCULLIS_ROOT_ACCESS_KEY_ID"]
    c.rootSecretAccessKey = env["PORTCULLIS_ROOT_SECRET_ACCESS_KEY"]
    c.masterKey = env["PORTCULLIS_MASTER_KEY"]
    if let users = env["PORTCULLIS_USERS_QUOTA"].flatMap(Int.init) { c.quotas["users"] = users }
    if let list = env["PORTCULLIS_QUOTAS"] { _ = c.setQuotas(list) }
    if let v = env["PORTCULLIS_TRAIL"] { c.trail = !["0", "false", "no", "off"].contains(v.lowercased()) }
    return c
  }

  /// Reads `name=value,name=value`; returns the names it did not understand.
  public mutating func setQuotas(_ list: String) -> [String] {
    var unknown: [String] = []
    for item in list.split(separator: ",") {
      let parts = item.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)), value >= 0 else {
        unknown.append(String(item))
        continue
      }
      quotas[parts[0].trimmingCharacters(in: .whitespaces)] = value
    }
    return unknown
  }

  /// Sets host and port from `HOST:PORT` (or `[IPv6]:PORT`).
  @discardableResult
  public mutating func setListen(_ value: String) -> Bool {
    guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]) else { return false }
    var host = String(value[..<colon])
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    self.host = host
    self.port = port
    return true
  }
}
