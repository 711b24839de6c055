import PolicyEngine

/// A JSON value as the trail writes and reads it: objects keep their members in order, so an
/// event serializes with CloudTrail's field order and reads back the same way.
public indirect enum TrailJSON: Sendable, Equatable {
  case null
  case bool(Bool)
  /// Integers are kept exact (timestamps in milliseconds, counts); other numbers as `Double`.
  case int(Int64)
  case double(Double)
  case string(String)
  case array([TrailJSON])
  case object([Member])

  /// One `"key": value` member of an object.
  public struct Member: Sendable, Equatable {
    public var key: String
    public var value: TrailJSON

    public init(_ key: String, _ value: TrailJSON) {
      self.key = key
      self.value = value
    }
  }

  /// An object from ordered pairs; `nil` values are left out.
  public static func object(_ pairs: KeyValuePairs<String, TrailJSON?>) -> TrailJSON {
    .object(pairs.compactMap { key, value in value.map { Member(key, $0) } })
  }

  /// The member `key` of an object (the first one, when repeated).
  public subscript(key: String) -> TrailJSON? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.key == key }?.value
  }

  /// The string, when this is a string.
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}

// MARK: writing

extension TrailJSON {
  /// Compact JSON text.
  public var serialized: String {
    var out = ""
    write(to: &out)
    return out
  }

  public func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)) : "null"
    case .string(let s): Self.writeString(s, to: &out)
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        item.write(to: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (i, member) in members.enumerated() {
        if i > 0 { out += "," }
        Self.writeString(member.key, to: &out)
        out += ":"
        member.value.write(to: &out)
      }
      out += "}"
    }
  }

  static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

// MARK: reading

extension TrailJSON {
  /// Parses JSON text (with the policy engine's parser, which keeps member order).
  public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> TrailJSON {
    TrailJSON(try JSONParser.parse(bytes: bytes))
  }

  public static func parse(_ text: String) throws(JSONSyntaxError) -> TrailJSON {
    try parse(Array(text.utf8))
  }

  init(_ node: JSONNode) {
    switch node.value {
    case .null: self = .null
    case .bool(let b): self = .bool(b)
    case .number(let text):
      if let i = Int64(text) { self = .int(i) } else { self = .double(Double(text) ?? .nan) }
    case .string(let s): self = .string(s)
    case .array(let nodes): self = .array(nodes.map(TrailJSON.init))
    case .object(let members): self = .object(members.map { Member($0.key, TrailJSON($0.node)) })
    }
  }
}
