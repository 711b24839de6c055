/// Literals make outputs readable where handlers and tests build them:
/// `["User": ["UserName": "alice", "Tags": [["Key": "team", "Value": "a"]]]]`.
/// A dictionary literal is a structure; build a `.map` explicitly.
extension ModelValue: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
}

extension ModelValue: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension ModelValue: ExpressibleByFloatLiteral {
  public init(floatLiteral value: Double) { self = .double(value) }
}

extension ModelValue: ExpressibleByBooleanLiteral {
  public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

extension ModelValue: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: ModelValue...) { self = .list(elements) }
}

extension ModelValue: ExpressibleByDictionaryLiteral {
  public init(dictionaryLiteral elements: (String, ModelValue)...) {
    // Later duplicates win, as they would when assigning members one by one.
    self = .structure(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}
