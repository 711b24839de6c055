import Directory
import Foundation
import Testing

/// Console passwords are stored only as PBKDF2-HMAC-SHA256 hashes with a random salt and their
/// parameters, and verified in constant time.
@Suite("Password hashes")
struct PasswordHashTests {
  static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

  /// RFC 7914 §11 gives PBKDF2-HMAC-SHA256 vectors of 64 bytes; PBKDF2's first 32 bytes are its
  /// first block, which is what a 32-byte derivation returns.
  @Test("PBKDF2-HMAC-SHA256 matches RFC 7914's vectors")
  func rfc7914Vectors() {
    #expect(
      Self.hex(PasswordHash.derive("passwd", salt: Data("salt".utf8), iterations: 1))
        == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    #expect(
      Self.hex(PasswordHash.derive("Password", salt: Data("NaCl".utf8), iterations: 80_000))
        == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56")
  }

  @Test("a hash verifies its own password and no other")
  func roundTrip() {
    let hash = PasswordHash.make("Correct-Horse-9", iterations: 1_000)
    #expect(hash.verify("Correct-Horse-9"))
    #expect(!hash.verify("correct-horse-9"))
    #expect(!hash.verify(""))
    #expect(!hash.verify("Correct-Horse-9 "))
  }

  @Test("the production cost is 600,000 rounds of PBKDF2-SHA256, stored with the hash")
  func productionParameters() {
    let hash = PasswordHasher().hash("Correct-Horse-9")
    #expect(hash.algorithm == "pbkdf2-sha256")
    #expect(hash.iterations == 600_000)
    #expect(hash.salt.count == 16 && hash.hash.count == 32)
    #expect(!hash.needsRehash())
    #expect(PasswordHash.make("x", iterations: 1_000).needsRehash())
  }

  @Test("the same password hashes differently each time (a fresh salt)")
  func salted() {
    let a = PasswordHash.make("Correct-Horse-9", iterations: 1_000)
    let b = PasswordHash.make("Correct-Horse-9", iterations: 1_000)
    #expect(a.salt != b.salt && a.hash != b.hash)
  }

  @Test("the stored form holds the parameters and not the password")
  func storedForm() throws {
    let hash = PasswordHash.make("Correct-Horse-9", iterations: 1_000)
    let json = try JSONEncoder().encode(hash)
    #expect(json.range(of: Data("Correct-Horse-9".utf8)) == nil)
    #expect(try JSONDecoder().decode(PasswordHash.self, from: json) == hash)
  }

  @Test("an unknown algorithm never verifies")
  func unknownAlgorithm() {
    var hash = PasswordHash.make("Correct-Horse-9", iterations: 1_000)
    hash.algorithm = "md5"
    #expect(!hash.verify("Correct-Horse-9"))
  }
}
