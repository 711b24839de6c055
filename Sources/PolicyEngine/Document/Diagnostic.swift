/// A problem found in a policy document. Validation collects these instead of throwing so that
/// a linter can report every problem at once and the API can report the first, as AWS does.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
  /// How serious the problem is.
  public enum Severity: String, Sendable, Comparable {
    case error, warning

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
  }

  /// The severity.
  public var severity: Severity
  /// A stable machine-readable code, e.g. `syntax`, `missingAction`, `invalidPrincipal`.
  public var code: String
  /// The message AWS returns for this problem (`MalformedPolicyDocument` text), word for word.
  public var message: String
  /// What exactly is wrong, in our words, lowercase, with the offending input in backticks.
  public var detail: String
  /// Byte offset of the problem in the source document, when known.
  public var offset: Int?
  /// 1-based line and column of `offset`, filled in by the parser.
  public var line: Int?
  public var column: Int?

  /// Creates a diagnostic.
  public init(
    severity: Severity = .error, code: String, message: String, detail: String, offset: Int? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.detail = detail
    self.offset = offset
  }

  public var description: String {
    let place = line.map { "\($0):\(column ?? 1): " } ?? ""
    return "\(place)\(severity.rawValue): \(message) (\(detail))"
  }
}
