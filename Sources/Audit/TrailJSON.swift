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
    var out: [UInt8] = []
    write(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends compact JSON text to `out`.
  public func write(to out: inout String) {
    out += serialized
  }

  /// Appends compact JSON as UTF-8 to `out`. The trail writes every event this way, so it works
  /// on bytes: a string without characters to escape is copied in one piece.
  public func write(to out: inout [UInt8]) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .double(let d):
      let text = d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)) : "null"
      out.append(contentsOf: text.utf8)
    case .string(let s): Self.writeString(s, to: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        item.write(to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      for (i, member) in members.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        Self.writeString(member.key, to: &out)
        out.append(UInt8(ascii: ":"))
        member.value.write(to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  static func writeString(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      var start = 0
      for i in 0..<bytes.count {
        let b = bytes[i]
        guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        start = i + 1
        switch b {
        case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
        case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
        case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
        case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
        default:
          let digits = Array("0123456789abcdef".utf8)
          out.append(contentsOf: #"\u00"#.utf8)
          out.append(digits[Int(b >> 4)])
          out.append(digits[Int(b & 15)])
        }
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
    }
    out.append(UInt8(ascii: "\""))
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
