/// Recursive descent over AWS's JSON filter grammar:
///
///     pattern   = "{" or "}"
///     or        = and { "||" and }
///     and       = primary { "&&" primary }
///     primary   = "(" or ")" | selector test
///     test      = "IS" ("NULL" | "TRUE" | "FALSE") | "NOT" "EXISTS" | operator value
///
/// Every error names the column and what was expected there.
struct FilterPatternParser {
  var scanner: PatternScanner
  var regexCount = 0

  /// AWS allows at most two regular expressions in one JSON filter pattern.
  static let maximumRegexes = 2

  init(_ text: String) {
    scanner = PatternScanner(text)
  }

  mutating func parsePattern() throws(FilterPatternError) -> FilterPattern.Expression {
    scanner.skipSpaces()
    guard scanner.take("{") else {
      throw FilterPatternError(
        offset: scanner.offset, reason: "a JSON filter pattern is enclosed in braces, as in `{ $.eventName = \"CreateUser\" }`")
    }
    let expression = try parseOr()
    scanner.skipSpaces()
    guard scanner.take("}") else {
      throw FilterPatternError(offset: scanner.offset, reason: "expected `&&`, `||` or `}`, found `\(scanner.rest(8))`")
    }
    scanner.skipSpaces()
    guard scanner.atEnd else {
      throw FilterPatternError(offset: scanner.offset, reason: "unexpected `\(scanner.rest(8))` after the closing `}`")
    }
    return expression
  }

  mutating func parseOr() throws(FilterPatternError) -> FilterPattern.Expression {
    var left = try parseAnd()
    while true {
      scanner.skipSpaces()
      guard scanner.take("||") else { return left }
      left = .or(left, try parseAnd())
    }
  }

  mutating func parseAnd() throws(FilterPatternError) -> FilterPattern.Expression {
    var left = try parsePrimary()
    while true {
      scanner.skipSpaces()
      guard scanner.take("&&") else { return left }
      left = .and(left, try parsePrimary())
    }
  }

  mutating func parsePrimary() throws(FilterPatternError) -> FilterPattern.Expression {
    scanner.skipSpaces()
    if scanner.current == "(" {
      let open = scanner.offset
      scanner.offset += 1
      let inner = try parseOr()
      scanner.skipSpaces()
      guard scanner.take(")") else {
        throw FilterPatternError(offset: scanner.offset, reason: "expected `)` to close the `(` at column \(open + 1)")
      }
      return inner
    }
    if scanner.atEnd || scanner.current == "}" {
      throw FilterPatternError(offset: scanner.offset, reason: "expected a condition such as `$.eventName = \"CreateUser\"`")
    }
    let selector = try scanner.selector()
    return .condition(FilterPattern.Condition(selector: selector, test: try parseTest(after: selector)))
  }

  mutating func parseTest(after selector: JSONSelector) throws(FilterPatternError) -> FilterPattern.Test {
    scanner.skipSpaces()
    let at = scanner.offset
    if scanner.takeKeyword("IS") {
      scanner.skipSpaces()
      if scanner.takeKeyword("NULL") { return .isNull }
      if scanner.takeKeyword("TRUE") { return .isBool(true) }
      if scanner.takeKeyword("FALSE") { return .isBool(false) }
      throw FilterPatternError(offset: scanner.offset, reason: "expected `NULL`, `TRUE` or `FALSE` after `IS`")
    }
    if scanner.takeKeyword("NOT") {
      scanner.skipSpaces()
      if scanner.takeKeyword("EXISTS") { return .notExists }
      throw FilterPatternError(offset: scanner.offset, reason: "expected `EXISTS` after `NOT`")
    }
    let op: FilterPattern.ComparisonOperator
    if scanner.take("!=") {
      op = .notEqual
    } else if scanner.take("<=") {
      op = .lessOrEqual
    } else if scanner.take(">=") {
      op = .greaterOrEqual
    } else if scanner.take("=") {
      op = .equal
    } else if scanner.take("<") {
      op = .less
    } else if scanner.take(">") {
      op = .greater
    } else {
      throw FilterPatternError(
        offset: at,
        reason: "expected an operator (=, !=, <, >, <=, >=, IS NULL, NOT EXISTS, IS TRUE, IS FALSE) after `\(selector)`")
    }
    scanner.skipSpaces()
    let valueAt = scanner.offset
    let operand = try parseOperand()
    switch (op, operand) {
    case (.equal, _), (.notEqual, _), (_, .number):
      return .compare(op, operand)
    default:
      throw FilterPatternError(offset: valueAt, reason: "`\(op.rawValue)` compares numbers: expected a number after it")
    }
  }

  mutating func parseOperand() throws(FilterPatternError) -> FilterPattern.Operand {
    switch scanner.current {
    case "\""?:
      return .text(WildcardText(try scanner.quotedString()))
    case "%"?:
      let at = scanner.offset
      regexCount += 1
      if regexCount > Self.maximumRegexes {
        throw FilterPatternError(offset: at, reason: "a filter pattern can contain at most \(Self.maximumRegexes) regular expressions")
      }
      let body = try scanner.regexBody()
      do throws(FilterPatternError) {
        return .regex(try FilterRegex(body))
      } catch {
        throw FilterPatternError(offset: at + 1 + error.offset, reason: error.reason)
      }
    default:
      let at = scanner.offset
      let text = scanner.unquotedValue()
      guard !text.isEmpty else {
        throw FilterPatternError(offset: at, reason: "expected a value: a number, a string, or a `%regex%`")
      }
      if let number = PatternScanner.number(text) { return .number(number, text: text) }
      return .text(WildcardText(text))
    }
  }
}
