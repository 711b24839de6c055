import Crypto
import Foundation

/// The keys that seal STS session tokens: AES-GCM keys numbered by a one-byte id, one of them
/// current. Tokens are sealed with the current key and name it in their first byte, so a ring
/// still holding older keys opens every token issued since they were current.
///
/// Session tokens are self-contained: any node with the same ring verifies one without a
/// lookup. The ring is kept apart from the master key (`SecretBox`): it lives in its own file
/// beside `master.key` (see `SessionKeyRing+File.swift`), so rotating one never invalidates what
/// the other protects, and a ring can be rotated as often as wanted without re-encrypting
/// anything at rest.
///
/// Rotation: `rotated()` adds a key and makes it current; keep the previous keys until the
/// longest session they sealed has expired (36 hours, `GetSessionToken`'s maximum), then
/// `retiring(_:)` them.
public struct SessionKeyRing: Sendable {
  /// The id of the key new tokens are sealed with.
  public let currentKeyID: UInt8
  private let keys: [UInt8: SymmetricKey]

  /// A ring of `keys`, sealing with `currentKeyID`.
  /// - Precondition: `keys` holds `currentKeyID`, and every key is 256 bits.
  public init(currentKeyID: UInt8, keys: [UInt8: SymmetricKey]) {
    precondition(keys[currentKeyID] != nil, "the current session key \(currentKeyID) is not in the ring")
    precondition(keys.values.allSatisfy { $0.bitCount == 256 }, "session keys are 256-bit")
    self.currentKeyID = currentKeyID
    self.keys = keys
  }

  /// A ring of one fresh random key (for in-memory servers and tests).
  public static func ephemeral(keyID: UInt8 = 1) -> SessionKeyRing {
    SessionKeyRing(currentKeyID: keyID, keys: [keyID: SymmetricKey(size: .bits256)])
  }

  /// The ids of the keys in the ring, ascending.
  public var keyIDs: [UInt8] { keys.keys.sorted() }

  /// The ring with a fresh key, under the next id, made current. Ids wrap from 255 to 0; a key
  /// still in the ring under the next id is replaced (retire keys long before that).
  public func rotated() -> SessionKeyRing {
    var keys = self.keys
    let next = currentKeyID &+ 1
    keys[next] = SymmetricKey(size: .bits256)
    return SessionKeyRing(currentKeyID: next, keys: keys)
  }

  /// The ring without key `id`: tokens sealed with it no longer open. The current key cannot
  /// be retired; the ring is returned unchanged for it.
  public func retiring(_ id: UInt8) -> SessionKeyRing {
    guard id != currentKeyID else { return self }
    var keys = self.keys
    keys[id] = nil
    return SessionKeyRing(currentKeyID: currentKeyID, keys: keys)
  }

  /// Seals `plaintext` with the current key: the key id byte, then AES-GCM's nonce, ciphertext
  /// and tag. The key id is authenticated too, so it cannot be swapped for another.
  public func seal(_ plaintext: Data) -> Data {
    // INVARIANT: AES-GCM sealing with a 256-bit key and a random nonce does not fail, and its
    // combined form exists for the default 12-byte nonce.
    let box = try! AES.GCM.seal(plaintext, using: keys[currentKeyID]!, authenticating: Self.header(currentKeyID))
    return Data([currentKeyID]) + box.combined!
  }

  /// Opens what `seal` produced with whichever key it names; `nil` if that key is not in the
  /// ring or the data was altered in any way.
  public func open(_ sealed: Data) -> Data? {
    guard let id = sealed.first, let key = keys[id],
      let box = try? AES.GCM.SealedBox(combined: Data(sealed.dropFirst()))
    else { return nil }
    return try? AES.GCM.open(box, using: key, authenticating: Self.header(id))
  }

  /// The additional authenticated data: a purpose label, so a box sealed for something else
  /// under the same key never opens as a session token, and the key id.
  private static func header(_ id: UInt8) -> Data {
    Data("portcullis-session-token-v1".utf8) + [id]
  }

  /// The key material by id, for saving the ring.
  func rawKeys() -> [UInt8: Data] {
    keys.mapValues { key in key.withUnsafeBytes { Data($0) } }
  }
}
