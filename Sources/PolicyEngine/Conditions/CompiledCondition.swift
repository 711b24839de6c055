/// The result of evaluating something that can fail to be evaluable.
enum Tri: Sendable, Equatable {
  case yes, no
  /// The value could not be evaluated (a malformed number or date in the request or policy).
  /// Fail closed: an Allow does not match, a Deny does.
  case error

  static func from(_ b: Bool) -> Tri { b ? .yes : .no }

  var negated: Tri {
    switch self {
    case .yes: .no
    case .no: .yes
    case .error: .error
    }
  }
}

/// One condition operand, pre-parsed for its operator so evaluation does no parsing of policy text.
enum ConditionOperand: Sendable, Equatable {
  case text(String)
  /// Lowercased text for the `IgnoreCase` operators.
  case foldedText(String)
  case pattern(WildcardPattern)
  /// An ARN pattern as its six colon-separated segments.
  case arn([WildcardPattern])
  case template(PolicyTemplate)
  case number(Double)
  case date(Double)
  case ip(IPAddressRange)
  case bool(Bool)
  case binary([UInt8])
  /// A value that does not parse for its operator; evaluation fails closed on it.
  case invalid
}

/// A condition entry compiled for evaluation.
struct CompiledCondition: Sendable {
  let conditionOperator: ConditionOperator
  /// The key, lowercased, as the context stores keys.
  let key: String
  /// The key as written, for explanations.
  let writtenKey: String
  let operands: [ConditionOperand]

  init(_ entry: ConditionEntry, variablesEnabled: Bool) {
    conditionOperator = entry.conditionOperator
    key = entry.key.lowercased()
    writtenKey = entry.key
    let base = entry.conditionOperator.base
    operands = entry.values.map { value in
      if variablesEnabled && base.acceptsVariables, let template = PolicyTemplate(value) {
        return .template(template)
      }
      return CompiledCondition.operand(value, for: base)
    }
  }

  static func operand(_ value: String, for base: ConditionOperator.Base) -> ConditionOperand {
    switch base {
    case .stringEquals, .stringNotEquals: return .text(value)
    case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: return .foldedText(value.lowercased())
    case .stringLike, .stringNotLike: return .pattern(WildcardPattern(value))
    case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike: return arnOperand(value)
    case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals,
      .numericGreaterThan, .numericGreaterThanEquals:
      return PolicyNumber.parse(value).map(ConditionOperand.number) ?? .invalid
    case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
      .dateGreaterThanEquals:
      return PolicyDate.parse(value).map(ConditionOperand.date) ?? .invalid
    case .bool, .null:
      switch value.lowercased() {
      case "true": return .bool(true)
      case "false": return .bool(false)
      default: return .invalid
      }
    case .binaryEquals: return .binary(Base64.decode(value) ?? Array(value.utf8))
    case .ipAddress, .notIpAddress: return IPAddressRange(value).map(ConditionOperand.ip) ?? .invalid
    }
  }

  /// Splits an ARN pattern into its six segments; anything short of six is compared as a whole
  /// (and so only matches a value equally short, which an ARN never is).
  static func arnOperand(_ value: String) -> ConditionOperand {
    .arn(arnSegments(Substring(value)).map { WildcardPattern(String($0)) })
  }

  static func arnSegments(_ value: Substring) -> [Substring] {
    var segments: [Substring] = []
    var start = value.startIndex
    var i = value.startIndex
    while i < value.endIndex, segments.count < 5 {
      if value[i] == ":" {
        segments.append(value[start..<i])
        start = value.index(after: i)
      }
      i = value.index(after: i)
    }
    segments.append(value[start...])
    return segments
  }

  /// Evaluates the condition against `context`; `missing` receives the key when the request
  /// lacks it and that decided the outcome (for explanations).
  func evaluate(in context: RequestContext, missing: inout [String]?) -> Tri {
    let op = conditionOperator
    // Look at the value without copying it into an array: most keys are single-valued.
    var single: String?
    var multiple: [String]?
    switch context.value(lowercasedKey: key) {
    case .single(let v)?: single = v
    case .multiple(let vs)? where !vs.isEmpty: multiple = vs
    default: break
    }
    // For the set operators an empty string is the empty data set, as AWS documents.
    if op.qualifier != nil {
      if single == "" { single = nil }
      if multiple == [""] { multiple = nil }
    }
    let absent = single == nil && multiple == nil

    if op.base == .null {
      // `"Null": {"key": "true"}` holds when the key is absent.
      var sawInvalid = false
      for operand in operands {
        guard case .bool(let wantAbsent) = operand else {
          sawInvalid = true
          continue
        }
        if wantAbsent == absent { return .yes }
      }
      return sawInvalid ? .error : .no
    }

    if absent {
      if !op.ifExists, op.qualifier != .forAllValues { missing?.append(writtenKey) }
      if op.ifExists { return .yes }
      switch op.qualifier {
      case .forAllValues: return .yes
      case .forAnyValue: return .no
      case nil: return op.base.isNegated ? .yes : .no
      }
    }

    let negated = op.base.isNegated
    if let single {
      let r = matchesAnyOperand(single, context: context)
      return negated ? r.negated : r
    }
    let values = multiple!
    switch op.qualifier {
    case nil:
      // A single-valued operator on several values: any value that matches makes it match.
      var result = Tri.no
      for value in values {
        let r = matchesAnyOperand(value, context: context)
        if r == .yes { result = .yes; break }
        if r == .error { result = .error }
      }
      return negated ? result.negated : result
    case .forAnyValue:
      var result = Tri.no
      for value in values {
        var r = matchesAnyOperand(value, context: context)
        if negated { r = r.negated }
        if r == .yes { return .yes }
        if r == .error { result = .error }
      }
      return result
    case .forAllValues:
      var result = Tri.yes
      for value in values {
        var r = matchesAnyOperand(value, context: context)
        if negated { r = r.negated }
        if r == .no { return .no }
        if r == .error { result = .error }
      }
      return result
    }
  }

