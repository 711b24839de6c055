import Foundation

/// A value of any shape in an AWS service model: the typed input a protocol decoder produces and
/// the output a protocol encoder writes.
///
/// One generic value serves every operation, so the wire layer never needs a Swift type per
/// shape; the shape that accompanies a value says how to read, validate and write it. An absent
/// optional member is simply missing from its structure, never a placeholder.
public indirect enum ModelValue: Sendable, Equatable {
  /// A `string` shape (enums included).
  case string(String)
  /// An `integer` or `long` shape.
  case integer(Int64)
  /// A `double` or `float` shape.
  case double(Double)
  /// A `boolean` shape.
  case boolean(Bool)
  /// A `timestamp` shape.
  case timestamp(Date)
  /// A `blob` shape: the decoded bytes (base64 on the Query wire).
  case blob(Data)
  /// A `list` shape, in wire order.
  case list([ModelValue])
  /// A `map` shape. Keys are strings in every Query model; the encoder writes them sorted so
  /// output is deterministic.
  case map([String: ModelValue])
  /// A `structure` shape, keyed by member name (not by `locationName`).
  case structure([String: ModelValue])

  /// The member named `name` when this is a structure, else `nil`.
  public subscript(member name: String) -> ModelValue? {
    guard case .structure(let members) = self else { return nil }
    return members[name]
  }

  /// The text when this is a string.
  public var stringValue: String? {
    if case .string(let value) = self { value } else { nil }
  }

  /// The number when this is an integer.
  public var integerValue: Int64? {
    if case .integer(let value) = self { value } else { nil }
  }

  /// The number when this is a double.
  public var doubleValue: Double? {
    if case .double(let value) = self { value } else { nil }
  }

  /// The truth value when this is a boolean.
  public var booleanValue: Bool? {
    if case .boolean(let value) = self { value } else { nil }
  }

  /// The instant when this is a timestamp.
  public var timestampValue: Date? {
    if case .timestamp(let value) = self { value } else { nil }
  }

  /// The bytes when this is a blob.
  public var blobValue: Data? {
    if case .blob(let value) = self { value } else { nil }
  }

  /// The elements when this is a list.
  public var listValue: [ModelValue]? {
    if case .list(let value) = self { value } else { nil }
  }

  /// The entries when this is a map.
  public var mapValue: [String: ModelValue]? {
    if case .map(let value) = self { value } else { nil }
  }

  /// The members when this is a structure.
  public var structureValue: [String: ModelValue]? {
    if case .structure(let value) = self { value } else { nil }
  }
}
