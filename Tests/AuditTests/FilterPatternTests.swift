import Audit
import Testing

/// The JSON filter-pattern language, checked against the examples of AWS's "Filter and Pattern
/// Syntax" page, section "Matching Terms in JSON Log Events"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html, now
/// split out as .../logs/matching-terms-json-log-events.html): the same sample events, the same
/// patterns, the same outcomes. Rows marked "ours" are Portcullis's choices where AWS is silent.
@Suite struct FilterPatternTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var pattern: String
    var event: String
    var matches: Bool
    var testDescription: String { "\(pattern) \(matches ? "matches" : "does not match")" }

    init(_ pattern: String, _ event: String, _ matches: Bool) {
      self.pattern = pattern
      self.event = event
      self.matches = matches
    }
  }

  // The page's first sample event ("JSON Metric Filter Examples").
  static let sample = """
    {"eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"],
     "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null, "ThisFlag": true}
    """

  // The page's sample for compound conditions.
  static let users = """
    {"user": {"id": 1, "email": "John.Stiles@example.com"},
     "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
     "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]}
    """

  @Test(arguments: [
    // "The following filters would match"
    Case(#"{ $.eventType = "UpdateTrail" }"#, sample, true),
    Case("{ $.sourceIPAddress != 123.123.* }", sample, true),
    Case(#"{ $.arrayKey[0] = "value" }"#, sample, true),
    Case("{ $.objectList[1].id = 2 }", sample, true),
    Case("{ $.SomeObject IS NULL }", sample, true),
    Case("{ $.SomeOtherObject NOT EXISTS }", sample, true),
    Case("{ $.ThisFlag IS TRUE }", sample, true),
    // and their negative counterparts, as the page describes them
    Case(#"{ $.eventType = "CreateTrail" }"#, sample, false),
    Case("{ $.sourceIPAddress != 111.111.* }", sample, false),
    Case(#"{ $.arrayKey[1] = "value" }"#, sample, false),
    Case(#"{ $.eventType[0] = "UpdateTrail" }"#, sample, false),  // "If arrayKey is not an array this will be false"
    Case("{ $.objectList[2].id = 2 }", sample, false),
    Case("{ $.objectList[0].missing = 2 }", sample, false),
    Case("{ $.eventType IS NULL }", sample, false),  // "only true if the specified object is set to null"
    Case("{ $.SomeOtherObject IS NULL }", sample, false),
    Case("{ $.SomeObject NOT EXISTS }", sample, false),  // null exists
    Case("{ $.ThisFlag IS FALSE }", sample, false),
  ])
  func documentedJSONExamples(_ c: Case) throws {
    try #require(try FilterPattern(c.pattern).matches(TrailJSON.parse(c.event)) == c.matches)
  }

  @Test(arguments: [
    // "OR Pattern Matching": {"foo": "bar"} is event 1, {"foo": "baz"} event 2.
    Case("{$.foo = bar}", #"{"foo": "bar"}"#, true),
    Case("{$.foo = bar}", #"{"foo": "baz"}"#, false),
    Case("{$.foo = baz }", #"{"foo": "baz"}"#, true),
    Case("{$.foo = bar || $.foo = baz }", #"{"foo": "bar"}"#, true),
    Case("{$.foo = bar || $.foo = baz }", #"{"foo": "baz"}"#, true),
    // "JSON Compound Conditions": () > && > ||
    Case(#"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#, users, true),
    Case(#"{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }"#, users, false),
    Case(#"{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }"#, users, true),
    Case(#"{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }"#, users, false),
    Case("{ $.coordinates[2][0] = 7 }", users, true),
  ])
  func documentedCompoundConditions(_ c: Case) throws {
    try #require(try FilterPattern(c.pattern).matches(TrailJSON.parse(c.event)) == c.matches)
  }

  /// "JSON Special Considerations": a selector that reaches an array or object matches neither
  /// `=` nor `!=`.
  @Test(arguments: ["{$.users = 1}", "{$.users != 1}"])
  func selectorOnAnArrayMatchesNeitherEqualityNorInequality(_ pattern: String) throws {
    #expect(try !FilterPattern(pattern).matches(TrailJSON.parse(#"{"users": [1, 2, 3]}"#)))
  }

  static let metrics = """
    {"latency": 1500, "numbers": [0.005, 20000], "processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}],
     "errorCode": 400, "accountId": "123456789012"}
    """

  @Test(arguments: [
    // "Numeric Comparisons": the page's examples, against a sample of ours.
    Case("{ $.latency >= 500 }", metrics, true),
    Case("{ $.numbers[0] < 10e3 }", metrics, true),
    Case("{ $.numbers[0] < 10e-3 }", metrics, true),
    Case("{ $.numbers[1] < 10e3 }", metrics, false),
    Case("{ $.processes[4].averageRuntime <= 55.5 }", metrics, true),
    Case("{ $.processes[4].averageRuntime < 55.5 }", metrics, false),
    Case("{ $.errorCode = 400 }", metrics, true),
    Case("{ $.errorCode != 500 }", metrics, true),
    Case("{ $.errorCode != 400 }", metrics, false),
    Case("{ $.latency > +1000 }", metrics, true),
    Case("{ $.latency > -1000.5 }", metrics, true),
    // "publishing numerical values": `= *` matches any value that is present
    Case("{ $.latency = * }", metrics, true),
    Case("{ $.missing = * }", metrics, false),
    // CloudTrail writes account ids as strings: "the recipientAccountId is 123456789012"
    Case("{ $.accountId = 123456789012 }", metrics, true),
    Case("{ $.accountId > 100 }", metrics, true),
  ])
  func numericComparisons(_ c: Case) throws {
    try #require(try FilterPattern(c.pattern).matches(TrailJSON.parse(c.event)) == c.matches)
  }

  /// "You can use the asterisk '*' wildcard character to match any text at, before, or after a
  /// search term. *Event will match PutEvent and GetEvent. Event* will match EventId and
  /// EventName. Ev*ent will only match the actual string Ev*ent."
  @Test(arguments: [
    ("*Event", "PutEvent", true), ("*Event", "GetEvent", true), ("*Event", "EventId", false),
    ("Event*", "EventId", true), ("Event*", "EventName", true), ("Event*", "PutEvent", false),
    ("Ev*ent", "Ev*ent", true), ("Ev*ent", "Event", false), ("Ev*ent", "Evident", false),
    ("*vent*", "PutEventName", true), ("*", "", true),
  ])
  func wildcards(_ value: String, _ text: String, _ matches: Bool) throws {
    let event = TrailJSON.object(["name": .string(text)])
    #expect(try FilterPattern("{ $.name = \(value) }").matches(event) == matches)
    #expect(try FilterPattern("{ $.name = \"\(value)\" }").matches(event) == matches)
  }

  @Test func comparisonsNeedThePropertyToExist() throws {
    let event = try TrailJSON.parse(#"{"eventName": "ConsoleLogin"}"#)
    #expect(try !FilterPattern(#"{ $.additionalEventData.MFAUsed != "Yes" }"#).matches(event))
    #expect(try FilterPattern("{ $.additionalEventData.MFAUsed NOT EXISTS }").matches(event))
  }

  @Test func quotedStringsKeepSpacesAndEscapes() throws {
    let event = TrailJSON.object(["message": .string(#"say "hi" now"#)])
    #expect(try FilterPattern(#"{ $.message = "say \"hi\" now" }"#).matches(event))
  }

  /// `IS TRUE`/`IS FALSE` are AWS's; `= false` as text is ours.
  @Test func booleansMatchIsTrueAndTheirText() throws {
    let event = try TrailJSON.parse(#"{"readOnly": false}"#)
    #expect(try FilterPattern("{ $.readOnly IS FALSE }").matches(event))
    #expect(try !FilterPattern("{ $.readOnly IS TRUE }").matches(event))
    #expect(try FilterPattern("{ $.readOnly = false }").matches(event))
  }

  /// Ours: `[*]` is not in AWS's JSON examples; CloudTrail's `resources` needs it.
  @Test func anyElementMatchesWhenSomeElementDoes() throws {
    let event = try TrailJSON.parse(#"{"resources": [{"ARN": "arn:aws:iam::1:user/a"}, {"ARN": "arn:aws:iam::1:role/b"}]}"#)
    #expect(try FilterPattern(#"{ $.resources[*].ARN = "*:role/b" }"#).matches(event))
    #expect(try !FilterPattern(#"{ $.resources[*].ARN = "*:group/*" }"#).matches(event))
    #expect(try FilterPattern("{ $.resources[*].missing NOT EXISTS }").matches(event))
  }

  /// The current page's "Supported regular expressions (regex) syntax": `%…%`, no parentheses,
  /// no multi-byte characters, at most two per pattern.
  @Test(arguments: [
    ("%Trail%", "UpdateTrail", true), ("%^Update%", "UpdateTrail", true), ("%^Trail%", "UpdateTrail", false),
    ("%Trail$%", "UpdateTrail", true), ("%colou?r%", "color", true), ("%colou?r%", "colour", true),
    ("%gray|grey%", "greyhound", true), ("%10\\.10\\.0\\.1%", "10.10.0.1", true), ("%10\\.10\\.0\\.1%", "10a10b0c1", false),
    ("%^[a-z]+$%", "abc", true), ("%^[a-z]+$%", "abC", false), ("%^[^0-9]{3}$%", "abc", true),
    ("%^a{2,3}$%", "aaaa", false), ("%^\\d{12}$%", "123456789012", true), ("%^ab*c$%", "ac", true),
  ])
  func regularExpressions(_ regex: String, _ text: String, _ matches: Bool) throws {
    let event = TrailJSON.object(["v": .string(text)])
    #expect(try FilterPattern("{ $.v = \(regex) }").matches(event) == matches)
    #expect(try FilterPattern("{ $.v != \(regex) }").matches(event) == !matches)
  }

  struct Rejection: Sendable, CustomTestStringConvertible {
    var pattern: String
    var column: Int
    var reason: String
    var testDescription: String { pattern }
  }

  @Test(arguments: [
    Rejection(pattern: #"$.eventName = "x""#, column: 1, reason: "enclosed in braces"),
    Rejection(pattern: #"{ eventName = "x" }"#, column: 3, reason: "selector starting with `$`"),
    Rejection(pattern: #"{ $.eventName "x" }"#, column: 15, reason: "expected an operator"),
    Rejection(pattern: "{ $.eventName = }", column: 17, reason: "expected a value"),
    Rejection(pattern: #"{ $.eventName = "x }"#, column: 17, reason: "unterminated string"),
    Rejection(pattern: #"{ ($.a = 1 }"#, column: 12, reason: "expected `)`"),
    Rejection(pattern: #"{ $.a = 1 $.b = 2 }"#, column: 11, reason: "expected `&&`, `||` or `}`"),
    Rejection(pattern: #"{ $.a = 1 } extra"#, column: 13, reason: "after the closing `}`"),
    Rejection(pattern: "{ $.a < abc }", column: 9, reason: "compares numbers"),
    Rejection(pattern: "{ $.a IS MAYBE }", column: 10, reason: "after `IS`"),
    Rejection(pattern: "{ $.a NOT THERE }", column: 11, reason: "`EXISTS` after `NOT`"),
    Rejection(pattern: "{ $[0] = 1 }", column: 4, reason: "must follow a property"),
    Rejection(pattern: "{ $.a[x] = 1 }", column: 7, reason: "array index"),
    Rejection(pattern: "{ $. = 1 }", column: 5, reason: "property name"),
    Rejection(pattern: "{ $.a = %(ab)% }", column: 10, reason: "`(` and `)`"),
    Rejection(pattern: "{ $.a = %something!% }", column: 19, reason: "`!`"),
    Rejection(pattern: "{ $.a = %x% || $.b = %y% || $.c = %z% }", column: 35, reason: "at most 2 regular expressions"),
    Rejection(pattern: "{ $.a = %abc }", column: 9, reason: "closing `%`"),
    Rejection(pattern: "{ }", column: 3, reason: "expected a condition"),
  ])
  func malformedPatternsAreRejectedWithTheirColumn(_ r: Rejection) {
    #expect {
      try FilterPattern(r.pattern)
    } throws: { error in
      guard let error = error as? FilterPatternError else { return false }
      return error.offset + 1 == r.column && error.reason.contains(r.reason)
    }
  }

  @Test func errorsNameTheColumn() {
    #expect(FilterPatternError(offset: 13, reason: "expected x").description == "column 14: expected x")
  }
}
