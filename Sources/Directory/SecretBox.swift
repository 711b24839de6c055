import Crypto
import Foundation

/// Encrypts secrets at rest (access key secrets, later MFA seeds) with AES-GCM under a master
/// key, so the database files never hold a secret in the clear.
public struct SecretBox: Sendable {
  private let key: SymmetricKey

  /// A box with this 256-bit key.
  public init(key: SymmetricKey) {
    self.key = key
  }

  /// A box with a fresh random key (for in-memory servers and tests).
  public static func ephemeral() -> SecretBox {
    SecretBox(key: SymmetricKey(size: .bits256))
  }

  /// Loads the master key from `path`, creating it (mode 0600) if it does not exist, or takes
  /// it from a base64 string (`PORTCULLIS_MASTER_KEY`).
  public static func load(path: String, override: String? = nil) throws -> SecretBox {
    if let override, let data = Data(base64Encoded: override), data.count == 32 {
      return SecretBox(key: SymmetricKey(data: data))
    }
    let fm = FileManager.default
    if let data = fm.contents(atPath: path) {
      // An existing key file is never replaced: a new key would make every sealed secret
      // unreadable. White space around the key (a trailing newline) is allowed.
      let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
        throw DirectoryLoadError(message: "the master key file \(path) does not hold a base64 256-bit key")
      }
      return SecretBox(key: SymmetricKey(data: decoded))
    }
    let key = SymmetricKey(size: .bits256)
    let encoded = key.withUnsafeBytes { Data($0).base64EncodedData() }
    guard fm.createFile(atPath: path, contents: encoded, attributes: [.posixPermissions: 0o600]) else {
      throw DirectoryLoadError(message: "cannot create the master key file \(path)")
    }
    return SecretBox(key: key)
  }

  /// Encrypts `secret`.
  public func seal(_ secret: String) -> Data {
    // INVARIANT: AES-GCM sealing with a valid key and a random nonce does not fail.
    try! AES.GCM.seal(Data(secret.utf8), using: key).combined!
  }

  /// Decrypts a sealed secret; `nil` if it was not sealed with this key.
  public func open(_ sealed: Data) -> String? {
    guard let box = try? AES.GCM.SealedBox(combined: sealed),
      let data = try? AES.GCM.open(box, using: key)
    else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
