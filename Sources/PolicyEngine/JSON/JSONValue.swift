/// A JSON value as the policy parser sees it: every node remembers where it started in the
/// source, so a diagnostic can point at the line and column of the problem.
///
/// Objects keep their members in source order, duplicates included, because the policy grammar
/// (not the JSON layer) decides what a repeated key means.
public struct JSONNode: Sendable, Equatable {
  /// The value at this node.
  public var value: JSONValue
  /// Byte offset of the first byte of the value in the source document.
  public var offset: Int

  /// Creates a node.
  public init(_ value: JSONValue, offset: Int = 0) {
    self.value = value
    self.offset = offset
  }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Sendable, Equatable {
  /// The decoded key.
  public var key: String
  /// Byte offset of the key's opening quote.
  public var keyOffset: Int
  /// The member's value.
  public var node: JSONNode

  /// Creates a member.
  public init(key: String, keyOffset: Int = 0, node: JSONNode) {
    self.key = key
    self.keyOffset = keyOffset
    self.node = node
  }
}

/// The kinds of JSON value.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// A number, kept as its source text so that `"10"` and `10` render the same way in conditions.
  case number(String)
  case string(String)
  case array([JSONNode])
  case object([JSONMember])

  /// The name of the kind, for messages.
  var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}

extension JSONNode {
  /// The members when this node is an object.
  public var members: [JSONMember]? {
    if case .object(let members) = value { return members }
    return nil
  }

  /// The string when this node is a string.
  public var string: String? {
    if case .string(let s) = value { return s }
    return nil
  }

  /// The value as condition-value text: strings as they are, numbers as written, booleans as
  /// `true`/`false`. `nil` for null, arrays and objects.
  var scalarText: String? {
    switch value {
    case .string(let s): s
    case .number(let n): n
    case .bool(let b): b ? "true" : "false"
    default: nil
    }
  }
}

extension JSONValue {
  /// Renders the value as compact JSON (used to echo documents back and to count sizes).
  public func rendered() -> String {
    var out = ""
    render(into: &out)
    return out
  }

  func render(into out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let n): out += n
    case .string(let s): JSONValue.renderString(s, into: &out)
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        item.value.render(into: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (i, member) in members.enumerated() {
        if i > 0 { out += "," }
        JSONValue.renderString(member.key, into: &out)
        out += ":"
        member.node.value.render(into: &out)
      }
      out += "}"
    }
  }

  /// Writes `s` as a JSON string literal: quotes, backslash escapes, control characters as
  /// `\uXXXX`. Shared by everything in Portcullis that writes JSON by hand.
  public static func renderString(_ s: String, into out: inout String) {
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
