/// One input value that fails a constraint of its shape, worded as AWS words it:
/// `Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular
/// expression pattern: [\w+=,.@-]+`.
public struct ConstraintViolation: Sendable, Equatable, CustomStringConvertible {
  /// How the offending value appears in the message.
  public enum Value: Sendable, Equatable {
    /// A required member is missing: `Value null at …`.
    case null
    /// A sensitive value, left out as AWS leaves it out: `Value at …`.
    case redacted
    /// The value as AWS prints it (Java's `toString`): `Value 'alice' at …`.
    case shown(String)
  }

  /// Where the value is, in AWS's notation: member names with the first letter lowercased,
  /// joined by `.`, list elements as `tags.1.member` (1-based).
  public let path: String
  /// The value.
  public let value: Value
  /// The constraint, e.g. `Member must have length less than or equal to 64`.
  public let constraint: String

  /// Creates a violation.
  public init(path: String, value: Value, constraint: String) {
    self.path = path
    self.value = value
    self.constraint = constraint
  }

  public var description: String {
    let subject =
      switch value {
      case .null: "Value null"
      case .redacted: "Value"
      case .shown(let text): "Value '\(text)'"
      }
    return "\(subject) at '\(path)' failed to satisfy constraint: \(constraint)"
  }
}
