/// Matching, with AWS's rules for the cases people trip on:
/// - a comparison needs the property to exist: `{ $.x != "a" }` does not match an event without
///   `x` (AWS's CIS patterns add `NOT EXISTS` conditions for exactly this reason);
/// - a selector that reaches an array or an object makes both `=` and `!=` false ("the filter will
///   not be applied"), and so does `null`, which only `IS NULL` matches;
/// - `IS NULL` is true only for an explicit `null`; `NOT EXISTS` only when the property is absent;
/// - numbers compare numerically; a string that reads as a number compares as one (CloudTrail
///   writes account ids and some codes as strings); `=` with an unquoted number also matches the
///   same text;
/// - booleans match `IS TRUE` / `IS FALSE`, and `= true` / `= false` as text (a Portcullis choice:
///   AWS documents only the `IS` forms, and CloudTrail's `readOnly` is a boolean people compare).
/// With `[*]`, a condition holds when it holds for some element.
extension FilterPattern.Expression {
  func evaluate(_ event: TrailJSON) -> Bool {
    switch self {
    case .and(let l, let r): return l.evaluate(event) && r.evaluate(event)
    case .or(let l, let r): return l.evaluate(event) || r.evaluate(event)
    case .condition(let condition): return condition.evaluate(event)
    case .oneOf(let selector, let texts):
      guard let text = selector.value(in: event)?.filterText else { return false }
      return texts.contains(text)
    }
  }

  /// The same expression with exact-string disjunctions over one selector turned into `oneOf`.
  var optimized: FilterPattern.Expression {
    switch self {
    case .and(let l, let r): return .and(l.optimized, r.optimized)
    case .condition, .oneOf: return self
    case .or(let l, let r):
      var selector: JSONSelector?
      var texts = Set<String>()
      if collectEqualities(into: &selector, &texts), let selector { return .oneOf(selector, texts) }
      return .or(l.optimized, r.optimized)
    }
  }

  /// True when every leaf of this `||` tree is `selector = "exact text"` for one selector.
  private func collectEqualities(into selector: inout JSONSelector?, _ texts: inout Set<String>) -> Bool {
    switch self {
    case .or(let l, let r):
      return l.collectEqualities(into: &selector, &texts) && r.collectEqualities(into: &selector, &texts)
    case .condition(let c):
      guard c.single, case .compare(.equal, .text(let w)) = c.test, !w.anyPrefix, !w.anySuffix,
        selector == nil || selector == c.selector
      else { return false }
      selector = c.selector
      texts.insert(w.core)
      return true
    case .and, .oneOf:
      return false
    }
  }
}

extension FilterPattern.Condition {
  func evaluate(_ event: TrailJSON) -> Bool {
    if single {
      let value = selector.value(in: event)
      switch test {
      case .notExists: return value == nil
      case .isNull: return value == .null
      case .isBool(let wanted): return value == .bool(wanted)
      case .compare(let op, let operand): return value.map { Self.compare($0, op, operand) } ?? false
      }
    }
    let values = selector.values(in: event)
    switch test {
    case .notExists:
      return values.isEmpty
    case .isNull:
      return values.contains(.null)
    case .isBool(let wanted):
      return values.contains(.bool(wanted))
    case .compare(let op, let operand):
      return values.contains { Self.compare($0, op, operand) }
    }
  }

  static func compare(_ value: TrailJSON, _ op: FilterPattern.ComparisonOperator, _ operand: FilterPattern.Operand) -> Bool {
    guard let text = value.filterText else { return false }
    switch operand {
    case .text(let wildcard):
      let matched = wildcard.matches(text)
      return op == .equal ? matched : !matched
    case .regex(let regex):
      let matched = regex.matches(text)
      return op == .equal ? matched : !matched
    case .number(let number, let operandText):
      let actual: Double?
      switch value {
      case .int(let i): actual = Double(i)
      case .double(let d): actual = d
      case .string(let s): actual = PatternScanner.number(s)
      case .bool, .null, .array, .object: actual = nil
      }
      guard let actual else {
        // Not a number: only (in)equality of the text can be decided.
        switch op {
        case .equal: return text == operandText
        case .notEqual: return text != operandText
        default: return false
        }
      }
      switch op {
      case .equal: return actual == number
      case .notEqual: return actual != number
      case .less: return actual < number
      case .greater: return actual > number
      case .lessOrEqual: return actual <= number
      case .greaterOrEqual: return actual >= number
      }
    }
  }
}
