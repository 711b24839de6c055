/// A raw query string split into its parameters, decoded to bytes, in the order received.
///
/// Both readers of the query use it: the authorization parser (for the `X-Amz-*` parameters of a
/// presigned URL) and the canonical request (which re-encodes every parameter).
struct SigV4QueryParameters {
  /// The decoded name and value of each parameter; a parameter without `=` has an empty value.
  let parameters: [(name: [UInt8], value: [UInt8])]

  /// Splits `query` at `&` (skipping empty pieces, as botocore's own re-encoding does) and each
  /// piece at its first `=`.
  init(_ query: String) {
    var parameters: [(name: [UInt8], value: [UInt8])] = []
    for piece in Array(query.utf8).split(
      separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
    {
      if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
        parameters.append(
          (
            SigV4Encoding.formDecode(piece[piece.startIndex..<equals]),
            SigV4Encoding.formDecode(piece[piece.index(after: equals)...])
          ))
      } else {
        parameters.append((SigV4Encoding.formDecode(piece), []))
      }
    }
    self.parameters = parameters
  }

  /// Whether a parameter called `name` is present, even with an empty value.
  func contains(_ name: String) -> Bool {
    let wanted = Array(name.utf8)
    return parameters.contains { $0.name == wanted }
  }

  /// The value of the first parameter called `name` (names are case-sensitive, as AWS's are).
  func value(_ name: String) -> String? {
    let wanted = Array(name.utf8)
    return parameters.first { $0.name == wanted }.map { String(decoding: $0.value, as: UTF8.self) }
  }
}
