import Foundation

/// A decoded JSON-protocol request: the operation its `X-Amz-Target` names and its validated
/// input.
public struct JSONRequest: Sendable, Equatable {
  /// The operation.
  public let operation: OperationModel
  /// The input, a structure of the operation's input shape (empty for operations without
  /// input), already checked against every constraint of the shape.
  public let input: ModelValue

  /// Creates a request.
  public init(operation: OperationModel, input: ModelValue) {
    self.operation = operation
    self.input = input
  }
}

/// Turns an AWS JSON 1.0/1.1 request (`X-Amz-Target: <targetPrefix>.<Operation>`, a JSON object
/// body) into the operation and its validated input, driven by the service model as botocore's
/// JSON serializer is, read backwards:
/// - structures are objects keyed by member name, lists arrays, maps objects;
/// - timestamps are epoch seconds (a number; a string in the shape's format is also accepted),
///   blobs base64 strings;
/// - `null` is the same as an absent member; members the shape does not name are ignored.
///
/// A body that is not JSON, or a value of the wrong type, is AWS's `SerializationException`;
/// failed constraints are one `ValidationException` listing all of them, worded as the Query
/// protocol words them (the same Coral validation behind both).
public struct JSONRequestDecoder: Sendable {
  /// The service model.
  public let model: ServiceModel
  private let validator: ShapeValidator

  /// Creates a decoder for `model`'s operations.
  public init(model: ServiceModel) {
    self.model = model
    self.validator = ShapeValidator(model: model)
  }

  /// The operation `target` names (`AWSOrganizationsV20161128.ListAccounts`).
  ///
  /// Throws `UnknownOperationException` for a target of another service or an operation the
  /// model does not have.
  public func operation(forTarget target: String) throws(AWSError) -> OperationModel {
    guard let dot = target.lastIndex(of: "."),
      target[..<dot] == (model.metadata.targetPrefix ?? "")[...],
      let operation = model.operation(named: String(target[target.index(after: dot)...]))
    else {
      throw .unknownOperation()
    }
    return operation
  }

  /// Finds the operation and decodes and validates its input.
  public func decode(target: String, body: [UInt8]) throws(AWSError) -> JSONRequest {
    let operation = try operation(forTarget: target)
    return JSONRequest(operation: operation, input: try input(of: operation, body: body))
  }

  /// The input of `operation` decoded from `body` and checked against its shape. An empty body
  /// is an empty object, as botocore sends for operations without parameters.
  public func input(of operation: OperationModel, body: [UInt8]) throws(AWSError) -> ModelValue {
    let isBlank = body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    let document: JSONDocument
    if isBlank {
      document = .object([:])
    } else if let parsed = JSONDocument.parse(body) {
      document = parsed
    } else {
      throw .serializationException("the request body is not valid JSON")
    }
    guard case .object = document else {
      throw .serializationException("the request body must be a JSON object, not \(document.kindName)")
    }
    guard let shape = model.inputShape(of: operation) else { return .structure([:]) }
    let value = try self.value(document, shape: shape, path: "") ?? .structure([:])
    let violations = validator.violations(of: value, shape: shape)
    guard violations.isEmpty else {
      let error = AWSError.validationError(violations: violations)
      throw AWSError(code: "ValidationException", message: error.message, status: 400)
    }
    return value
  }

  // MARK: shapes

  /// The value of `shape` in `document`, or `nil` for `null`.
  private func value(_ document: JSONDocument, shape: Shape, path: String) throws(AWSError) -> ModelValue? {
    if case .null = document { return nil }
    func mismatch(_ expected: String) -> AWSError {
      let at = path.isEmpty ? "the request body" : "`\(path)`"
      // A secret is not echoed, not even a malformed one: only its kind is named.
      return .serializationException("expected \(expected) at \(at), found \(document.kindName)")
    }
    switch shape.type {
    case .structure:
      guard case .object(let fields) = document else { throw mismatch("an object") }
      var members: [String: ModelValue] = [:]
      for member in shape.members {
        guard let field = fields[member.name] else { continue }
        let memberPath = path.isEmpty ? member.name : "\(path).\(member.name)"
        if let decoded = try value(field, shape: model.shape(of: member), path: memberPath) {
          members[member.name] = decoded
        }
      }
      return .structure(members)
    case .list:
      guard case .array(let items) = document else { throw mismatch("an array") }
      guard let element = shape.listMember else { return .list([]) }
      let elementShape = model.shape(of: element)
      var values: [ModelValue] = []
      for (index, item) in items.enumerated() {
        // A `null` inside a list has no value to keep; AWS's handling is not observable.
        if let decoded = try value(item, shape: elementShape, path: "\(path)[\(index)]") { values.append(decoded) }
      }
      return .list(values)
    case .map:
      guard case .object(let fields) = document else { throw mismatch("an object") }
      guard let valueMember = shape.mapValue else { return .map([:]) }
      let valueShape = model.shape(of: valueMember)
      var entries: [String: ModelValue] = [:]
      for (key, field) in fields {
        if let decoded = try value(field, shape: valueShape, path: "\(path).\(key)") { entries[key] = decoded }
      }
      return .map(entries)
    case .string:
      guard case .string(let text) = document else { throw mismatch("a string") }
      return .string(text)
    case .boolean:
      guard case .bool(let flag) = document else { throw mismatch("a boolean") }
      return .boolean(flag)
    case .integer, .long:
      guard case .integer(let number) = document else { throw mismatch("an integer") }
      if shape.type == .integer, Int32(exactly: number) == nil { throw mismatch("a 32-bit integer") }
      return .integer(number)
    case .double, .float:
      switch document {
      case .integer(let number): return .double(Double(number))
      case .number(let number): return .double(number)
      case .string(let text) where ["NaN", "Infinity", "-Infinity"].contains(text): return .double(Double(text)!)
      default: throw mismatch("a number")
      }
    case .timestamp:
      switch document {
      case .integer(let seconds): return .timestamp(Date(timeIntervalSince1970: Double(seconds)))
      case .number(let seconds): return .timestamp(Date(timeIntervalSince1970: seconds))
      case .string(let text):
        let format = shape.timestampFormat ?? .epochSeconds
        guard let date = format.parse(text) ?? TimestampFormat.iso8601.parse(text) else {
          throw mismatch("a timestamp")
        }
        return .timestamp(date)
      default: throw mismatch("a timestamp")
      }
    case .blob:
      guard case .string(let text) = document, let bytes = Data(base64Encoded: text) else {
        throw mismatch("a base64 string")
      }
      return .blob(bytes)
    }
  }
}
