import Foundation

/// A JSON value as it arrived, before the model says what it means: the request body of a JSON
/// protocol service, read by `JSONDecoder` so that `true` stays a boolean and `1` an integer
/// (Foundation's `JSONSerialization` folds both into `NSNumber` on Linux).
enum JSONDocument: Sendable, Equatable, Decodable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONDocument])
  case object([String: JSONDocument])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let whole = try? container.decode(Int64.self) {
      self = .integer(whole)
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let items = try? container.decode([JSONDocument].self) {
      self = .array(items)
    } else {
      self = .object(try container.decode([String: JSONDocument].self))
    }
  }

  /// Parses `bytes`; `nil` when they are not one JSON value.
  static func parse(_ bytes: [UInt8]) -> JSONDocument? {
    try? JSONDecoder().decode(JSONDocument.self, from: Data(bytes))
  }

  /// What the value is, for messages.
  var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .integer, .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}
