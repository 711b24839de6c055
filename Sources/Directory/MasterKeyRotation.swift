import Foundation

/// Replaces the master key of a stopped data directory and re-seals every secret under the new
/// one (`portcullis admin rotate-master-key`).
///
/// The steps are ordered so that a crash at any point leaves a directory the server can read:
/// 1. the old key is written to `master.key.previous` (atomically);
/// 2. the new key replaces `master.key` (atomically) — from here `SecretBox.load` opens with
///    either key, so secrets still sealed under the old one stay readable;
/// 3. every sealed secret, and the change log's copies, are re-sealed in one store transaction;
/// 4. `master.key.previous` is removed.
/// A rotation that finds `master.key.previous` (a crash between 1 and 4) first finishes that
/// one, then rotates.
public enum MasterKeyRotation {
  public struct Outcome: Sendable {
    /// Entities whose secrets were re-sealed.
    public var resealed: Int
    /// Whether an interrupted rotation was finished first.
    public var finishedInterruptedRotation: Bool
  }

  /// Rotates the key of the data directory `directory`. With `environmentKey` (the value of
  /// `PORTCULLIS_MASTER_KEY`) the key lives outside the directory: no key file is written and
  /// `announce` is given the new key before anything changes, for the operator to keep; if the
  /// command then fails, the old key is still the right one. Throws, changing nothing, while
  /// another process holds the directory.
  public static func rotate(
    directory: String, environmentKey: String?, newKey: SecretBox = .ephemeral(),
    announce: (SecretBox) -> Void = { _ in }
  ) throws -> Outcome {
    let databasePath = "\(directory)/portcullis.sqlite"
    guard FileManager.default.fileExists(atPath: databasePath) else {
      throw DirectoryLoadError(message: "no Portcullis data in \(directory) (no portcullis.sqlite)")
    }
    let lock = try DataDirectoryLock(directory: directory)
    defer { withExtendedLifetime(lock) {} }
    let store = try SQLiteDirectoryStore(path: databasePath)

    if let environmentKey {
      guard let old = SecretBox(base64: environmentKey) else {
        throw DirectoryLoadError(message: "PORTCULLIS_MASTER_KEY does not hold a base64 256-bit key")
      }
      announce(newKey)
      let resealed = try SealedSecrets.resealAll(in: store, from: old, to: newKey)
      try store.compact()
      return Outcome(resealed: resealed, finishedInterruptedRotation: false)
    }

    let keyPath = "\(directory)/master.key"
    let previousPath = SecretBox.previousKeyPath(for: keyPath)
    guard FileManager.default.fileExists(atPath: keyPath) else {
      throw DirectoryLoadError(message: "no master key file \(keyPath) to rotate")
    }
    var current = try SecretBox.load(path: keyPath)
    var finished = false
    if current.hasPreviousKeys {
      let only = current.withoutPreviousKeys
      _ = try SealedSecrets.resealAll(in: store, from: current, to: only)
      try removeKeyFile(previousPath)
      current = only
      finished = true
    }
    try current.writeKeyFile(to: previousPath)
    try newKey.writeKeyFile(to: keyPath)
    let both = try SecretBox.load(path: keyPath)
    let resealed = try SealedSecrets.resealAll(in: store, from: both, to: newKey)
    try store.compact()
    try removeKeyFile(previousPath)
    return Outcome(resealed: resealed, finishedInterruptedRotation: finished)
  }

  /// Removes a key file durably.
  static func removeKeyFile(_ path: String) throws {
    try FileManager.default.removeItem(atPath: path)
    try SecretBox.syncDirectory(of: path)
  }
}
