import PolicyEngine
import Testing

/// One pattern/text pair and whether the text must match.
struct WildcardCase: Sendable, CustomTestStringConvertible {
  let pattern: String
  let text: String
  let matches: Bool

  init(_ pattern: String, _ text: String, _ matches: Bool) {
    self.pattern = pattern
    self.text = text
    self.matches = matches
  }

  var testDescription: String { "`\(pattern)` \(matches ? "matches" : "does not match") `\(text)`" }
}

/// `WildcardPattern`, the glob behind `Action`, `Resource` and the `Like` operators: `*` matches
/// any run of characters, `?` exactly one; matching is whole-text, case-sensitive unless asked
/// (ASCII folding only), and in ARN mode a `*` inside one of the first five segments stays in
/// its segment unless it ends the segment.
@Suite("Wildcard patterns")
struct WildcardPatternTests {
  /// Matches through every public entry point (String, Substring, bytes), which must agree.
  static func match(_ pattern: WildcardPattern, _ text: String) -> Bool {
    let viaString = pattern.matches(text)
    let wrapped = "<" + text + ">"
    let viaSubstring = pattern.matches(wrapped.dropFirst().dropLast())
    let viaBytes = Array(text.utf8).withUnsafeBufferPointer { pattern.matches(bytes: $0) }
    #expect(viaString == viaSubstring && viaString == viaBytes, "entry points disagree on `\(text)`")
    return viaString
  }

