/// A CloudWatch Logs metric-filter pattern for JSON log events, such as the CIS benchmark's
/// `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }`.
///
/// The language is AWS's ("Filter pattern syntax for metric filters, subscription filters,
/// filter log events, and Live Tail", the JSON section): a braced expression of conditions
/// `SELECTOR OPERATOR VALUE` joined by `&&` and `||` (`&&` binds tighter) and parentheses.
/// Operators: `=`, `!=` on strings (quoted or not, `*` as a leading or trailing wildcard) and
/// `%regex%`; `=`, `!=`, `<`, `>`, `<=`, `>=` on numbers; and `IS NULL`, `NOT EXISTS`,
/// `IS TRUE`, `IS FALSE`. Parsing happens once, when a rule is loaded; matching is a walk over
/// the event with no allocation beyond the selector's values.
public struct FilterPattern: Sendable, CustomStringConvertible {
  /// The pattern as written.
  public let source: String
  let expression: Expression

  public init(_ source: String) throws(FilterPatternError) {
    self.source = source
    var parser = FilterPatternParser(source)
    expression = try parser.parsePattern().optimized
  }

  public var description: String { source }

  /// Whether the event matches.
  public func matches(_ event: TrailJSON) -> Bool {
    expression.evaluate(event)
  }

  indirect enum Expression: Sendable {
    case and(Expression, Expression)
    case or(Expression, Expression)
    case condition(Condition)
    /// `($.s = "a") || ($.s = "b") || …` with exact strings, compiled to one set lookup (the CIS
    /// policy-change rule is sixteen of them).
    case oneOf(JSONSelector, Set<String>)
  }

  struct Condition: Sendable {
    var selector: JSONSelector
    var test: Test
    /// Precomputed: most selectors reach one value and are walked without allocating.
    var single: Bool

    init(selector: JSONSelector, test: Test) {
      self.selector = selector
      self.test = test
      single = !selector.hasAnyElement
    }
  }

  enum Test: Sendable {
    case isNull
    case notExists
    case isBool(Bool)
    case compare(ComparisonOperator, Operand)
  }

  enum ComparisonOperator: String, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case greater = ">"
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
  }

  enum Operand: Sendable {
    /// An unquoted number; `text` is kept so `= 123456789012` also matches the string
    /// `"123456789012"` (CloudTrail writes account ids as strings).
    case number(Double, text: String)
    case text(WildcardText)
    case regex(FilterRegex)
  }
}

/// A string value with AWS's wildcard rule: `*` at the start or end matches any text there;
/// a `*` inside the string is itself (`Ev*ent` matches only `Ev*ent`).
struct WildcardText: Sendable, Equatable {
  var core: String
  var anyPrefix: Bool
  var anySuffix: Bool

  init(_ text: String) {
    var core = Substring(text)
    anyPrefix = core.hasPrefix("*")
    if anyPrefix { core = core.dropFirst() }
    anySuffix = core.hasSuffix("*")
    if anySuffix { core = core.dropLast() }
    self.core = String(core)
  }

  func matches(_ value: String) -> Bool {
    switch (anyPrefix, anySuffix) {
    case (false, false): return value == core
    case (true, false): return value.hasSuffix(core)
    case (false, true): return value.hasPrefix(core)
    case (true, true): return core.isEmpty || value.contains(core)
    }
  }
}
