import Crypto
import Synchronization

/// Derived SigV4 signing keys, kept so that a busy client costs one HMAC per request instead of
/// five. A key depends only on the secret and the credential scope (date, region, service), so
/// it stays valid all day for every request a credential signs.
///
/// Keyed by a SHA-256 of the secret rather than the secret itself, so the table holds no secrets
/// and two credentials can never share an entry. Bounded: once full, the oldest entry makes room
/// for each new one. A rotated secret simply stops being asked for and ages out.
final class SigV4SigningKeyCache: Sendable {
  /// One signing key's inputs.
  struct Scope: Hashable, Sendable {
    let secretDigest: [UInt8]
    let date: String
    let region: String
    let service: String
  }

  /// A derived key, and an HMAC already keyed with it: keying HMAC-SHA256 hashes two padded
  /// blocks, which would otherwise be redone for every request.
  private struct Entry: Sendable {
    let key: [UInt8]
    let authenticator: HMAC<SHA256>
  }

  private struct Storage: Sendable {
    var keys: [Scope: Entry] = [:]
    /// Insertion order, as a ring: `oldest` is the next slot to reuse once the table is full.
    var order: [Scope] = []
    var oldest = 0
  }

  /// The most keys kept.
  let capacity: Int
  private let storage = Mutex(Storage())

  /// Creates an empty cache holding at most `capacity` keys.
  init(capacity: Int = 1024) {
    precondition(capacity > 0, "a signing key cache needs room for at least one key")
    self.capacity = capacity
  }

  /// The number of keys held.
  var count: Int { storage.withLock { $0.keys.count } }

  /// The signing key for `secretAccessKey` in the scope `date/region/service/aws4_request`:
  /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
  func key(secretAccessKey: String, date: String, region: String, service: String) -> SymmetricKey {
    SymmetricKey(
      data: entry(secretAccessKey: secretAccessKey, date: date, region: region, service: service)
        .key)
  }

  /// An HMAC-SHA256 keyed with the signing key of `key(secretAccessKey:date:region:service:)`,
  /// ready for the string to sign. A copy is used per message; the cached one stays unused.
  func authenticator(secretAccessKey: String, date: String, region: String, service: String)
    -> HMAC<SHA256>
  {
    entry(secretAccessKey: secretAccessKey, date: date, region: region, service: service)
      .authenticator
  }

  private func entry(secretAccessKey: String, date: String, region: String, service: String)
    -> Entry
  {
    let scope = Scope(
      secretDigest: Array(SHA256.hash(data: Array(secretAccessKey.utf8))), date: date,
      region: region,
      service: service)
    if let cached = storage.withLock({ $0.keys[scope] }) { return cached }

    // Derived outside the lock: two threads may both derive a missing key, which is cheaper than
    // making every other lookup wait on the HMACs.
    var key = Array("AWS4\(secretAccessKey)".utf8)
    for part in [date, region, service, "aws4_request"] {
      key = Array(
        HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: SymmetricKey(data: key)))
    }
    let derived = Entry(key: key, authenticator: HMAC<SHA256>(key: SymmetricKey(data: key)))
    storage.withLock { storage in
      guard storage.keys[scope] == nil else { return }
      if storage.order.count < capacity {
        storage.order.append(scope)
      } else {
        storage.keys[storage.order[storage.oldest]] = nil
        storage.order[storage.oldest] = scope
        storage.oldest = (storage.oldest + 1) % capacity
      }
      storage.keys[scope] = derived
    }
    return derived
  }
}
