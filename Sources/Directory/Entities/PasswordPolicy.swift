import Foundation

/// The account password policy (`UpdateAccountPasswordPolicy`), and the rules AWS applies when
/// an account has none.
public struct PasswordPolicy: Codable, Sendable, Equatable {
  /// 6 to 128; 6 when `UpdateAccountPasswordPolicy` leaves it out.
  public var minimumPasswordLength: Int = 6
  public var requireSymbols = false
  public var requireNumbers = false
  public var requireUppercaseCharacters = false
  public var requireLowercaseCharacters = false
  /// Lets every IAM user call `ChangePassword` on itself and `GetAccountPasswordPolicy`,
  /// without a policy granting it.
  public var allowUsersToChangePassword = false
  /// Days a password stays valid (1 to 1,095); `nil`: passwords never expire.
  public var maxPasswordAge: Int?
  /// How many of the latest passwords (1 to 24, the current one included) may not be reused.
  public var passwordReusePrevention: Int?
  /// Expired passwords can then be reset only by an administrator (`UpdateLoginProfile`).
  public var hardExpiry: Bool?

  public init() {}

  /// The characters AWS counts as symbols.
  public static let symbols = Set("!@#$%^&*()_+-=[]{}|'")

  /// What a password lacks under a policy.
  public enum Violation: String, Sendable, Equatable, CaseIterable {
    case tooShort, noSymbol, noNumber, noUppercase, noLowercase
    /// The default policy: fewer than three of the four character classes.
    case tooFewCharacterClasses
    /// The default policy: the password is the user's name.
    case sameAsUserName
    /// One of the last `PasswordReusePrevention` passwords.
    case reused
  }

  /// What `password` lacks under this policy (reuse is checked against the stored hashes
  /// separately).
  public func violations(of password: String) -> [Violation] {
    let classes = CharacterClasses(password)
    var found: [Violation] = []
    if password.count < minimumPasswordLength { found.append(.tooShort) }
    if requireSymbols && !classes.symbol { found.append(.noSymbol) }
    if requireNumbers && !classes.number { found.append(.noNumber) }
    if requireUppercaseCharacters && !classes.uppercase { found.append(.noUppercase) }
    if requireLowercaseCharacters && !classes.lowercase { found.append(.noLowercase) }
    return found
  }

  /// What `password` lacks under AWS's default policy, which applies while an account has set
  /// none: at least 8 characters, three of the four classes (uppercase, lowercase, numbers,
  /// symbols), and not the user's name. (AWS also refuses the account's name and email, which
  /// this server does not have.)
  public static func defaultViolations(of password: String, userName: String) -> [Violation] {
    let classes = CharacterClasses(password)
    var found: [Violation] = []
    if password.count < 8 { found.append(.tooShort) }
    if classes.count < 3 { found.append(.tooFewCharacterClasses) }
    if password.lowercased() == userName.lowercased() { found.append(.sameAsUserName) }
    return found
  }

  /// `ExpirePasswords` in `GetAccountPasswordPolicy`.
  public var expirePasswords: Bool { (maxPasswordAge ?? 0) > 0 }

  /// When a password set at `date` expires under this policy; `nil` if it never does.
  public func expiry(ofPasswordSetAt date: Date) -> Date? {
    guard let days = maxPasswordAge, days > 0 else { return nil }
    return date.addingTimeInterval(TimeInterval(days) * 86_400)
  }

  /// Which of AWS's four character classes a password uses. Letters and digits are ASCII
  /// only, as AWS's rules name them (A–Z, a–z, 0–9); symbols are AWS's list.
  struct CharacterClasses {
    var uppercase = false, lowercase = false, number = false, symbol = false

    init(_ password: String) {
      for c in password {
        if c.isASCII && c.isUppercase { uppercase = true }
        if c.isASCII && c.isLowercase { lowercase = true }
        if c.isASCII && c.isNumber { number = true }
        if PasswordPolicy.symbols.contains(c) { symbol = true }
      }
    }

    var count: Int { [uppercase, lowercase, number, symbol].filter { $0 }.count }
  }
}
