import Foundation

/// Checks a decoded input against the constraints of its shape, as AWS does before an operation
/// runs: required members, lengths, ranges, patterns and enums, all the way down.
///
/// Violations are collected, not thrown, because AWS reports them all in one `ValidationError`
/// (see `AWSError.validationError(violations:)`). The order is AWS's as far as it shows: members
/// in model order, depth first; for one value, enum, then pattern, then length or range.
/// Protocol-independent: the JSON protocols validate with the same messages.
public struct ShapeValidator: Sendable {
  /// The model the shapes come from.
  public let model: ServiceModel

  /// Creates a validator for `model`'s shapes.
  public init(model: ServiceModel) {
    self.model = model
  }

  /// Every constraint `value` fails, given that it is a value of `shape`.
  public func violations(of value: ModelValue, shape: Shape) -> [ConstraintViolation] {
    var found: [ConstraintViolation] = []
    check(value, shape: shape, path: "", into: &found)
    return found
  }

  private func check(
    _ value: ModelValue, shape: Shape, path: String, into found: inout [ConstraintViolation]
  ) {
    switch (shape.type, value) {
    case (.structure, .structure(let members)):
      for member in shape.members {
        let memberPath = path.isEmpty ? member.validationName : "\(path).\(member.validationName)"
        if let memberValue = members[member.name] {
          check(memberValue, shape: model.shape(of: member), path: memberPath, into: &found)
        } else if member.isRequired {
          found.append(
            ConstraintViolation(
              path: memberPath, value: .null, constraint: "Member must not be null"))
        }
      }
    case (.list, .list(let elements)):
      report(
        failures(of: value, shape: shape), value: value, shape: shape, path: path, into: &found)
      guard let element = shape.listMember else { return }
      let elementShape = model.shape(of: element)
      for (index, item) in elements.enumerated() {
        check(item, shape: elementShape, path: "\(path).\(index + 1).member", into: &found)
      }
    case (.map, .map(let entries)):
      report(
        failures(of: value, shape: shape), value: value, shape: shape, path: path, into: &found)
      checkEntries(entries, of: value, shape: shape, path: path, into: &found)
    default:
      report(
        failures(of: value, shape: shape), value: value, shape: shape, path: path, into: &found)
    }
  }

  /// Map keys and scalar values are reported as AWS reports them, once for the whole map:
  /// `Map keys must satisfy constraint: [Member must have length less than or equal to 128]`.
  /// Structured values are checked member by member under `map.<key>`.
  private func checkEntries(
    _ entries: [String: ModelValue], of map: ModelValue, shape: Shape, path: String,
    into found: inout [ConstraintViolation]
  ) {
    guard let keyMember = shape.mapKey, let valueMember = shape.mapValue else { return }
    let keyShape = model.shape(of: keyMember)
    let valueShape = model.shape(of: valueMember)
    var keyFailures: [String] = []
    var valueFailures: [String] = []
    for key in entries.keys.sorted() {
      for failure in failures(of: .string(key), shape: keyShape)
      where !keyFailures.contains(failure) {
        keyFailures.append(failure)
      }
      let entry = entries[key]!
      if valueShape.type.isScalar {
        for failure in failures(of: entry, shape: valueShape) where !valueFailures.contains(failure)
        {
          valueFailures.append(failure)
        }
      } else {
        check(entry, shape: valueShape, path: "\(path).\(key)", into: &found)
      }
    }
    let shown = rendered(map, shape: shape)
    if !keyFailures.isEmpty {
      let list = keyFailures.joined(separator: ", ")
      found.append(
        ConstraintViolation(
          path: path, value: shown, constraint: "Map keys must satisfy constraint: [\(list)]"))
    }
    if !valueFailures.isEmpty {
      let list = valueFailures.joined(separator: ", ")
      found.append(
        ConstraintViolation(
          path: path, value: shown, constraint: "Map value must satisfy constraint: [\(list)]"))
    }
  }