  @Test(
    "* matches any run of characters, the empty run included",
    arguments: [
      WildcardCase("*", "", true),
      WildcardCase("*", "anything at all: even colons / and slashes", true),
      WildcardCase("a*", "a", true),
      WildcardCase("a*", "abc", true),
      WildcardCase("a*", "ba", false),
      WildcardCase("*a", "a", true),
      WildcardCase("*a", "bba", true),
      WildcardCase("*a", "ab", false),
      WildcardCase("a*c", "ac", true),
      WildcardCase("a*c", "abbbc", true),
      WildcardCase("a*c", "abcd", false),
      WildcardCase("a*b*c", "aXbYc", true),
      WildcardCase("a*b*c", "acb", false),
      WildcardCase("*ab*", "xxabyy", true),
      WildcardCase("*ab*", "xxbayy", false),
      WildcardCase("**", "", true),
      WildcardCase("**", "xyz", true),
      WildcardCase("a**b", "ab", true),
      // Backtracking: the first plausible split is not the right one.
      WildcardCase("*aab", "aaaab", true),
      WildcardCase("*a*ab", "abaab", true),
      WildcardCase("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa", false),
    ])
  func starMatchesAnyRun(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern), c.text) == c.matches)
  }

  @Test(
    "? matches exactly one character",
    arguments: [
      WildcardCase("?", "a", true),
      WildcardCase("?", "", false),
      WildcardCase("?", "ab", false),
      WildcardCase("s3:?etObject", "s3:GetObject", true),
      WildcardCase("s3:?etObject", "s3:etObject", false),
      WildcardCase("s3:?etObject", "s3:GGetObject", false),
      WildcardCase("??", "ab", true),
      WildcardCase("??", "a", false),
      WildcardCase("a?c", "a:c", true),
      WildcardCase("a?c", "a/c", true),
      WildcardCase("?*", "", false),
      WildcardCase("?*", "x", true),
      WildcardCase("*?", "xyz", true),
      WildcardCase("a*?c", "ac", false),
      WildcardCase("a*?c", "abc", true),
    ])
  func questionMatchesOneCharacter(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern), c.text) == c.matches)
  }

  @Test(
    "matching is case-sensitive by default",
    arguments: [
      WildcardCase("s3:GetObject", "s3:getobject", false),
      WildcardCase("s3:Get*", "s3:getObject", false),
      WildcardCase("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x", false),
      WildcardCase("a?C", "abc", false),
    ])
  func caseSensitiveByDefault(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern), c.text) == c.matches)
  }

  @Test(
    "ignoresCase folds ASCII letters on both sides, and nothing else",
    arguments: [
      WildcardCase("s3:GetObject", "S3:GETOBJECT", true),
      WildcardCase("S3:GETOBJECT", "s3:getobject", true),
      WildcardCase("s3:get*", "S3:GetObjectAcl", true),
      WildcardCase("iam:*AccessKey*", "IAM:createaccesskeY", true),
      WildcardCase("ec2:Describe?nstances", "EC2:DESCRIBEINSTANCES", true),
      WildcardCase("a*z", "A-Z", true),
      // `[`/`{` and `@`/`` ` `` differ by 0x20 as case pairs do, but are not letters: no folding.
      WildcardCase("[", "{", false),
      WildcardCase("@", "`", false),
      // Non-ASCII letters are compared as written.
      WildcardCase("Écrire", "écrire", false),
      WildcardCase("Äb", "ÄB", true),
      WildcardCase("Äb", "äb", false),
    ])
  func ignoresCaseFoldsASCII(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern, ignoresCase: true), c.text) == c.matches)
  }

  @Test("a pattern without wildcards is an exact, whole-text comparison")
  func exactShape() {
    let p = WildcardPattern("s3:GetObject")
    #expect(!p.hasWildcard)
    #expect(!p.matchesEverything)
    #expect(Self.match(p, "s3:GetObject"))
    #expect(!Self.match(p, "s3:GetObjectAcl"))
    #expect(!Self.match(p, "s3:GetObjec"))
    #expect(!Self.match(p, ""))
    let empty = WildcardPattern("")
    #expect(!empty.hasWildcard)
    #expect(Self.match(empty, ""))
    #expect(!Self.match(empty, "a"))
  }

  @Test("a single trailing * is a prefix test")
  func prefixShape() {
    let p = WildcardPattern("s3:Get*")
    #expect(p.hasWildcard)
    #expect(!p.matchesEverything)
    #expect(Self.match(p, "s3:Get"))
    #expect(Self.match(p, "s3:GetObject"))
    #expect(!Self.match(p, "s3:Ge"))
    #expect(!Self.match(p, "s3:PutObject"))
    #expect(!Self.match(p, "xs3:GetObject"))
  }

  @Test("* alone matches everything, and says so")
  func anythingShape() {
    let p = WildcardPattern("*")
    #expect(p.hasWildcard)
    #expect(p.matchesEverything)
    for text in ["", "*", "s3:GetObject", "arn:aws:s3:::b/k", "日本語"] {
      #expect(Self.match(p, text))
    }
    #expect(WildcardPattern("*", ignoresCase: true, arnSegments: true).matchesEverything)
    #expect(!WildcardPattern("?").matchesEverything)
    #expect(!WildcardPattern("a*").matchesEverything)
  }

  @Test("the general shape handles several wildcards anywhere")
  func generalShape() {
    let p = WildcardPattern("*:Get?bject*")
    #expect(p.hasWildcard)
    #expect(!p.matchesEverything)
    #expect(Self.match(p, "s3:GetObject"))
    #expect(Self.match(p, "s3:GetObjectAcl"))
    #expect(Self.match(p, "a:b:GetXbject"))
    #expect(!Self.match(p, "s3:GetObbject"))
    #expect(WildcardPattern("?").hasWildcard)
  }

  @Test("patterns built from the same text are equal and hash alike")
  func equality() {
    #expect(WildcardPattern("s3:Get*") == WildcardPattern("s3:Get*"))
    #expect(WildcardPattern("s3:Get*").hashValue == WildcardPattern("s3:Get*").hashValue)
    #expect(WildcardPattern("s3:Get*") != WildcardPattern("s3:Put*"))
    #expect(WildcardPattern("S3:GET*", ignoresCase: true) == WildcardPattern("s3:get*", ignoresCase: true))
  }

  @Test(
    "arnSegments: a * that does not end one of the first five segments stays inside it",
    arguments: [
      WildcardCase("arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true),
      WildcardCase("arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east:west-1:111122223333:instance/i-1", false),
      WildcardCase("arn:aws:*3:::bucket", "arn:aws:s3:::bucket", true),
      WildcardCase("arn:aws:*3:::bucket", "arn:aws:x:s3:::bucket", false),
      WildcardCase("arn:aws:s*3:::bucket", "arn:aws:s3:::bucket", true),
      WildcardCase("arn:aws:s*3:::bucket", "arn:aws:s:3:::bucket", false),
      WildcardCase("arn:a*s:s3:::bucket", "arn:aws:s3:::bucket", true),
      WildcardCase("arn:a*s:s3:::bucket", "arn:aws:x:aws:s3:::bucket", false),
      WildcardCase("arn:aws:iam::1*3:user/bob", "arn:aws:iam::123:user/bob", true),
      WildcardCase("arn:aws:iam::1*3:user/bob", "arn:aws:iam::1:3:user/bob", false),
      WildcardCase("*rn:aws:s3:::b", "arn:aws:s3:::b", true),
      WildcardCase("*rn:aws:s3:::b", "x:arn:aws:s3:::b", false),
    ])
  func segmentStarStaysInSegment(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern, arnSegments: true), c.text) == c.matches)
  }

  @Test(
    "arnSegments: a * that ends a segment may expand across colons",
    arguments: [
      WildcardCase("arn:aws:s3*:::bucket", "arn:aws:s3:x:y:::bucket", true),
      WildcardCase("arn:aws:s3*:::bucket", "arn:aws:s3:::bucket", true),
      WildcardCase("arn:*:s3:::bucket", "arn:aws:s3:::bucket", true),
      WildcardCase("arn:*:s3:::bucket", "arn:aws:x:s3:::bucket", true),
      WildcardCase("arn:aws:iam::*:role/r", "arn:aws:iam::111:222:role/r", true),
      WildcardCase("arn:aws:ec2:*:*:instance/i", "arn:aws:ec2:us-east-1:111122223333:instance/i", true),
      // A * that is the last character of the pattern ends its segment.
      WildcardCase("arn:aws:s3*", "arn:aws:s3:::bucket/key", true),
      WildcardCase("arn:aws:s3*", "arn:aws:sqs:us-east-1:1:q", false),
      // Segment-ending text before the * must still match literally.
      WildcardCase("arn:aws:s3*:::bucket", "arn:aws:sqs:::bucket", false),
      // Two stars where the second ends the segment: together they cross colons.
      WildcardCase("arn:aws:s**:::b", "arn:aws:s3:x:::b", true),
    ])
  func segmentEndingStarCrossesColons(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern, arnSegments: true), c.text) == c.matches)
  }

  @Test(
    "arnSegments: a * in the resource part (after the fifth colon) crosses colons",
    arguments: [
      WildcardCase("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b:c", true),
      WildcardCase("arn:aws:s3:::bucket/*/x", "arn:aws:s3:::bucket/a:b/x", true),
      WildcardCase("arn:aws:logs:us-east-1:1:log-group:*:log-stream:s", "arn:aws:logs:us-east-1:1:log-group:g:h:log-stream:s", true),
      WildcardCase("arn:aws:s3:::bucket/*", "arn:aws:s3:::other/a", false),
    ])
  func resourcePartStarCrossesColons(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern, arnSegments: true), c.text) == c.matches)
  }

  @Test(
    "without arnSegments every * crosses colons",
    arguments: [
      WildcardCase("arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east:west-1:111122223333:instance/i-1", true),
      WildcardCase("arn:aws:*3:::bucket", "arn:aws:x:s3:::bucket", true),
      WildcardCase("arn:aws:s*3:::bucket", "arn:aws:s:3:::bucket", true),
    ])
  func plainStarCrossesColons(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern), c.text) == c.matches)
  }

  @Test("arnSegments changes nothing for patterns whose stars all end a segment or follow the fifth colon")
  func arnSegmentsNeutralWithoutInnerStars() {
    let patterns = ["arn:aws:s3:::bucket/*", "arn:*:s3:::*", "arn:aws:ec2:*:*:instance/*", "arn:aws:s?:::b*", "*"]
    let texts = [
      "arn:aws:s3:::bucket/a", "arn:aws:s3:::bucket/a:b", "arn:aws:ec2:us-east-1:1:instance/i",
      "arn:aws-cn:s3:::x", "arn:aws:s3:x:::b", "", "bucket",
    ]
    for pattern in patterns {
      for text in texts {
        #expect(
          Self.match(WildcardPattern(pattern, arnSegments: true), text) == Self.match(WildcardPattern(pattern), text),
          "`\(pattern)` vs `\(text)`")
      }
    }
  }

  @Test(
    "? matches one whole non-ASCII character, never part of one",
    arguments: [
      WildcardCase("?", "é", true),
      WildcardCase("??", "é", false),
      WildcardCase("?", "日", true),
      WildcardCase("???", "日本語", true),
      WildcardCase("??", "日本語", false),
      WildcardCase("?", "😀", true),
      WildcardCase("caf?", "café", true),
      WildcardCase("caf??", "café", false),
      WildcardCase("?afé", "café", true),
      WildcardCase("*?", "é", true),
      WildcardCase("?*", "日本", true),
      WildcardCase("a?b", "a日b", true),
      WildcardCase("a*?b", "a日b", true),
      WildcardCase("a??b", "a日b", false),
      // A decomposed é is two Unicode scalars, so two `?`.
      WildcardCase("??", "e\u{301}", true),
      WildcardCase("é*", "éa", true),
      WildcardCase("*本", "日本", true),
      WildcardCase("*本", "日本語", false),
    ])
  func questionMatchesWholeNonASCIICharacter(_ c: WildcardCase) {
    #expect(Self.match(WildcardPattern(c.pattern), c.text) == c.matches)
    #expect(Self.match(WildcardPattern(c.pattern, ignoresCase: true), c.text) == c.matches)
  }

  @Test("in the resource part of an ARN, ? matches one non-ASCII character")
  func questionInResourcePartMatchesNonASCII() {
    let p = WildcardPattern("arn:aws:s3:::bucket/?.txt", arnSegments: true)
    #expect(Self.match(p, "arn:aws:s3:::bucket/é.txt"))
    #expect(Self.match(p, "arn:aws:s3:::bucket/日.txt"))
    #expect(!Self.match(p, "arn:aws:s3:::bucket/日本.txt"))
  }
}
