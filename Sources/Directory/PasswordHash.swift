import Crypto
import Foundation
import _CryptoExtras

/// A console password as it is stored: never the password, only a slow, salted hash of it.
///
/// PBKDF2-HMAC-SHA256 with 600,000 iterations (OWASP's current figure for it) over a random
/// 16-byte salt, giving 32 bytes. The algorithm and iteration count are stored with the salt and
/// hash, so a later release can raise the cost: old hashes still verify with their own
/// parameters, and `needsRehash` says when to replace one at the next successful sign-in.
public struct PasswordHash: Codable, Sendable, Equatable {
  /// The key derivation function; `pbkdf2-sha256` is the only one so far.
  public var algorithm: String
  public var iterations: Int
  public var salt: Data
  public var hash: Data

  /// The algorithm name of PBKDF2-HMAC-SHA256 hashes.
  public static let pbkdf2SHA256 = "pbkdf2-sha256"
  /// The production iteration count.
  public static let defaultIterations = 600_000

  public init(algorithm: String, iterations: Int, salt: Data, hash: Data) {
    self.algorithm = algorithm
    self.iterations = iterations
    self.salt = salt
    self.hash = hash
  }

  /// Hashes `password` with a fresh random salt.
  /// - Parameter iterations: the PBKDF2 cost; tests pass a small one to stay fast, servers
  ///   keep the default.
  public static func make(_ password: String, iterations: Int = defaultIterations) -> PasswordHash {
    var rng = SystemRandomNumberGenerator()
    let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
    return PasswordHash(
      algorithm: pbkdf2SHA256, iterations: iterations, salt: salt,
      hash: derive(password, salt: salt, iterations: iterations))
  }

  /// PBKDF2-HMAC-SHA256 of `password` (its UTF-8 bytes), 32 bytes.
  public static func derive(_ password: String, salt: Data, iterations: Int) -> Data {
    // The checked API refuses fewer than 210,000 rounds; the unchecked one lets tests and the
    // RFC vectors use small counts. Production hashes always come from `make` with the default.
    // INVARIANT: BoringSSL's PBKDF2 fails only for invalid parameters (zero rounds or length).
    let key = try! KDF.Insecure.PBKDF2.deriveKey(
      from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
      unsafeUncheckedRounds: max(1, iterations))
    return key.withUnsafeBytes { Data($0) }
  }

  /// Whether `password` is the one hashed. Takes the same time wherever the bytes differ.
  public func verify(_ password: String) -> Bool {
    guard algorithm == Self.pbkdf2SHA256, iterations > 0 else { return false }
    let candidate = Self.derive(password, salt: salt, iterations: iterations)
    return Self.constantTimeEqual(candidate, hash)
  }

  /// Whether the hash is weaker than `iterations` asks for now.
  public func needsRehash(iterations wanted: Int = defaultIterations) -> Bool {
    algorithm != Self.pbkdf2SHA256 || iterations < wanted
  }

  static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
  }
}

/// Makes password hashes at one cost: the production default, or a small one injected by tests
/// (600,000 rounds take most of a second in a debug build).
public struct PasswordHasher: Sendable {
  public let iterations: Int

  public init(iterations: Int = PasswordHash.defaultIterations) {
    self.iterations = iterations
  }

  public func hash(_ password: String) -> PasswordHash {
    PasswordHash.make(password, iterations: iterations)
  }

  /// A hash of nothing anyone knows, to verify against when a user has no password, so that an
  /// unknown user costs as much time as a wrong password.
  public func decoy() -> PasswordHash {
    PasswordHash.make(Identifiers.secretAccessKey(), iterations: iterations)
  }
}
