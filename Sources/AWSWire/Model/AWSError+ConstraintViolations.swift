extension AWSError {
  /// The single `ValidationError` AWS returns for every constraint an input fails:
  /// `2 validation errors detected: <violation>; <violation>`.
  public static func validationError(violations: [ConstraintViolation]) -> AWSError {
    let count = violations.count
    let noun = count == 1 ? "validation error" : "validation errors"
    let list = violations.map(\.description).joined(separator: "; ")
    return .validationError("\(count) \(noun) detected: \(list)")
  }
}
