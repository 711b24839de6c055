/// A reference from one shape to another: a structure's member, a list's element, or a map's
/// key or value.
///
/// One type serves all four because the Query protocol treats them alike: each has a name on the
/// wire (`locationName`, else the member's name, else `member` / `key` / `value`) and may be
/// flattened.
public struct ShapeMember: Sendable, Equatable {
  /// The member's name in the model (`UserName`); for list elements `member`, for map entries
  /// `key` and `value`.
  public let name: String
  /// The name of the target shape.
  public let target: String
  /// The wire name when the model overrides it.
  public let locationName: String?
  /// Whether a list or map member is written without its wrapping element.
  public let isFlattened: Bool
  /// Whether the structure requires this member.
  public let isRequired: Bool

  /// Creates a member reference.
  public init(
    name: String, target: String, locationName: String? = nil, isFlattened: Bool = false,
    isRequired: Bool = false
  ) {
    self.name = name
    self.target = target
    self.locationName = locationName
    self.isFlattened = isFlattened
    self.isRequired = isRequired
  }

  /// The name of the member's parameter component and XML element.
  public var wireName: String { locationName ?? name }

  /// The member's name as AWS prints it in validation messages: the first letter lowercased
  /// (`UserName` → `userName`, `SAMLMetadataDocument` → `sAMLMetadataDocument`).
  public var validationName: String {
    guard let first = name.first else { return name }
    return first.lowercased() + name.dropFirst()
  }
}
