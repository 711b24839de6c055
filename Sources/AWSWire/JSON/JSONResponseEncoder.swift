import Foundation

/// Writes an operation's output as the body an AWS JSON 1.0/1.1 service sends: one object of
/// the output shape, members in model order, timestamps as epoch seconds (unless the shape
/// names another format), blobs base64. An operation without output writes `{}`.
///
/// Values the shape does not describe are left out: the shape is the contract the SDKs parse
/// against.
public struct JSONResponseEncoder: Sendable {
  /// The service model.
  public let model: ServiceModel

  /// Creates an encoder for `model`'s operations.
  public init(model: ServiceModel) {
    self.model = model
  }

  /// The response body for `operation` with `output`.
  public func encode(_ output: ModelValue?, for operation: OperationModel) -> String {
    var json = JSONWriter()
    if let shape = model.outputShape(of: operation), let output {
      write(output, shape: shape, into: &json)
    } else {
      json.raw("{}")
    }
    return json.text
  }

  /// `value` as JSON, by `shape` (also used for error members and tests).
  public func encode(_ value: ModelValue, shape: Shape) -> String {
    var json = JSONWriter()
    write(value, shape: shape, into: &json)
    return json.text
  }

  private func write(_ value: ModelValue, shape: Shape, into json: inout JSONWriter) {
    switch (shape.type, value) {
    case (.structure, .structure(let members)):
      json.byte("{")
      var first = true
      for member in shape.members {
        guard let memberValue = members[member.name] else { continue }
        let target = model.shape(of: member)
        guard Self.fits(memberValue, target) else { continue }
        if !first { json.byte(",") }
        first = false
        json.string(member.name)
        json.byte(":")
        write(memberValue, shape: target, into: &json)
      }
      json.byte("}")
    case (.list, .list(let items)):
      json.byte("[")
      let elementShape = shape.listMember.map(model.shape(of:))
      var first = true
      for item in items {
        guard let elementShape, Self.fits(item, elementShape) else { continue }
        if !first { json.byte(",") }
        first = false
        write(item, shape: elementShape, into: &json)
      }
      json.byte("]")
    case (.map, .map(let entries)):
      json.byte("{")
      let valueShape = shape.mapValue.map(model.shape(of:))
      var first = true
      for key in entries.keys.sorted() {
        guard let valueShape, let entry = entries[key], Self.fits(entry, valueShape) else { continue }
        if !first { json.byte(",") }
        first = false
        json.string(key)
        json.byte(":")
        write(entry, shape: valueShape, into: &json)
      }
      json.byte("}")
    case (_, .string(let text)): json.string(text)
    case (_, .integer(let number)): json.raw(String(number))
    case (_, .double(let number)): json.number(number)
    case (_, .boolean(let flag)): json.raw(flag ? "true" : "false")
    case (_, .timestamp(let date)):
      switch shape.timestampFormat ?? .epochSeconds {
      case .epochSeconds: json.number(date.timeIntervalSince1970)
      case let format: json.string(format.format(date))
      }
    case (_, .blob(let bytes)): json.string(bytes.base64EncodedString())
    default: json.raw("null")
    }
  }

  /// Whether `value` is a value of `shape`'s type.
  private static func fits(_ value: ModelValue, _ shape: Shape) -> Bool {
    switch (shape.type, value) {
    case (.structure, .structure), (.list, .list), (.map, .map), (.string, .string), (.boolean, .boolean),
      (.integer, .integer), (.long, .integer), (.double, .double), (.float, .double), (.double, .integer),
      (.float, .integer), (.timestamp, .timestamp), (.blob, .blob):
      true
    default: false
    }
  }
}
