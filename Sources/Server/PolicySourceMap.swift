import PolicyEngine

/// Locations in a policy document as Access Analyzer reports them: a path through the JSON
/// (`{"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": 1}`) and a span whose
/// positions have a 1-based line, a 0-based column and a 0-based offset, counted in characters.
struct PolicySourceMap {
  enum PathElement: Equatable {
    case index(Int)
    case key(String)
    case value(String)

    var json: [String: Any] {
      switch self {
      case .index(let i): ["index": i]
      case .key(let k): ["key": k]
      case .value(let v): ["value": v]
      }
    }
  }

  struct Position: Equatable {
    var line: Int
    var column: Int
    var offset: Int
    var json: [String: Any] { ["line": line, "column": column, "offset": offset] }
  }

  struct Location {
    var path: [PathElement]
    var start: Position
    var end: Position
    var json: [String: Any] {
      ["path": path.map(\.json), "span": ["start": start.json, "end": end.json]]
    }
  }

  let bytes: [UInt8]
  /// The parsed JSON; `nil` when the text is not JSON (locations are then bare offsets).
  let root: JSONNode?

  init(bytes: [UInt8]) {
    self.bytes = bytes
    root = try? JSONParser.parse(bytes: bytes)
  }

  /// Whether `Statement` is an array (a single statement object has no index in paths).
  var statementsAreArray: Bool {
    if case .array = member(of: root, "Statement")?.node.value { return true }
    return false
  }

  /// The location of `path`, narrowed by the first of `tokens` that names something in it.
  func location(path: [PathElement], refinedBy tokens: [String]) -> Location {
    let base = location(path: path)
    for token in tokens {
      let refined = location(path: path, refinedBy: token)
      if refined.path.count > base.path.count { return refined }
    }
    return base
  }

  /// The location of `path`; when `token` names an item of an array or a condition key under
  /// the element, the location narrows to it. An unresolvable path ends where resolution stopped.
  func location(path: [PathElement], refinedBy token: String? = nil) -> Location {
    guard var node = root else { return location(path: path, fallback: 0) }
    var resolved: [PathElement] = []
    var start = node.offset
    for element in path {
      switch element {
      case .value(let name):
        guard let m = member(of: node, name) else { return span(resolved, start, node) }
        node = m.node
        start = m.node.offset
      case .index(let i):
        guard case .array(let items) = node.value, items.indices.contains(i) else { return span(resolved, start, node) }
        node = items[i]
        start = node.offset
      case .key:
        break
      }
      resolved.append(element)
    }
    if let token {
      switch node.value {
      case .array(let items):
        if let i = items.firstIndex(where: { $0.string == token }) {
          return span(resolved + [.index(i)], items[i].offset, items[i])
        }
      case .object(let operators) where path.last == .value("Condition"):
        for op in operators {
          if let key = op.node.members?.first(where: { $0.key.lowercased() == token.lowercased() }) {
            let end = Self.stringEnd(bytes, from: key.keyOffset)
            return Location(
              path: resolved + [.value(op.key), .value(key.key)], start: position(key.keyOffset), end: position(end))
          }
        }
      default:
        break
      }
    }
    return span(resolved, start, node)
  }

  /// A location for a byte offset with no known path: the deepest node or key starting there.
  func location(at offset: Int) -> Location {
    if let root, let found = find(offset, in: root, path: []) { return found }
    return location(path: [], fallback: offset)
  }

  /// A zero-width location at `offset`.
  func location(path: [PathElement], fallback offset: Int) -> Location {
    let p = position(min(offset, bytes.count))
    return Location(path: path, start: p, end: p)
  }

  // MARK: -

  private func member(of node: JSONNode?, _ name: String) -> JSONMember? {
    node?.members?.first { $0.key == name }
  }

  private func span(_ path: [PathElement], _ start: Int, _ node: JSONNode) -> Location {
    Location(path: path, start: position(start), end: position(Self.valueEnd(bytes, from: node.offset)))
  }

  private func find(_ offset: Int, in node: JSONNode, path: [PathElement]) -> Location? {
    switch node.value {
    case .object(let members):
      for m in members {
        if m.keyOffset == offset {
          return Location(path: path + [.key(m.key)], start: position(offset), end: position(Self.stringEnd(bytes, from: offset)))
        }
        if let found = find(offset, in: m.node, path: path + [.value(m.key)]) { return found }
      }
    case .array(let items):
      for (i, item) in items.enumerated() {
        if let found = find(offset, in: item, path: path + [.index(i)]) { return found }
      }
    default:
      break
    }
    return node.offset == offset ? span(path, offset, node) : nil
  }

  /// Line (1-based), column and offset (0-based) of a byte offset, counting characters
  /// (Unicode scalars), not bytes.
  func position(_ byteOffset: Int) -> Position {
    var line = 1
    var column = 0
    var offset = 0
    for i in 0..<min(byteOffset, bytes.count) {
      let b = bytes[i]
      if b & 0xC0 == 0x80 { continue }  // a continuation byte belongs to the previous character
      offset += 1
      if b == UInt8(ascii: "\n") {
        line += 1
        column = 0
      } else {
        column += 1
      }
    }
    return Position(line: line, column: column, offset: offset)
  }

  /// The byte just past the string starting at `start` (its opening quote).
  static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int {
    var i = start + 1
    while i < bytes.count {
      if bytes[i] == UInt8(ascii: "\\") {
        i += 2
        continue
      }
      if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
      i += 1
    }
    return bytes.count
  }

  /// The byte just past the JSON value starting at `start`.
  static func valueEnd(_ bytes: [UInt8], from start: Int) -> Int {
    guard start < bytes.count else { return bytes.count }
    switch bytes[start] {
    case UInt8(ascii: "\""):
      return stringEnd(bytes, from: start)
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      var i = start
      while i < bytes.count {
        switch bytes[i] {
        case UInt8(ascii: "\""):
          i = stringEnd(bytes, from: i)
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 { return i + 1 }
        default:
          break
        }
        i += 1
      }
      return bytes.count
    default:
      var i = start
      while i < bytes.count, !",}] \t\r\n".utf8.contains(bytes[i]) { i += 1 }
      return i
    }
  }
}
