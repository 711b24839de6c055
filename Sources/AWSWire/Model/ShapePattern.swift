import Foundation

/// A shape's `pattern` constraint: a Java regular expression from the AWS model, compiled for
/// ICU (`NSRegularExpression`) with Java's meaning kept.
///
/// AWS validates with `java.util.regex` and whole-string matching, so the model's text means
/// what Java makes of it. ICU agrees on almost everything; the translation covers where it does
/// not:
/// - `\w`, `\d`, `\s` and their negations are ASCII in Java and Unicode in ICU: IAM names
///   (`[\w+=,.@-]+`) must reject `José` as AWS does, so they become explicit ASCII sets.
/// - `\uXXXX` takes exactly four hex digits in Java. STS writes `\u10000-\u10FFFF`, which Java
///   reads as `\u1000`, `0-\u10FF`, `F`, `F` (not the supplementary planes); it becomes
///   `\x{XXXX}` so the reading is explicit and engine-independent.
/// - Java's `matches()` is a whole-string match. Anchoring with `\A(?:…)\z` (rather than
///   checking that the first match covers the string) lets alternations such as
///   `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)` backtrack into the longer branch.
public struct ShapePattern: Sendable, CustomStringConvertible {
  /// The pattern as the model writes it; AWS prints this text in validation messages.
  public let source: String
  /// The ICU translation, without the anchoring.
  public let translated: String
  private let regex: NSRegularExpression

  /// Compiles a model pattern; throws when ICU rejects the translation.
  public init(_ source: String) throws {
    self.source = source
    self.translated = Self.translate(source)
    self.regex = try NSRegularExpression(pattern: "\\A(?:\(translated))\\z")
  }

  /// Whether all of `value` matches the pattern.
  public func matches(_ value: String) -> Bool {
    regex.firstMatch(in: value, range: NSRange(location: 0, length: value.utf16.count)) != nil
  }

  public var description: String { source }

  /// Java regex syntax to ICU syntax with the same meaning (see the type's documentation).
  static func translate(_ java: String) -> String {
    // Inside a character class a shorthand becomes a nested set, which ICU unions into the
    // outer one; outside it becomes the set itself. Either way the result is one set, so a
    // following `-` cannot turn it into a range.
    let shorthands: [Character: String] = [
      "w": "[a-zA-Z0-9_]", "W": "[^a-zA-Z0-9_]",
      "d": "[0-9]", "D": "[^0-9]",
      "s": "[\\t\\n\\x{0B}\\f\\r ]", "S": "[^\\t\\n\\x{0B}\\f\\r ]",
    ]
    let chars = Array(java)
    var out = ""
    var i = 0
    while i < chars.count {
      let c = chars[i]
      guard c == "\\", i + 1 < chars.count else {
        out.append(c)
        i += 1
        continue
      }
      let next = chars[i + 1]
      if let set = shorthands[next] {
        out += set
        i += 2
      } else if next == "u", i + 6 <= chars.count,
        chars[(i + 2)..<(i + 6)].allSatisfy(\.isHexDigit)
      {
        out += "\\x{" + String(chars[(i + 2)..<(i + 6)]) + "}"
        i += 6
      } else {
        // Any other escape (`\-`, `\/`, `\.`, `\p{L}`) means the same in ICU.
        out.append(c)
        out.append(next)
        i += 2
      }
    }
    return out
  }
}
