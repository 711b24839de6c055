import PolicyEngine

/// A JSON value for reports, written with keys in the order given, so output is deterministic
/// without sorting (Foundation's sorted-keys writer was a quarter of a large analysis's time).
indirect enum JSONOut {
  case string(String)
  case int(Int)
  case bool(Bool)
  case array([JSONOut])
  case object([(String, JSONOut)])

  /// Two-space indented JSON with a final newline.
  func pretty() -> String {
    var out = ""
    write(into: &out, indent: 0)
    return out + "\n"
  }

  private func write(into out: inout String, indent: Int) {
    switch self {
    case .string(let s): Self.quote(s, into: &out)
    case .int(let i): out += String(i)
    case .bool(let b): out += b ? "true" : "false"
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        item.write(into: &out, indent: indent + 2)
        out += i == items.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "]"
    case .object(let members):
      if members.isEmpty { out += "{}"; return }
      out += "{\n"
      for (i, (key, value)) in members.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        Self.quote(key, into: &out)
        out += ": "
        value.write(into: &out, indent: indent + 2)
        out += i == members.count - 1 ? "\n" : ",\n"
      }
      out += String(repeating: " ", count: indent) + "}"
    }
  }

  static func quote(_ s: String, into out: inout String) {
    JSONValue.renderString(s, into: &out)
  }
}

extension JSONOut {
  static func strings(_ list: [String]) -> JSONOut { .array(list.map { .string($0) }) }
}
