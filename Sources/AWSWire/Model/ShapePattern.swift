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
  /// The pattern as a set of code points below U+0100, when it is one simple bracket
  /// expression repeated (`[\w+=,.@-]+`, `[\u0020-\u00FF]*`): most of the model's patterns are,
  /// and checking each code point against the set gives the regex's answer without ICU.
  private let simpleSet: SimpleSet?

  /// Compiles a model pattern; throws when ICU rejects the translation.
  public init(_ source: String) throws {
    self.source = source
    self.translated = Self.translate(source)
    self.regex = try NSRegularExpression(pattern: "\\A(?:\(translated))\\z")
    self.simpleSet = SimpleSet(source)
  }

  /// Whether all of `value` matches the pattern.
  public func matches(_ value: String) -> Bool {
    if let simpleSet {
      let matched = simpleSet.matches(value)
      assert(
        matched == regexMatches(value),
        "fast path of `\(source)` disagrees with the regex on `\(value)`")
      return matched
    }
    return regexMatches(value)
  }

  private func regexMatches(_ value: String) -> Bool {
    regex.firstMatch(in: value, range: NSRange(location: 0, length: value.utf16.count)) != nil
  }

  /// `[items]+` or `[items]*` whose items are literals, ranges, `\w`, `\d` and `\uXXXX`, all
  /// below U+0100. Anything else (negation, nested sets, properties, characters ICU treats
  /// specially in a set) is left to the regex.
  struct SimpleSet: Sendable {
    /// Bit `c` is set when code point `c` is in the set.
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// `*` rather than `+`.
    private let allowsEmpty: Bool

    init?(_ source: String) {
      let scalars = Array(source.unicodeScalars)
      guard scalars.count >= 4, scalars[0] == "[", scalars[scalars.count - 2] == "]",
        scalars.last == "+" || scalars.last == "*"
      else { return nil }
      allowsEmpty = scalars.last == "*"
      let body = scalars[1..<(scalars.count - 2)]
      guard !body.isEmpty else { return nil }

      // One item: its code points, or nil when it is not simple.
      var i = body.startIndex
      func atom() -> [ClosedRange<UInt32>]? {
        let c = body[i]
        if c == "\\" {
          guard i + 1 < body.endIndex else { return nil }
          let e = body[i + 1]
          switch e {
          case "w":
            i += 2
            return [48...57, 65...90, 95...95, 97...122]
          case "d":
            i += 2
            return [48...57]
          case "u":
            guard i + 6 <= body.endIndex else { return nil }
            let hex = String(String.UnicodeScalarView(body[(i + 2)..<(i + 6)]))
            guard hex.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit),
              let value = UInt32(hex, radix: 16)
            else { return nil }
            i += 6
            return [value...value]
          case "-", ".", "/", "+", "_", "@", "=", ",", ":":
            i += 2
            return [e.value...e.value]
          default:
            return nil
          }
        }
        let v = c.value
        let isAlnum = (48...57).contains(v) || (65...90).contains(v) || (97...122).contains(v)
        let punctuation: Set<Unicode.Scalar> = [" ", "+", "=", ",", ".", "_", "@", "/", "~", ":"]
        guard isAlnum || punctuation.contains(c) else { return nil }
        // `[:` could open a POSIX-style class in ICU.
        if c == ":" && i == body.startIndex { return nil }
        i += 1
        return [v...v]
      }

      var ranges: [ClosedRange<UInt32>] = []
      while i < body.endIndex {
        if body[i] == "-" {
          // A literal `-` only first or last, where ICU reads it as one.
          guard i == body.startIndex || i + 1 == body.endIndex else { return nil }
          ranges.append(45...45)
          i += 1
          continue
        }
        guard let first = atom() else { return nil }
        if i < body.endIndex, body[i] == "-", i + 1 < body.endIndex {
          // A range: both ends single code points, in order.
          i += 1
          guard first.count == 1, first[0].count == 1, body[i] != "-", let last = atom(),
            last.count == 1, last[0].count == 1, first[0].lowerBound <= last[0].lowerBound
          else { return nil }
          ranges.append(first[0].lowerBound...last[0].lowerBound)
        } else {
          ranges.append(contentsOf: first)
        }
      }
      for range in ranges {
        guard range.upperBound < 256 else { return nil }
        for v in range {
          switch v >> 6 {
          case 0: bits.0 |= 1 << UInt64(v & 63)
          case 1: bits.1 |= 1 << UInt64(v & 63)
          case 2: bits.2 |= 1 << UInt64(v & 63)
          default: bits.3 |= 1 << UInt64(v & 63)
          }
        }
      }
    }

    func matches(_ value: String) -> Bool {
      var count = 0
      for scalar in value.unicodeScalars {
        guard contains(scalar.value) else { return false }
        count += 1
      }
      return allowsEmpty || count > 0
    }

    @inline(__always)
    private func contains(_ v: UInt32) -> Bool {
      guard v < 256 else { return false }
      let word =
        switch v >> 6 {
        case 0: bits.0
        case 1: bits.1
        case 2: bits.2
        default: bits.3
        }
      return word & (1 << UInt64(v & 63)) != 0
    }
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
