/// A tag on an IAM entity. Keys are unique per entity, compared case-insensitively as IAM does.
public struct Tag: Codable, Sendable, Equatable {
  public var key: String
  public var value: String

  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

extension [Tag] {
  /// Adds or replaces tags by key (case-insensitive), keeping the original order.
  public mutating func merge(_ tags: [Tag]) {
    for tag in tags {
      if let i = firstIndex(where: { $0.key.lowercased() == tag.key.lowercased() }) {
        self[i] = tag
      } else {
        append(tag)
      }
    }
  }

  /// Removes the tags with these keys (case-insensitive).
  public mutating func remove(keys: [String]) {
    let lowered = Set(keys.map { $0.lowercased() })
    removeAll { lowered.contains($0.key.lowercased()) }
  }
}
