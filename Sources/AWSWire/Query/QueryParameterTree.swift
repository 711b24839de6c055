/// Query parameters arranged by the components of their dotted names, so the decoder can walk a
/// shape and find `Tags.member.1.Key` as `Tags` → `member` → `1` → `Key` without scanning every
/// parameter at every level.
struct QueryParameterTree {
  /// The value of the parameter whose name ends here, if one was sent.
  var value: String?
  /// The next name components.
  var children: [Substring: QueryParameterTree] = [:]

  init() {}

  /// Arranges `parameters`. When a name repeats, the first value counts, as a servlet's
  /// `getParameter` would have it.
  init(_ parameters: [(String, String)]) {
    for (name, value) in parameters {
      // Most names (`Action`, `UserName`) have no `.` at all, so nothing to split.
      if !name.utf8.contains(UInt8(ascii: ".")) {
        insert([Substring(name)][...], value: value)
      } else {
        insert(name.split(separator: ".", omittingEmptySubsequences: false)[...], value: value)
      }
    }
  }

  private mutating func insert(_ path: ArraySlice<Substring>, value: String) {
    guard let first = path.first else {
      if self.value == nil { self.value = value }
      return
    }
    children[first, default: QueryParameterTree()].insert(path.dropFirst(), value: value)
  }

  /// The subtree at `name`.
  subscript(name: String) -> QueryParameterTree? {
    children[Substring(name)]
  }

  /// Children named by positive integers (list elements and map entries), in numeric order.
  /// Gaps are allowed and other names ignored: `member.1`, `member.3` are two elements.
  var indexedChildren: [QueryParameterTree] {
    children.compactMap { name, child -> (Int, QueryParameterTree)? in
      // Only plain decimal digits: `Int` would also accept `+1`.
      guard name.allSatisfy(\.isASCII), name.allSatisfy(\.isNumber), let index = Int(name),
        index > 0
      else { return nil }
      return (index, child)
    }
    .sorted { $0.0 < $1.0 }
    .map(\.1)
  }
}
