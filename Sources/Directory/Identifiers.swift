/// Identifiers in AWS's formats: unique ids with a four-letter type prefix (`AIDA` users,
/// `AGPA` groups, `AROA` roles, `ANPA` policies, `AIPA` instance profiles, `AKIA` long-term
/// keys) followed by base-32 characters, secrets of 40 characters, 12-digit account ids.
public enum Identifiers {
  static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
  static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

  /// A unique id: `prefix` and 17 characters (21 in all), like `AIDACKCEVSQ6C2EXAMPLE`.
  public static func uniqueID(prefix: String) -> String {
    var rng = SystemRandomNumberGenerator()
    return prefix + String((0..<17).map { _ in base32[Int(rng.next() % 32)] })
  }

  /// An access key id: `AKIA` (or `ASIA`) and 16 characters.
  public static func accessKeyID(prefix: String = "AKIA") -> String {
    var rng = SystemRandomNumberGenerator()
    return prefix + String((0..<16).map { _ in base32[Int(rng.next() % 32)] })
  }

  /// A 40-character secret access key.
  public static func secretAccessKey() -> String {
    var rng = SystemRandomNumberGenerator()
    return String((0..<40).map { _ in secretAlphabet[Int(rng.next() % 64)] })
  }

  /// A random 12-digit account id that does not start with 0.
  public static func accountID() -> String {
    var rng = SystemRandomNumberGenerator()
    return String(1 + rng.next() % 9) + String((0..<11).map { _ in Character(String(rng.next() % 10)) })
  }
}
