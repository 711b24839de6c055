import Foundation

/// One entity written or removed: the unit the store persists and the change log carries.
public struct EntityChange: Codable, Sendable, Equatable {
  public var kind: EntityKind
  public var accountID: String
  public var key: String
  /// The entity as JSON; `nil` when it was deleted.
  public var body: Data?

  public init(kind: EntityKind, accountID: String, key: String, body: Data?) {
    self.kind = kind
    self.accountID = accountID
    self.key = key
    self.body = body
  }

  /// Encoder shared by every change: dates as seconds since the epoch keep full precision.
  static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.dateEncodingStrategy = .secondsSince1970
    e.outputFormatting = [.sortedKeys]
    return e
  }()

  static let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .secondsSince1970
    return d
  }()

  /// A change that writes `entity`.
  public static func put<E: DirectoryEntity>(_ entity: E) -> EntityChange {
    // INVARIANT: entities are plain Codable values; encoding cannot fail.
    let body = try! encoder.encode(entity)
    return EntityChange(kind: E.kind, accountID: entity.accountID, key: entity.storeKey, body: body)
  }

  /// A change that removes an entity.
  public static func delete(_ kind: EntityKind, accountID: String, key: String) -> EntityChange {
    EntityChange(kind: kind, accountID: accountID, key: key, body: nil)
  }
}

/// One committed transaction in the change log.
public struct ChangeRecord: Sendable, Equatable {
  /// Monotonically increasing sequence number.
  public var sequence: Int64
  public var changes: [EntityChange]
}
