/// A property selector of CloudWatch Logs' JSON filter patterns: `$.eventName`,
/// `$.userIdentity.arn`, `$.users[0].email`, `$.coordinates[0][1]`, `$.resources[*].ARN`.
///
/// AWS documents `$` for the root, `.name` for a property (letters, digits, `-` and `_`) and
/// `[NUMBER]` for an array element that follows a property. `[*]` (any element) is the one form
/// Portcullis adds, because CloudTrail's `resources` is an array whose position means nothing:
/// a condition on `[*]` holds when it holds for some element.
public struct JSONSelector: Sendable, Hashable, CustomStringConvertible {
  public enum Step: Sendable, Hashable {
    case member(String)
    case index(Int)
    case anyElement
  }

  public var steps: [Step]

  public init(steps: [Step]) {
    self.steps = steps
  }

  /// Parses a selector on its own (a rule's `groupBy`, for example).
  public init(_ text: String) throws(FilterPatternError) {
    var scanner = PatternScanner(text)
    self = try scanner.selector()
    scanner.skipSpaces()
    if !scanner.atEnd {
      throw FilterPatternError(offset: scanner.offset, reason: "unexpected `\(scanner.rest(8))` after the selector")
    }
  }

  public var description: String {
    var out = "$"
    for step in steps {
      switch step {
      case .member(let name): out += "." + name
      case .index(let i): out += "[\(i)]"
      case .anyElement: out += "[*]"
      }
    }
    return out
  }

  /// Every value the selector reaches; empty when the property does not exist. Only `[*]`
  /// yields more than one value.
  public func values(in root: TrailJSON) -> [TrailJSON] {
    var current: [TrailJSON] = [root]
    for step in steps {
      var next: [TrailJSON] = []
      for value in current {
        switch (step, value) {
        case (.member(let name), .object):
          if let member = value[name] { next.append(member) }
        case (.index(let i), .array(let items)):
          if i < items.count { next.append(items[i]) }
        case (.anyElement, .array(let items)):
          next.append(contentsOf: items)
        default:
          break
        }
      }
      if next.isEmpty { return [] }
      current = next
    }
    return current
  }

  /// The value reached by a selector without `[*]`, walked without allocating: the common case,
  /// on the request path.
  func value(in root: TrailJSON) -> TrailJSON? {
    var current = root
    for step in steps {
      switch (step, current) {
      case (.member(let name), .object(let members)):
        guard let member = members.first(where: { $0.key == name }) else { return nil }
        current = member.value
      case (.index(let i), .array(let items)):
        guard i < items.count else { return nil }
        current = items[i]
      default:
        return nil
      }
    }
    return current
  }

  /// Whether the selector can reach more than one value.
  var hasAnyElement: Bool { steps.contains(.anyElement) }

  /// The first value reached, as text: how a rule's threshold names its group.
  public func groupKey(in root: TrailJSON) -> String {
    guard let value = hasAnyElement ? values(in: root).first : value(in: root) else { return "-" }
    return value.filterText ?? value.serialized
  }
}

extension TrailJSON {
  /// The text a filter pattern compares for a value node (strings, numbers, booleans); `nil`
  /// for null, arrays and objects, which only `IS NULL` and `NOT EXISTS` can test.
  var filterText: String? {
    switch self {
    case .string(let s): return s
    case .int(let i): return String(i)
    case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    case .bool(let b): return b ? "true" : "false"
    case .null, .array, .object: return nil
    }
  }
}
