/// Finds, for an action, the statements of one effect in one slot whose `Action` can match it,
/// without scanning every statement.
///
/// Each action pattern is filed once, at compile time, under the most specific key it allows:
/// - `s3:GetObject` under the exact key `s3:getobject`;
/// - `s3:Get*` under the service `s3`, with its action-name pattern checked at lookup;
/// - `*`, `s3*:Get`, and every `NotAction` statement in a short universal list, checked in full.
///
/// INVARIANT: the index is immutable; it is rebuilt whenever the slot's policies change.
struct StatementIndex: Sendable {
  private let exact: FoldedKeyTable
  private let exactPayload: [Int32]
  private let services: FoldedKeyTable
  private let servicePayload: [(statement: Int32, name: WildcardPattern)]
  /// Universal candidates; `nil` pattern means "ask the statement" (NotAction).
  private let universal: [(statement: Int32, pattern: WildcardPattern?)]

  /// Indexes the statements at `positions` of `statements`.
  init(_ statements: [CompiledStatement], positions: [Int]) {
    var exactKeys: [String] = []
    var exactMap: [String: [Int32]] = [:]
    var serviceKeys: [String] = []
    var serviceMap: [String: [(Int32, WildcardPattern)]] = [:]
    var universal: [(Int32, WildcardPattern?)] = []
    for position in positions {
      let statement = statements[position]
      let id = Int32(position)
      if statement.actionsNegated {
        universal.append((id, nil))
        continue
      }
      var filedExact: Set<String> = []
      for (pattern, text) in zip(statement.actions, statement.actionTexts) {
        guard let colon = text.firstIndex(of: ":") else {
          universal.append((id, pattern))
          continue
        }
        let service = String(text[..<colon])
        let name = String(text[text.index(after: colon)...])
        if service.contains("*") || service.contains("?") {
          universal.append((id, pattern))
        } else if !name.contains("*") && !name.contains("?") {
          guard filedExact.insert(text).inserted else { continue }
          if exactMap[text] == nil { exactKeys.append(text) }
          exactMap[text, default: []].append(id)
        } else {
          if serviceMap[service] == nil { serviceKeys.append(service) }
          serviceMap[service, default: []].append((id, WildcardPattern(name, ignoresCase: true)))
        }
      }
    }
    var payload: [Int32] = []
    var entries: [(String, Range<Int>)] = []
    for key in exactKeys {
      let start = payload.count
      payload += exactMap[key]!
      entries.append((key, start..<payload.count))
    }
    exact = FoldedKeyTable(keys: entries)
    exactPayload = payload
    var servicePayload: [(Int32, WildcardPattern)] = []
    var serviceEntries: [(String, Range<Int>)] = []
    for key in serviceKeys {
      let start = servicePayload.count
      servicePayload += serviceMap[key]!
      serviceEntries.append((key, start..<servicePayload.count))
    }
    services = FoldedKeyTable(keys: serviceEntries)
    self.servicePayload = servicePayload
    self.universal = universal
  }

  /// Whether the index holds no statement at all.
  var isEmpty: Bool { exact.isEmpty && services.isEmpty && universal.isEmpty }

  /// Calls `body` with each statement whose action element matches `action`, stopping early
  /// when `body` returns `true`. A statement may be offered more than once when several of its
  /// patterns match. Returns whether `body` stopped the walk.
  @inline(__always)
  func forEachCandidate(
    _ action: UnsafeBufferPointer<UInt8>, actionString: String, statements: [CompiledStatement],
    _ body: (Int) -> Bool
  ) -> Bool {
    if !exact.isEmpty, let range = exact.lookup(action, hash: FoldedKeyTable.hash(action)) {
      for i in range where body(Int(exactPayload[i])) { return true }
    }
    if !services.isEmpty, let colon = action.firstIndex(of: UInt8(ascii: ":")) {
      let service = UnsafeBufferPointer(rebasing: action[..<colon])
      if let range = services.lookup(service, hash: FoldedKeyTable.hash(service)) {
        let name = UnsafeBufferPointer(rebasing: action[(colon + 1)...])
        for i in range {
          let entry = servicePayload[i]
          if entry.name.matches(bytes: name) && body(Int(entry.statement)) { return true }
        }
      }
    }
    for entry in universal {
      let matched: Bool
      if let pattern = entry.pattern {
        matched = pattern.matches(bytes: action)
      } else {
        matched = statements[Int(entry.statement)].matchesAction(actionString)
      }
      if matched && body(Int(entry.statement)) { return true }
    }
    return false
  }
}
