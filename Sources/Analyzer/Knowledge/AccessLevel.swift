/// The access levels of AWS's Service Authorization Reference, in increasing order of power.
public enum AccessLevel: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
  case list = 0
  case read = 1
  case write = 2
  case permissionsManagement = 3
  case tagging = 4

  /// AWS's name, e.g. `Permissions management`.
  public var description: String {
    switch self {
    case .list: "List"
    case .read: "Read"
    case .write: "Write"
    case .permissionsManagement: "Permissions management"
    case .tagging: "Tagging"
    }
  }

  /// Whether the level changes something (Write, Permissions management, Tagging).
  public var isMutating: Bool { self == .write || self == .permissionsManagement || self == .tagging }

  public static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
