/// A condition operator: a base comparison with its optional set qualifier and `IfExists` suffix.
///
/// Operator names are case-sensitive, as written in AWS's documentation; an unknown name is
/// rejected when the policy is written, never skipped at evaluation time.
public struct ConditionOperator: Sendable, Equatable, CustomStringConvertible {
  /// The comparison.
  public var base: Base
  /// `ForAllValues:` / `ForAnyValue:`, if present.
  public var qualifier: SetQualifier?
  /// Whether the name ends in `IfExists`.
  public var ifExists: Bool

  /// Creates an operator.
  public init(_ base: Base, qualifier: SetQualifier? = nil, ifExists: Bool = false) {
    self.base = base
    self.qualifier = qualifier
    self.ifExists = ifExists
  }

  /// Parses an operator name such as `ForAnyValue:StringLikeIfExists`; `nil` if unknown.
  public init?(name: String) {
    var rest = Substring(name)
    var qualifier: SetQualifier?
    if rest.hasPrefix("ForAllValues:") {
      qualifier = .forAllValues
      rest = rest.dropFirst("ForAllValues:".count)
    } else if rest.hasPrefix("ForAnyValue:") {
      qualifier = .forAnyValue
      rest = rest.dropFirst("ForAnyValue:".count)
    }
    var ifExists = false
    if rest.hasSuffix("IfExists") {
      ifExists = true
      rest = rest.dropLast("IfExists".count)
    }
    guard let base = Base(rawValue: String(rest)) else { return nil }
    // `Null` tests existence itself; `NullIfExists` has no meaning and AWS rejects it.
    if base == .null && ifExists { return nil }
    self.init(base, qualifier: qualifier, ifExists: ifExists)
  }

  /// The name as AWS writes it.
  public var description: String {
    (qualifier?.rawValue ?? "") + base.rawValue + (ifExists ? "IfExists" : "")
  }

  /// Set qualifiers for multivalued context keys.
  public enum SetQualifier: String, Sendable, Equatable {
    case forAllValues = "ForAllValues:"
    case forAnyValue = "ForAnyValue:"
  }

  /// The base comparisons AWS documents.
  public enum Base: String, Sendable, Equatable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringNotEquals = "StringNotEquals"
    case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
    case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
    case stringLike = "StringLike"
    case stringNotLike = "StringNotLike"
    case numericEquals = "NumericEquals"
    case numericNotEquals = "NumericNotEquals"
    case numericLessThan = "NumericLessThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThan = "NumericGreaterThan"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case dateEquals = "DateEquals"
    case dateNotEquals = "DateNotEquals"
    case dateLessThan = "DateLessThan"
    case dateLessThanEquals = "DateLessThanEquals"
    case dateGreaterThan = "DateGreaterThan"
    case dateGreaterThanEquals = "DateGreaterThanEquals"
    case bool = "Bool"
    case binaryEquals = "BinaryEquals"
    case ipAddress = "IpAddress"
    case notIpAddress = "NotIpAddress"
    case arnEquals = "ArnEquals"
    case arnLike = "ArnLike"
    case arnNotEquals = "ArnNotEquals"
    case arnNotLike = "ArnNotLike"
    case null = "Null"

    /// Whether the operator is the negation of a positive one (true when nothing matches,
    /// and when the key is missing).
    public var isNegated: Bool {
      switch self {
      case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals,
        .dateNotEquals, .notIpAddress, .arnNotEquals, .arnNotLike:
        true
      default: false
      }
    }

    /// Whether policy variables are substituted in this operator's values (string and ARN
    /// operators only, per AWS).
    public var acceptsVariables: Bool {
      switch self {
      case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase,
        .stringLike, .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
        true
      default: false
      }
    }
  }
}
