import Foundation

/// Turns the parameters of an AWS Query request (a form-encoded POST body or a GET query
/// string, see `FormURLEncoding`) into the operation and its validated input.
///
/// The input shape drives decoding, as in botocore's Query serializer read backwards:
/// - scalars are `Name=value`; nested structures `Parent.Child=value`;
/// - lists are `Name.member.N` (`Name.N` when flattened; an empty list is `Name=`);
/// - maps are `Name.entry.N.key` / `Name.entry.N.value` (`Name.N.key` when flattened);
/// - booleans are `true` / `false`, timestamps ISO 8601, blobs base64.
///
/// Parameters the shape does not name are ignored, as AWS ignores them (SigV4 query
/// authentication adds `X-Amz-*` to every GET request).
public struct QueryRequestDecoder: Sendable {
  /// The service model.
  public let model: ServiceModel
  private let validator: ShapeValidator

  /// Creates a decoder for `model`'s operations.
  public init(model: ServiceModel) {
    self.model = model
    self.validator = ShapeValidator(model: model)
  }

  /// Finds the operation and decodes and validates its input.
  ///
  /// Throws `MissingAction`, `InvalidAction`, `InvalidParameterValue` for a parameter that is
  /// not a value of its type, or one `ValidationError` listing every failed constraint.
  public func decode(_ parameters: [(String, String)]) throws(AWSError) -> QueryRequest {
    let operation = try operation(for: parameters)
    let version = Self.first("Version", in: parameters) ?? model.metadata.apiVersion
    return QueryRequest(
      operation: operation, version: version, input: try input(of: operation, from: parameters))
  }

  /// The operation named by `Action`, at the `Version` the request names (the model's when it
  /// names none).
  public func operation(for parameters: [(String, String)]) throws(AWSError) -> OperationModel {
    guard let action = Self.first("Action", in: parameters), !action.isEmpty else {
      throw .missingAction()
    }
    let version = Self.first("Version", in: parameters) ?? model.metadata.apiVersion
    guard version == model.metadata.apiVersion, let operation = model.operation(named: action)
    else {
      throw .invalidAction(action, version: version)
    }
    return operation
  }

  /// The input of `operation` decoded from `parameters` and checked against its shape.
  public func input(
    of operation: OperationModel, from parameters: [(String, String)]
  ) throws(AWSError) -> ModelValue {
    guard let shape = model.inputShape(of: operation) else { return .structure([:]) }
    let value = try structure(QueryParameterTree(parameters), shape: shape, prefix: "")
    let violations = validator.violations(of: value, shape: shape)
    guard violations.isEmpty else { throw .validationError(violations: violations) }
    return value
  }

  private static func first(_ name: String, in parameters: [(String, String)]) -> String? {
    parameters.first { $0.0 == name }?.1
  }

  // MARK: shapes

  private func structure(
    _ node: QueryParameterTree, shape: Shape, prefix: String
  ) throws(AWSError) -> ModelValue {
    var members: [String: ModelValue] = [:]
    for member in shape.members {
      let name = model.queryName(of: member)
      guard let child = node[name] else { continue }
      let target = model.shape(of: member)
      let key = prefix.isEmpty ? name : "\(prefix).\(name)"
      let flattened = model.isFlattened(member, target)
      if let value = try value(child, shape: target, flattened: flattened, key: key) {
        members[member.name] = value
      }
    }
    return .structure(members)
  }

  /// The value at `node`, or `nil` when nothing was sent for it (the node only prefixes
  /// parameters the shape does not use).
  private func value(
    _ node: QueryParameterTree, shape: Shape, flattened: Bool, key: String
  ) throws(AWSError) -> ModelValue? {
    switch shape.type {
    case .structure:
      return try structure(node, shape: shape, prefix: key)
    case .list:
      return try list(node, shape: shape, flattened: flattened, key: key)
    case .map:
      return try map(node, shape: shape, flattened: flattened, key: key)
    default:
      guard let text = node.value else { return nil }
      return try scalar(text, shape: shape, key: key)
    }
  }

  private func list(
    _ node: QueryParameterTree, shape: Shape, flattened: Bool, key: String
  ) throws(AWSError) -> ModelValue? {
    guard let element = shape.listMember else { return nil }
    let elementShape = model.shape(of: element)
    let container: QueryParameterTree?
    let containerKey: String
    if flattened {
      (container, containerKey) = (node, key)
    } else {
      (container, containerKey) = (node[element.wireName], "\(key).\(element.wireName)")
    }
    guard let container, !container.children.isEmpty else {
      // botocore sends an empty list as `Name=` with nothing below it.
      return node.value != nil ? .list([]) : nil
    }
    var items: [ModelValue] = []
    for (offset, item) in container.indexedChildren.enumerated() {
      let itemKey = "\(containerKey).\(offset + 1)"
      if let value = try value(item, shape: elementShape, flattened: false, key: itemKey) {
        items.append(value)
      }
    }
    return .list(items)
  }

  private func map(
    _ node: QueryParameterTree, shape: Shape, flattened: Bool, key: String
  ) throws(AWSError) -> ModelValue? {
    guard let keyMember = shape.mapKey, let valueMember = shape.mapValue else { return nil }
    let valueShape = model.shape(of: valueMember)
    guard let container = flattened ? node : node["entry"] else {
      return node.value != nil ? .map([:]) : nil
    }
    let containerKey = flattened ? key : "\(key).entry"
    var entries: [String: ModelValue] = [:]
    for (offset, entry) in container.indexedChildren.enumerated() {
      // An entry without a key has nowhere to go; AWS's own handling is not observable.
      guard let name = entry[keyMember.wireName]?.value else { continue }
      let entryKey = "\(containerKey).\(offset + 1).\(valueMember.wireName)"
      if entries[name] == nil, let valueNode = entry[valueMember.wireName],
        let value = try value(valueNode, shape: valueShape, flattened: false, key: entryKey)
      {
        entries[name] = value
      }
    }
    return .map(entries)
  }

  private func scalar(_ text: String, shape: Shape, key: String) throws(AWSError) -> ModelValue {
    func invalid(_ expected: String) -> AWSError {
      // A secret is not echoed, not even a malformed one.
      let shown = shape.isSensitive ? "" : " `\(text)`"
      return .invalidParameterValue(
        "invalid value\(shown) for parameter `\(key)`: expected \(expected)")
    }
    switch shape.type {
    case .string:
      return .string(text)
    case .integer:
      // AWS's integers are Java `int`s.
      guard let number = Int32(text) else { throw invalid("an integer") }
      return .integer(Int64(number))
    case .long:
      guard let number = Int64(text) else { throw invalid("an integer") }
      return .integer(number)
    case .double, .float:
      guard let number = Double(text), number.isFinite else { throw invalid("a number") }
      return .double(number)
    case .boolean:
      switch text.lowercased() {
      case "true": return .boolean(true)
      case "false": return .boolean(false)
      default: throw invalid("`true` or `false`")
      }
    case .timestamp:
      let format = shape.timestampFormat ?? .iso8601
      guard let date = format.parse(text) else {
        throw invalid(format == .iso8601 ? "an ISO 8601 timestamp" : "a timestamp")
      }
      return .timestamp(date)
    case .blob:
      guard let bytes = Data(base64Encoded: text) else { throw invalid("base64") }
      return .blob(bytes)
    case .structure, .list, .map:
      preconditionFailure("`\(shape.name)` is not a scalar shape")
    }
  }
}
