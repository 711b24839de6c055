import Directory
import Foundation
import Testing

/// Which passwords a policy refuses, and AWS's default rules when the account has none.
@Suite("Password policy rules")
struct PasswordPolicyTests {
  typealias V = PasswordPolicy.Violation

  /// A policy of length 12 requiring every class.
  static var strict: PasswordPolicy {
    var p = PasswordPolicy()
    p.minimumPasswordLength = 12
    p.requireSymbols = true
    p.requireNumbers = true
    p.requireUppercaseCharacters = true
    p.requireLowercaseCharacters = true
    return p
  }

  @Test(
    "a strict policy (length 12, every class)",
    arguments: [
      ("Abcdefgh12#x", [V]()),
      ("Abcdefg12#x", [.tooShort]),
      ("Abcdefgh123x", [.noSymbol]),
      ("Abcdefghij#x", [.noNumber]),
      ("abcdefgh12#x", [.noUppercase]),
      ("ABCDEFGH12#X", [.noLowercase]),
      // `.` and `~` are not among AWS's symbols.
      ("Abcdefgh12.~", [.noSymbol]),
      ("short", [.tooShort, .noSymbol, .noNumber, .noUppercase]),
    ])
  func strict(password: String, expected: [V]) {
    #expect(Self.strict.violations(of: password) == expected)
  }

  @Test("a policy with defaults accepts any password of six characters or more")
  func lenient() {
    #expect(PasswordPolicy().violations(of: "aaaaaa").isEmpty)
    #expect(PasswordPolicy().violations(of: "aaaaa") == [.tooShort])
  }

  @Test(
    "AWS's default rules: 8 characters, three of four classes, not the user's name",
    arguments: [
      ("Abcdefg1", [V]()),
      ("abcdef1#", []),
      ("Abc1#", [.tooShort]),
      ("abcdefgh1", [.tooFewCharacterClasses]),
      ("Password", [.tooFewCharacterClasses]),
      ("Alice-Smith1", [.sameAsUserName]),
    ])
  func awsDefault(password: String, expected: [V]) {
    #expect(PasswordPolicy.defaultViolations(of: password, userName: "alice-smith1") == expected)
  }

  @Test("passwords expire MaxPasswordAge days after they were set; without it, never")
  func expiry() {
    var policy = PasswordPolicy()
    let set = Date(timeIntervalSince1970: 1_750_000_000)
    #expect(policy.expiry(ofPasswordSetAt: set) == nil)
    #expect(!policy.expirePasswords)
    policy.maxPasswordAge = 90
    #expect(policy.expiry(ofPasswordSetAt: set) == set.addingTimeInterval(90 * 86_400))
    #expect(policy.expirePasswords)
  }
}
