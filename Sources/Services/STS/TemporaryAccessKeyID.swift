/// Temporary access key ids that name their account, as AWS's do: after the four-letter prefix,
/// 16 base-32 characters (RFC 4648 alphabet) encode ten bytes, and bits 7 to 46 of the first
/// six bytes (big-endian) are the account id. `GetAccessKeyInfo` reads the account back from
/// the id alone, so answering for an `ASIA…` key needs neither its token nor a lookup — and
/// tools that decode AWS key ids offline agree with it.
public enum TemporaryAccessKeyID {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

  /// A fresh `ASIA…` key id naming `accountID` (12 digits).
  public static func make<G: RandomNumberGenerator>(
    accountID: String, prefix: String = "ASIA", using generator: inout G
  ) -> String {
    let account = UInt64(accountID) ?? 0
    // The top bit stays clear, the 40 account bits follow, then 7 random bits.
    let head = (account & 0xFF_FFFF_FFFF) << 7 | UInt64.random(in: 0..<128, using: &generator)
    var bytes: [UInt8] = (0..<6).map { UInt8(truncatingIfNeeded: head >> (40 - 8 * UInt64($0))) }
    for _ in 0..<4 { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
    return prefix + base32(bytes)
  }

  /// A fresh `ASIA…` key id naming `accountID`, from the system's random numbers.
  public static func make(accountID: String, prefix: String = "ASIA") -> String {
    var generator = SystemRandomNumberGenerator()
    return make(accountID: accountID, prefix: prefix, using: &generator)
  }

  /// The 12-digit account id encoded in an access key id made this way (or by AWS); `nil` if
  /// the id is not a prefix and 16 base-32 characters.
  public static func accountID(of keyID: String) -> String? {
    let chars = Array(keyID.utf8)
    guard chars.count == 20 else { return nil }
    var bits: UInt64 = 0
    // The first 10 characters carry 50 bits, covering the first six bytes (48 bits).
    for c in chars[4..<14] {
      guard let value = alphabet.firstIndex(of: c) else { return nil }
      bits = bits << 5 | UInt64(value)
    }
    guard chars[14...].allSatisfy({ alphabet.contains($0) }) else { return nil }
    let head = bits >> 2
    let account = (head & 0x7FFF_FFFF_FF80) >> 7
    let digits = String(account)
    return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
  }

  private static func base32(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    var buffer: UInt64 = 0
    var count = 0
    for byte in bytes {
      buffer = buffer << 8 | UInt64(byte)
      count += 8
      while count >= 5 {
        count -= 5
        out.append(alphabet[Int((buffer >> UInt64(count)) & 31)])
      }
    }
    if count > 0 { out.append(alphabet[Int((buffer << UInt64(5 - count)) & 31)]) }
    return String(decoding: out, as: UTF8.self)
  }
}
