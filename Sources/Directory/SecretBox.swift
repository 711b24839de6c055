import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Encrypts secrets at rest (access key secrets, MFA seeds; `SealedSecrets` lists them all)
/// with AES-GCM under a master key, so the database files never hold a secret in the clear.
///
/// A box may also hold previous keys, which only open: while `portcullis admin
/// rotate-master-key` runs, the old key waits in `master.key.previous` until every secret is
/// re-sealed under the new one, so a crash at any point leaves every secret readable.
public struct SecretBox: Sendable {
  private let key: SymmetricKey
  private let previousKeys: [SymmetricKey]

  /// A box with this 256-bit key, also opening (never sealing) with `previousKeys`.
  public init(key: SymmetricKey, previousKeys: [SymmetricKey] = []) {
    self.key = key
    self.previousKeys = previousKeys
  }

  /// A box with a fresh random key (for in-memory servers and tests).
  public static func ephemeral() -> SecretBox {
    SecretBox(key: SymmetricKey(size: .bits256))
  }

  /// The box of a base64 256-bit key (as `PORTCULLIS_MASTER_KEY` and the key file hold it);
  /// `nil` if `text` is not one. White space around it is ignored.
  public init?(base64 text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let data = Data(base64Encoded: trimmed), data.count == 32 else { return nil }
    self.init(key: SymmetricKey(data: data))
  }

  /// This box without its previous keys: it opens only what its own key sealed.
  public var withoutPreviousKeys: SecretBox { SecretBox(key: key) }

  /// Whether the box holds previous keys (a rotation did not finish).
  public var hasPreviousKeys: Bool { !previousKeys.isEmpty }

  /// The key in base64, for the operator who keeps it outside the data directory.
  public var base64Key: String {
    key.withUnsafeBytes { Data($0).base64EncodedString() }
  }

  /// The file that keeps the old key during a rotation, next to the key file at `path`.
  public static func previousKeyPath(for path: String) -> String { path + ".previous" }

  /// Loads the master key from `path` (with the previous key of an unfinished rotation, if
  /// `path.previous` exists), creating the key file (mode 0600) if it does not exist; or takes
  /// the key from a base64 string (`PORTCULLIS_MASTER_KEY`).
  public static func load(path: String, override: String? = nil) throws -> SecretBox {
    if let override, let box = SecretBox(base64: override) {
      return box
    }
    let fm = FileManager.default
    if let data = fm.contents(atPath: path) {
      // An existing key file is never replaced here: a new key would make every sealed secret
      // unreadable. White space around the key (a trailing newline) is allowed.
      guard let box = SecretBox(base64: String(decoding: data, as: UTF8.self)) else {
        throw DirectoryLoadError(message: "the master key file \(path) does not hold a base64 256-bit key")
      }
      let previousPath = previousKeyPath(for: path)
      guard let previousData = fm.contents(atPath: previousPath) else { return box }
      guard let previous = SecretBox(base64: String(decoding: previousData, as: UTF8.self)) else {
        throw DirectoryLoadError(message: "the master key file \(previousPath) does not hold a base64 256-bit key")
      }
      return SecretBox(key: box.key, previousKeys: [previous.key])
    }
    let box = SecretBox.ephemeral()
    try box.writeKeyFile(to: path)
    return box
  }

  /// Writes the key to `path` atomically and durably: a temporary file (mode 0600) is
  /// written and fsynced, renamed over `path`, and the directory fsynced, so `path` holds
  /// either the old content or the whole new key, even after a crash.
  public func writeKeyFile(to path: String) throws {
    let temporary = path + ".tmp"
    unlink(temporary)
    let fd = posixOpen(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw DirectoryLoadError(message: "cannot create the master key file \(temporary)") }
    let bytes = Array(base64Key.utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    let synced = fsync(fd) == 0
    close(fd)
    guard written == bytes.count, synced, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw DirectoryLoadError(message: "cannot write the master key file \(path)")
    }
    try Self.syncDirectory(of: path)
  }

  /// Fsyncs the directory holding `path`, so a rename or removal in it is durable.
  public static func syncDirectory(of path: String) throws {
    let directory = (path as NSString).deletingLastPathComponent
    let fd = posixOpen(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
    guard fd >= 0 else { throw DirectoryLoadError(message: "cannot open the directory \(directory)") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw DirectoryLoadError(message: "cannot sync the directory \(directory)") }
  }

  /// Encrypts `secret` under the current key.
  public func seal(_ secret: String) -> Data {
    // INVARIANT: AES-GCM sealing with a valid key and a random nonce does not fail.
    try! AES.GCM.seal(Data(secret.utf8), using: key).combined!
  }

  /// Decrypts a sealed secret with the current key or a previous one; `nil` if none of them
  /// sealed it.
  public func open(_ sealed: Data) -> String? {
    guard let box = try? AES.GCM.SealedBox(combined: sealed) else { return nil }
    for candidate in [key] + previousKeys {
      if let data = try? AES.GCM.open(box, using: candidate) { return String(decoding: data, as: UTF8.self) }
    }
    return nil
  }
}

/// `open(2)`: inside `SecretBox` the name `open` is its method.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
  open(path, flags, mode)
}