  private func report(
    _ failures: [String], value: ModelValue, shape: Shape, path: String,
    into found: inout [ConstraintViolation]
  ) {
    guard !failures.isEmpty else { return }
    let shown = rendered(value, shape: shape)
    for failure in failures {
      found.append(ConstraintViolation(path: path, value: shown, constraint: failure))
    }
  }

  /// The constraints a single value fails, without looking inside lists and maps.
  private func failures(of value: ModelValue, shape: Shape) -> [String] {
    var failed: [String] = []
    func length(_ count: Int) {
      if let min = shape.min, count < min {
        failed.append("Member must have length greater than or equal to \(min)")
      }
      if let max = shape.max, count > max {
        failed.append("Member must have length less than or equal to \(max)")
      }
    }
    func range(below: Bool, above: Bool) {
      if below, let min = shape.min {
        failed.append("Member must have value greater than or equal to \(min)")
      }
      if above, let max = shape.max {
        failed.append("Member must have value less than or equal to \(max)")
      }
    }
    switch value {
    case .string(let text):
      if let allowed = shape.enumValues, !allowed.contains(text) {
        failed.append("Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
      }
      if let pattern = shape.pattern, !pattern.matches(text) {
        failed.append("Member must satisfy regular expression pattern: \(pattern.source)")
      }
      // AWS counts Unicode code points, not UTF-16 units or grapheme clusters.
      length(text.unicodeScalars.count)
    case .integer(let number):
      range(
        below: shape.min.map { number < $0 } ?? false, above: shape.max.map { number > $0 } ?? false
      )
    case .double(let number):
      range(
        below: shape.min.map { number < Double($0) } ?? false,
        above: shape.max.map { number > Double($0) } ?? false)
    case .blob(let bytes):
      length(bytes.count)
    case .list(let elements):
      length(elements.count)
    case .map(let entries):
      length(entries.count)
    case .boolean, .timestamp, .structure:
      break
    }
    return failed
  }

  /// The value as AWS prints it, or `.redacted` for a sensitive shape.
  private func rendered(_ value: ModelValue, shape: Shape) -> ConstraintViolation.Value {
    shape.isSensitive ? .redacted : .shown(text(of: value, shape: shape))
  }

  /// Java's `toString` of the value AWS holds: lists as `[a, b]`, maps as `{k=v}`. Structures
  /// (inside a list, say) print as `{Key=team, Value=a}` in member order — AWS's own form is
  /// not observable — and sensitive parts print as the AWS SDKs print them, redacted.
  private func text(of value: ModelValue, shape: Shape?) -> String {
    if shape?.isSensitive == true { return "*** Sensitive Data Redacted ***" }
    switch value {
    case .string(let text): return text
    case .integer(let number): return String(number)
    case .double(let number): return String(number)
    case .boolean(let flag): return String(flag)
    case .timestamp(let date): return TimestampFormat.iso8601.format(date)
    case .blob(let bytes): return bytes.base64EncodedString()
    case .list(let elements):
      let elementShape = shape?.listMember.map(model.shape(of:))
      return "[" + elements.map { text(of: $0, shape: elementShape) }.joined(separator: ", ") + "]"
    case .map(let entries):
      let valueShape = shape?.mapValue.map(model.shape(of:))
      let pairs = entries.keys.sorted().map { "\($0)=\(text(of: entries[$0]!, shape: valueShape))" }
      return "{" + pairs.joined(separator: ", ") + "}"
    case .structure(let members):
      let ordered: [(String, ModelValue, Shape?)] =
        if let shape {
          shape.members.compactMap { m in members[m.name].map { (m.name, $0, model.shape(of: m)) } }
        } else {
          members.keys.sorted().map { ($0, members[$0]!, nil) }
        }
      return "{" + ordered.map { "\($0.0)=\(text(of: $0.1, shape: $0.2))" }.joined(separator: ", ")
        + "}"
    }
  }
}
