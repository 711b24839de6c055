/// An HTTP request as the server received it, before anything is decoded: what SigV4
/// verification needs, since the signature covers the bytes the client sent, not their meaning.
public struct SignedRequest: Sendable {
  /// The HTTP method, e.g. `POST`.
  public var method: String
  /// The path as received on the request line, still percent-encoded, e.g. `/my%20path`.
  public var path: String
  /// The raw query string as received, without the `?`; empty when there is none.
  public var query: String
  /// The header fields in the order received. A name may repeat.
  public var headers: [(name: String, value: String)]
  /// The body.
  public var body: [UInt8]

  /// Creates a request from its parts.
  public init(
    method: String, path: String, query: String = "", headers: [(name: String, value: String)] = [],
    body: [UInt8] = []
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
    self.body = body
  }

  /// Creates a request from the request line's target (`/path?query`), split at the first `?`.
  public init(
    method: String, target: String, headers: [(name: String, value: String)] = [],
    body: [UInt8] = []
  ) {
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    self.init(
      method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
      headers: headers, body: body)
  }

  /// Every value of the header `name`, compared case-insensitively, in the order received.
  func headerValues(_ name: String) -> [String] {
    var values: [String] = []
    for header in headers where SigV4ASCII.equalIgnoringCase(header.name, name) {
      values.append(header.value)
    }
    return values
  }

  /// The first value of the header `name`, compared case-insensitively.
  func headerValue(_ name: String) -> String? {
    headers.first { SigV4ASCII.equalIgnoringCase($0.name, name) }?.value
  }
}
