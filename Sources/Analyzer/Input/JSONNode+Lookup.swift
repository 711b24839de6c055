import PolicyEngine

extension JSONNode {
  /// The value of the first member named `key` when this node is an object.
  subscript(_ key: String) -> JSONNode? {
    members?.first { $0.key == key }?.node
  }

  /// The elements when this node is an array (an empty list otherwise).
  var items: [JSONNode] {
    if case .array(let items) = value { return items }
    return []
  }

  /// A number or numeric string as an `Int`.
  var int: Int? {
    switch value {
    case .number(let n): Int(n)
    case .string(let s): Int(s)
    default: nil
    }
  }
}
