/// The value of a request context key: one string, or several for a multivalued key such as
/// `aws:TagKeys`. Numbers, dates, booleans and addresses travel as text, as in AWS's context.
public enum ContextValue: Sendable, Equatable, Hashable {
  case single(String)
  case multiple([String])

  /// The values as a list (one element for a single value).
  public var values: [String] {
    switch self {
    case .single(let v): [v]
    case .multiple(let vs): vs
    }
  }
}

/// The request context: condition keys and their values. Key names are case-insensitive, so
/// they are stored lowercased.
public struct RequestContext: Sendable, Equatable {
  var storage: [String: ContextValue]

  /// An empty context.
  public init() {
    storage = [:]
  }

  /// A context from key/value pairs (keys in any case; a later duplicate wins).
  public init(_ values: [String: ContextValue]) {
    storage = [:]
    storage.reserveCapacity(values.count)
    for (key, value) in values { storage[key.lowercased()] = value }
  }

  /// The value for `key`, in any case.
  public subscript(key: String) -> ContextValue? {
    get { storage[key.lowercased()] }
    set { storage[key.lowercased()] = newValue }
  }

  /// Looks up a key that is already lowercased (the compiled form of policies keeps them so).
  @inline(__always)
  func value(lowercasedKey key: String) -> ContextValue? {
    storage[key]
  }

  /// The keys present, lowercased.
  public var keys: Dictionary<String, ContextValue>.Keys { storage.keys }
}
