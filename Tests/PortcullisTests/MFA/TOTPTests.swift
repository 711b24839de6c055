import Directory
import Foundation
import Testing

@Suite("TOTP and Base32")
struct TOTPTests {
  static let rfcSeed = Data("12345678901234567890".utf8)

  /// RFC 6238 Appendix B, the SHA-1 rows: Unix time, time step (hex) and 8-digit code.
  @Test(
    "RFC 6238 SHA-1 test vectors, 8 digits and truncated to 6",
    arguments: [
      (59, 0x1, "94287082"), (1_111_111_109, 0x23523EC, "07081804"), (1_111_111_111, 0x23523ED, "14050471"),
      (1_234_567_890, 0x273EF07, "89005924"), (2_000_000_000, 0x3F940AA, "69279037"),
      (20_000_000_000, 0x27BC86AA, "65353130"),
    ] as [(Int64, Int64, String)])
  func rfc6238(time: Int64, step: Int64, code: String) {
    let date = Date(timeIntervalSince1970: TimeInterval(time))
    let eight = TOTP(seed: Self.rfcSeed, digits: 8)
    #expect(eight.counter(at: date) == step)
    #expect(eight.code(at: date) == code)
    #expect(TOTP(seed: Self.rfcSeed).code(at: date) == String(code.suffix(6)))
  }

  @Test("matchingCounter finds the step a code belongs to within the range only")
  func matching() {
    let totp = TOTP(seed: Self.rfcSeed)
    #expect(totp.matchingCounter("287082", in: 0...2) == 1)
    #expect(totp.matchingCounter("287082", in: 2...4) == nil)
    #expect(totp.matchingCounter("28708", in: 0...2) == nil)
  }

  /// RFC 4648 §10.
  @Test(
    "Base32 RFC 4648 test vectors round trip",
    arguments: [
      ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="), ("foob", "MZXW6YQ="),
      ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ])
  func base32(plain: String, encoded: String) {
    #expect(Base32.encode(Data(plain.utf8)) == encoded)
    #expect(Base32.decode(encoded) == Data(plain.utf8))
    #expect(Base32.decode(encoded.lowercased().replacingOccurrences(of: "=", with: "")) == Data(plain.utf8))
  }

  @Test("Base32 rejects characters outside the alphabet")
  func base32Invalid() {
    #expect(Base32.decode("MZXW1===") == nil)
    #expect(Base32.encode(Data("foobar".utf8), padded: false) == "MZXW6YTBOI")
  }
}
