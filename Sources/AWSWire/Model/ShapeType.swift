/// The kind of a shape in an AWS service model, spelled as the model spells it.
public enum ShapeType: String, Sendable, Equatable, CaseIterable {
  case structure, list, map
  case string, blob, boolean, timestamp
  /// 32-bit on AWS's side: a Query value outside `Int32` is malformed.
  case integer
  /// 64-bit.
  case long
  case double, float

  /// Whether values of this kind are written as a single text node.
  public var isScalar: Bool {
    switch self {
    case .structure, .list, .map: false
    default: true
    }
  }
}
