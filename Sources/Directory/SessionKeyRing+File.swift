import Crypto
import Foundation

/// The session key ring on disk: `session-keys.json` beside `master.key` in the data directory,
/// mode 0600, or the same JSON in `PORTCULLIS_SESSION_KEYS` for nodes that share a database:
///
///     {"current": 2, "keys": {"1": "<base64 256-bit key>", "2": "<base64 256-bit key>"}}
///
/// Every node of a deployment must hold the same ring (as it must hold the same master key);
/// a node started with a different ring rejects the others' tokens as `InvalidClientTokenId`.
extension SessionKeyRing {
  private struct File: Codable {
    var current: UInt8
    var keys: [String: String]
  }

  /// Loads the ring from `path`, creating it with one fresh key (mode 0600) if it does not
  /// exist, or takes it from `override` (the file's JSON, `PORTCULLIS_SESSION_KEYS`).
  public static func load(path: String, override: String? = nil) throws -> SessionKeyRing {
    if let override {
      return try decode(Data(override.utf8), source: "PORTCULLIS_SESSION_KEYS")
    }
    let fm = FileManager.default
    if let data = fm.contents(atPath: path) {
      // An existing ring is never replaced: a new one would reject every outstanding session.
      return try decode(data, source: path)
    }
    let ring = SessionKeyRing.ephemeral()
    guard fm.createFile(atPath: path, contents: ring.encoded(), attributes: [.posixPermissions: 0o600]) else {
      throw DirectoryLoadError(message: "cannot create the session key file \(path)")
    }
    return ring
  }

  /// Writes the ring to `path` (mode 0600), replacing it atomically.
  public func save(path: String) throws {
    let temporary = path + ".new"
    let fm = FileManager.default
    try? fm.removeItem(atPath: temporary)
    guard fm.createFile(atPath: temporary, contents: encoded(), attributes: [.posixPermissions: 0o600]) else {
      throw DirectoryLoadError(message: "cannot write the session key file \(temporary)")
    }
    // rename(2) replaces the old file in one step, so a reader never sees half a ring.
    guard rename(temporary, path) == 0 else {
      throw DirectoryLoadError(message: "cannot replace the session key file \(path)")
    }
  }

  /// The ring as the file's JSON.
  public func encoded() -> Data {
    let file = File(
      current: currentKeyID,
      keys: Dictionary(uniqueKeysWithValues: rawKeys().map { (String($0.key), $0.value.base64EncodedString()) }))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // INVARIANT: a struct of an integer and strings always encodes.
    return try! encoder.encode(file)
  }

  private static func decode(_ data: Data, source: String) throws -> SessionKeyRing {
    guard let file = try? JSONDecoder().decode(File.self, from: data) else {
      throw DirectoryLoadError(message: "the session key ring in \(source) is not valid JSON of `current` and `keys`")
    }
    var keys: [UInt8: SymmetricKey] = [:]
    for (id, text) in file.keys {
      guard let number = UInt8(id), let key = Data(base64Encoded: text), key.count == 32 else {
        throw DirectoryLoadError(message: "the session key `\(id)` in \(source) is not a base64 256-bit key under an id 0-255")
      }
      keys[number] = SymmetricKey(data: key)
    }
    guard keys[file.current] != nil else {
      throw DirectoryLoadError(message: "the current session key \(file.current) is missing from \(source)")
    }
    return SessionKeyRing(currentKeyID: file.current, keys: keys)
  }
}