  /// Whether one request value matches any operand under the positive form of the operator.
  private func matchesAnyOperand(_ value: String, context: RequestContext) -> Tri {
    if conditionOperator.base == .ipAddress || conditionOperator.base == .notIpAddress {
      // Parse the request's address once, not once per block.
      guard let address = IPAddressRange.address(value) else { return .error }
      for operand in operands {
        if case .ip(let range) = operand, range.contains(address) { return .yes }
      }
      return operands.contains(.invalid) ? .error : .no
    }
    var result = Tri.no
    for operand in operands {
      let r: Tri
      if case .template(let template) = operand {
        r = matchTemplate(template, value, context: context)
      } else {
        r = match(operand, value)
      }
      if r == .yes { return .yes }
      if r == .error { result = .error }
    }
    return result
  }

  /// A value with a variable the request cannot fill (missing or multivalued key, no default)
  /// matches nothing, as AWS documents; under a negated operator the condition then holds.
  private func matchTemplate(_ template: PolicyTemplate, _ value: String, context: RequestContext) -> Tri {
    let base = conditionOperator.base
    switch base {
    case .stringLike, .stringNotLike:
      guard let pattern = template.resolvedPattern(in: context, ignoresCase: false) else { return .no }
      return .from(pattern.matches(value))
    case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
      // Resolve the variables, then split: a substituted value is matched literally.
      guard let text = template.resolvedText(in: context) else { return .no }
      return match(CompiledCondition.arnOperand(text), value)
    default:
      guard let text = template.resolvedText(in: context) else { return .no }
      return match(CompiledCondition.operand(text, for: base), value)
    }
  }

  private func match(_ operand: ConditionOperand, _ value: String) -> Tri {
    switch operand {
    case .text(let t): return .from(t == value)
    case .foldedText(let t): return .from(Self.equalsIgnoringCase(folded: t, value))
    case .pattern(let p): return .from(p.matches(value))
    case .arn(let segments):
      let parts = CompiledCondition.arnSegments(Substring(value))
      guard parts.count == segments.count else { return .no }
      for (pattern, part) in zip(segments, parts) where !pattern.matches(part) { return .no }
      return .yes
    case .number(let n):
      guard let v = PolicyNumber.parse(value) else { return .error }
      return .from(Self.compare(v, n, conditionOperator.base))
    case .date(let d):
      guard let v = PolicyDate.parse(value) else { return .error }
      return .from(Self.compare(v, d, conditionOperator.base))
    case .bool(let b):
      switch value.lowercased() {
      case "true": return .from(b)
      case "false": return .from(!b)
      default: return .no
      }
    case .binary(let bytes):
      return .from((Base64.decode(value) ?? Array(value.utf8)) == bytes)
    case .ip(let range):
      guard let address = IPAddressRange.address(value) else { return .error }
      return .from(range.contains(address))
    case .template:
      return .no  // handled by matchTemplate
    case .invalid:
      return .error
    }
  }

  /// Compares a request value with a policy value under a numeric or date operator.
  @inline(__always)
  static func compare(_ requestValue: Double, _ policyValue: Double, _ base: ConditionOperator.Base) -> Bool {
    switch base {
    case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: requestValue == policyValue
    case .numericLessThan, .dateLessThan: requestValue < policyValue
    case .numericLessThanEquals, .dateLessThanEquals: requestValue <= policyValue
    case .numericGreaterThan, .dateGreaterThan: requestValue > policyValue
    case .numericGreaterThanEquals, .dateGreaterThanEquals: requestValue >= policyValue
    default: false
    }
  }

  /// Case-insensitive equality against an already-lowercased string, without allocating for
  /// ASCII input.
  static func equalsIgnoringCase(folded: String, _ value: String) -> Bool {
    var a = folded
    var b = value
    let asciiResult: Bool? = a.withUTF8 { pa in
      b.withUTF8 { pb -> Bool? in
        guard pa.count == pb.count else {
          // Lengths can differ for non-ASCII case mappings; let the slow path decide.
          return pb.allSatisfy { $0 < 0x80 } && pa.allSatisfy { $0 < 0x80 } ? false : nil
        }
        for i in 0..<pa.count {
          let x = pb[i]
          if x >= 0x80 || pa[i] >= 0x80 { return nil }
          if WildcardPattern.fold(x) != pa[i] { return false }
        }
        return true
      }
    }
    return asciiResult ?? (folded == value.lowercased())
  }
}

/// Standard base64 (RFC 4648) decoding for `BinaryEquals`.
enum Base64 {
  static func decode(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    var padding = 0
    for b in text.utf8 {
      let v: UInt32
      switch b {
      case 0x41...0x5A: v = UInt32(b - 0x41)
      case 0x61...0x7A: v = UInt32(b - 0x61 + 26)
      case 0x30...0x39: v = UInt32(b - 0x30 + 52)
      case UInt8(ascii: "+"): v = 62
      case UInt8(ascii: "/"): v = 63
      case UInt8(ascii: "="): padding += 1; continue
      default: return nil
      }
      if padding > 0 { return nil }
      buffer = buffer << 6 | v
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
      }
    }
    return out
  }
}
