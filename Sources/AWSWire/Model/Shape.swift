/// A shape of an AWS service model, with the constraints AWS validates and the traits the wire
/// protocols read.
///
/// Shapes refer to each other by name; `ServiceModel` resolves the names and has checked, when it
/// loaded, that every name resolves.
public struct Shape: Sendable {
  /// The shape's name in the model (`userNameType`, `ListUsersResponse`).
  public let name: String
  /// The kind of value.
  public let type: ShapeType
  /// A structure's members, in model order, which is also the order IAM writes them in.
  public let members: [ShapeMember]
  /// A list's element.
  public let listMember: ShapeMember?
  /// A map's key.
  public let mapKey: ShapeMember?
  /// A map's value.
  public let mapValue: ShapeMember?
  /// Minimum length (strings in Unicode scalars, lists and maps in entries) or minimum value.
  public let min: Int64?
  /// Maximum length or value, as `min`.
  public let max: Int64?
  /// The pattern a string must match whole.
  public let pattern: ShapePattern?
  /// The values an enum string may take, in model order (AWS prints them in this order).
  public let enumValues: [String]?
  /// Whether a list or map is written without its wrapping element.
  public let isFlattened: Bool
  /// A timestamp's wire format when it is not the protocol's default.
  public let timestampFormat: TimestampFormat?
  /// Whether values are secret: AWS leaves them out of validation messages, and nothing may
  /// log them.
  public let isSensitive: Bool
  /// For exception shapes, the code and status AWS sends.
  public let error: ErrorTrait?

  private let memberIndex: [String: Int]

  /// An exception shape's wire identity.
  public struct ErrorTrait: Sendable, Equatable {
    /// The error code (`NoSuchEntity`), which is not always the shape's name.
    public let code: String
    /// The HTTP status; 400 when the model gives none.
    public let httpStatusCode: Int
    /// Whether the caller is at fault (`Sender`) rather than the service (`Receiver`).
    public let isSenderFault: Bool

    /// Creates an error trait.
    public init(code: String, httpStatusCode: Int = 400, isSenderFault: Bool = false) {
      self.code = code
      self.httpStatusCode = httpStatusCode
      self.isSenderFault = isSenderFault
    }

    /// The error with `message`, ready for the protocol's error encoder.
    public func error(_ message: String) -> AWSError {
      AWSError(code: code, message: message, status: httpStatusCode, isSenderFault: isSenderFault)
    }
  }

  /// Creates a shape.
  public init(
    name: String, type: ShapeType, members: [ShapeMember] = [], listMember: ShapeMember? = nil,
    mapKey: ShapeMember? = nil, mapValue: ShapeMember? = nil, min: Int64? = nil,
    max: Int64? = nil, pattern: ShapePattern? = nil, enumValues: [String]? = nil,
    isFlattened: Bool = false, timestampFormat: TimestampFormat? = nil,
    isSensitive: Bool = false, error: ErrorTrait? = nil
  ) {
    self.name = name
    self.type = type
    self.members = members
    self.listMember = listMember
    self.mapKey = mapKey
    self.mapValue = mapValue
    self.min = min
    self.max = max
    self.pattern = pattern
    self.enumValues = enumValues
    self.isFlattened = isFlattened
    self.timestampFormat = timestampFormat
    self.isSensitive = isSensitive
    self.error = error
    self.memberIndex = Dictionary(
      members.enumerated().map { ($0.element.name, $0.offset) },
      uniquingKeysWith: { first, _ in first })
  }

  /// The structure member named `name` (the model name, not the wire name).
  public func member(named name: String) -> ShapeMember? {
    memberIndex[name].map { members[$0] }
  }
}
