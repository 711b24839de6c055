import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services

/// Opens (or creates) the data directory and the directory it holds, and on first start
/// creates the first account with its root access key.
public enum ServerBootstrap {
  /// Root credentials created on this start, to print once.
  public struct RootCredentials: Sendable {
    public var accountID: String
    public var accessKeyID: String
    public var secretAccessKey: String
  }

  /// The key ring that seals session tokens: `DATA_DIR/session-keys.json` (created, mode 0600),
  /// or `PORTCULLIS_SESSION_KEYS`; a fresh one in memory for `--in-memory` servers. Every node
  /// that verifies tokens must share it.
  public static func sessionKeys(_ configuration: ServerConfiguration) throws -> SessionKeyRing {
    let override = ProcessInfo.processInfo.environment["PORTCULLIS_SESSION_KEYS"]
    if configuration.inMemory && override == nil { return .ephemeral() }
    if configuration.inMemory, let override {
      return try SessionKeyRing.load(path: "/nonexistent/session-keys.json", override: override)
    }
    return try SessionKeyRing.load(path: "\(configuration.dataDirectory)/session-keys.json", override: override)
  }

  /// Opens the directory for `configuration`; returns it with the root credentials if this
  /// start created them.
  public static func open(_ configuration: ServerConfiguration) throws -> (Directory, RootCredentials?) {
    let store: any DirectoryStore
    let secrets: SecretBox
    if configuration.inMemory {
      store = try SQLiteDirectoryStore()
      secrets = configuration.masterKey.flatMap { try? SecretBox.load(path: "/nonexistent", override: $0) } ?? .ephemeral()
    } else {
      let dir = configuration.dataDirectory
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      // One process at a time owns the directory (see `DataDirectoryLock`).
      try DataDirectoryLock(directory: dir).holdUntilExit()
      secrets = try SecretBox.load(path: "\(dir)/master.key", override: configuration.masterKey)
      store = try SQLiteDirectoryStore(path: "\(dir)/portcullis.sqlite")
    }
    let directory = try Directory(store: store, secrets: secrets)
    var created: RootCredentials?
    do {
      try directory.write { tx throws(AWSError) in
        let now = Date()
        let accountID: String
        // The server's own account is the oldest: accounts made later (Organizations'
        // `CreateAccount`, `admin create-account`) never get the first start's root key.
        if let first = tx.snapshot.accounts.values.map(\.account).min(by: { ($0.createDate, $0.id) < ($1.createDate, $1.id) })?.id {
          accountID = first
        } else {
          accountID = configuration.accountID ?? Identifiers.accountID()
          tx.put(Account(id: accountID, createDate: now))
        }
        // Create the root key on first start, or when a scripted setup names one that is missing.
        let rootKeys = tx.snapshot.accounts[accountID]!.accessKeys.values.filter { $0.userName == nil }
        let wanted = configuration.rootAccessKeyID
        let needsKey = rootKeys.isEmpty || (wanted != nil && tx.snapshot.accessKey(wanted!) == nil)
        guard needsKey else { return }
        let keyID = wanted ?? Identifiers.accessKeyID()
        let secret = configuration.rootSecretAccessKey ?? Identifiers.secretAccessKey()
        tx.put(AccessKey(accountID: accountID, id: keyID, userName: nil, sealedSecret: secrets.seal(secret), createDate: now))
        created = RootCredentials(accountID: accountID, accessKeyID: keyID, secretAccessKey: secret)
      }
    } catch {
      throw error
    }
    return (directory, created)
  }
}
