/// A string that may contain policy variables (`${aws:username}`, `${aws:PrincipalTag/team,
/// 'none'}`, `${*}`), compiled once and resolved against each request's context.
struct PolicyTemplate: Sendable, Equatable, Hashable {
  enum Part: Sendable, Equatable, Hashable {
    /// Text written in the policy; `*` and `?` in it are wildcards for `Like` operators.
    case text(String)
    /// A character that must match literally (`${*}`, `${?}`, `${$}`).
    case literal(String)
    /// A context key (lowercased) and its optional default.
    case variable(key: String, defaultValue: String?)
  }

  let parts: [Part]

  /// Compiles `text`; `nil` when it has no variable (the caller then uses the text as is).
  /// - Parameter literalColons: `${...}` before this many colons stays literal text (AWS
  ///   substitutes variables only in the resource part of a `Resource` ARN, after the fifth).
  init?(_ text: String, literalColons: Int = 0) {
    guard PolicyTemplate.mayContainVariable(text) else { return nil }
    var parts: [Part] = []
    var pending = ""
    var colons = 0
    var i = text.startIndex
    while i < text.endIndex {
      if text[i] == ":" { colons += 1 }
      if colons >= literalColons, text[i] == "$", text.index(after: i) < text.endIndex,
        text[text.index(after: i)] == "{",
        let (part, end) = PolicyTemplate.parseVariable(text, from: text.index(i, offsetBy: 2))
      {
        if !pending.isEmpty {
          parts.append(.text(pending))
          pending = ""
        }
        parts.append(part)
        i = end
        continue
      }
      pending.append(text[i])
      i = text.index(after: i)
    }
    if !pending.isEmpty { parts.append(.text(pending)) }
    guard parts.contains(where: { if case .text = $0 { false } else { true } }) else { return nil }
    self.parts = parts
  }

  /// Whether `${` occurs in `text` (a byte scan; most policy strings have no variable).
  static func mayContainVariable(_ text: String) -> Bool {
    var previous: UInt8 = 0
    for b in text.utf8 {
      if b == UInt8(ascii: "{") && previous == UInt8(ascii: "$") { return true }
      previous = b
    }
    return false
  }

  /// Parses what follows `${` up to the closing `}`; `nil` if it is not a well-formed variable,
  /// in which case the characters stay literal text.
  private static func parseVariable(_ text: String, from start: String.Index) -> (Part, String.Index)? {
    var i = start
    var body = ""
    var defaultValue: String?
    while i < text.endIndex {
      let c = text[i]
      if c == "}" {
        let key = body.trimmingSpaces()
        guard !key.isEmpty else { return nil }
        let end = text.index(after: i)
        switch key {
        case "*", "?", "$": return (.literal(key), end)
        default:
          guard !key.contains(where: { $0 == " " || $0 == "$" || $0 == "{" }) else { return nil }
          return (.variable(key: key.lowercased(), defaultValue: defaultValue), end)
        }
      }
      if c == ",", defaultValue == nil {
        // `, 'default'` with '' standing for one quote.
        var j = text.index(after: i)
        while j < text.endIndex, text[j] == " " { j = text.index(after: j) }
        guard j < text.endIndex, text[j] == "'" else { return nil }
        j = text.index(after: j)
        var value = ""
        var closed = false
        while j < text.endIndex {
          if text[j] == "'" {
            let next = text.index(after: j)
            if next < text.endIndex, text[next] == "'" {
              value.append("'")
              j = text.index(after: next)
              continue
            }
            j = next
            closed = true
            break
          }
          value.append(text[j])
          j = text.index(after: j)
        }
        guard closed else { return nil }
        while j < text.endIndex, text[j] == " " { j = text.index(after: j) }
        guard j < text.endIndex, text[j] == "}" else { return nil }
        defaultValue = value
        i = j
        continue
      }
      body.append(c)
      i = text.index(after: i)
    }
    return nil
  }

  /// The context keys the template reads, lowercased.
  var variableKeys: [String] {
    parts.compactMap { if case .variable(let key, _) = $0 { key } else { nil } }
  }

  /// The value of one variable, or `nil` when the key is missing or multivalued and there is
  /// no default: AWS then treats the element that uses it as not matching.
  static func value(of key: String, defaultValue: String?, in context: RequestContext) -> String? {
    switch context.value(lowercasedKey: key) {
    case .single(let v): v
    case .multiple(let vs) where vs.count == 1: vs[0]
    default: defaultValue
    }
  }

  /// The text with variables replaced; `nil` if a variable cannot be resolved.
  func resolvedText(in context: RequestContext) -> String? {
    var out = ""
    for part in parts {
      switch part {
      case .text(let t), .literal(let t): out += t
      case .variable(let key, let d):
        guard let v = PolicyTemplate.value(of: key, defaultValue: d, in: context) else { return nil }
        out += v
      }
    }
    return out
  }

  /// A wildcard pattern with variables replaced by literal text; `nil` if unresolvable. With
  /// `arnSegments`, the pattern follows the ARN segment rule as a literal resource would.
  func resolvedPattern(in context: RequestContext, ignoresCase: Bool, arnSegments: Bool = false) -> WildcardPattern? {
    var atoms: [UInt16] = []
    func literal(_ s: String) {
      for b in s.utf8 { atoms.append(UInt16(ignoresCase ? WildcardPattern.fold(b) : b)) }
    }
    for part in parts {
      switch part {
      case .text(let t): atoms += WildcardPattern(t, ignoresCase: ignoresCase).atoms
      case .literal(let t): literal(t)
      case .variable(let key, let d):
        guard let v = PolicyTemplate.value(of: key, defaultValue: d, in: context) else { return nil }
        literal(v)
      }
    }
    return WildcardPattern(
      atoms: arnSegments ? WildcardPattern.boundingStarsToSegments(atoms) : atoms, ignoresCase: ignoresCase)
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
