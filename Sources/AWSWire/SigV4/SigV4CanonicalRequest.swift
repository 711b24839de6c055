import Crypto
import Foundation

/// The canonical form of a request that SigV4 signs, built the way botocore's `SigV4Auth` builds
/// it (`botocore/auth.py`), so a request signed by an AWS SDK canonicalizes to the same text here:
///
///     METHOD
///     canonical URI
///     canonical query string
///     name:value        (one line per signed header)
///
///     signed;header;names
///     payload hash
///
/// Public so that a signature mismatch can be diagnosed by comparing this text with the client's
/// (botocore logs it at debug level).
public struct SigV4CanonicalRequest: Sendable, Equatable, CustomStringConvertible {
  /// The method, uppercased.
  public let method: String
  /// The canonical URI: for S3 the path exactly as received; for every other service the path
  /// with dot segments and empty segments removed, then percent-encoded again (so `%20` on the
  /// wire is `%2520` here).
  public let uri: String
  /// The canonical query string, in the form `QueryForm` says; `X-Amz-Signature` left out of a
  /// presigned URL's.
  public let query: String
  /// One `name:value` line per signed header: the name lowercase, the values trimmed with runs of
  /// spaces folded, a repeated header's values joined with `,`.
  public let headers: [String]
  /// The signed header names joined with `;`.
  public let signedHeaders: String
  /// Hex SHA-256 of the body, or the hash the client declared (`X-Amz-Content-Sha256`,
  /// `UNSIGNED-PAYLOAD`).
  public let payloadHash: String

  /// How the query string is put in canonical form.
  public enum QueryForm: Sendable {
    /// Every parameter decoded, re-encoded with RFC 3986's unreserved set, sorted by name then
    /// value: the rule AWS documents, and botocore's for the parameters it serializes itself.
    case normalized
    /// The parameters exactly as sent, only sorted: botocore's rule for a query string that was
    /// already in the URL it was handed. It differs from `normalized` only for a query that was
    /// not encoded the canonical way (`%7E` for `~`, say).
    case asSent
  }

  /// Builds the canonical request of `request` under `authorization` (whose signed headers,
  /// service and declared payload hash it follows).
  public init(
    request: SignedRequest, authorization: SigV4Authorization, queryForm: QueryForm = .normalized
  ) {
    method =
      request.method.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
      ? request.method : request.method.uppercased()
    uri =
      SigV4CanonicalRequest.isS3(authorization.service)
      ? (request.path.isEmpty ? "/" : request.path)
      : request.path == "/"
        ? "/"
        : SigV4Encoding.percentEncode(
          Array(SigV4CanonicalRequest.removingDotSegments(request.path).utf8),
          keepingSlashes: true)
    query =
      switch queryForm {
      case _ where request.query.isEmpty:
        ""
      case .normalized:
        SigV4CanonicalRequest.normalizedQuery(request.query, presigned: authorization.isPresigned)
      case .asSent:
        SigV4CanonicalRequest.queryAsSent(request.query, presigned: authorization.isPresigned)
      }
    headers = authorization.signedHeaders.map { name in
      var line = name
      line.append(":")
      var first = true
      for header in request.headers where SigV4ASCII.equalIgnoringCase(header.name, name) {
        if !first { line.append(",") }
        first = false
        line.append(SigV4CanonicalRequest.trimmingAll(header.value))
      }
      return line
    }
    signedHeaders = authorization.signedHeaders.joined(separator: ";")
    payloadHash = authorization.contentSHA256 ?? SigV4Encoding.hex(SHA256.hash(data: request.body))
  }

  /// The canonical request's text, as hashed into the string to sign.
  public var description: String {
    String(decoding: canonicalBytes, as: UTF8.self)
  }

  /// `description` as UTF-8, built directly.
  var canonicalBytes: [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(
      method.utf8.count + uri.utf8.count + query.utf8.count + signedHeaders.utf8.count
        + payloadHash.utf8.count + headers.reduce(0) { $0 + $1.utf8.count + 1 } + 6)
    bytes.append(contentsOf: method.utf8)
    bytes.append(0x0A)
    bytes.append(contentsOf: uri.utf8)
    bytes.append(0x0A)
    bytes.append(contentsOf: query.utf8)
    bytes.append(0x0A)
    for (i, line) in headers.enumerated() {
      if i > 0 { bytes.append(0x0A) }
      bytes.append(contentsOf: line.utf8)
    }
    bytes.append(0x0A)
    bytes.append(0x0A)
    bytes.append(contentsOf: signedHeaders.utf8)
    bytes.append(0x0A)
    bytes.append(contentsOf: payloadHash.utf8)
    return bytes
  }

  /// The string to sign: algorithm, timestamp, credential scope and the hex SHA-256 of this
  /// canonical request.
  public func stringToSign(for authorization: SigV4Authorization) -> String {
    String(decoding: stringToSignBytes(for: authorization), as: UTF8.self)
  }

  /// `stringToSign(for:)` as UTF-8, built directly.
  func stringToSignBytes(for authorization: SigV4Authorization) -> [UInt8] {
    let digest = SHA256.hash(data: canonicalBytes)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(
      SigV4Authorization.algorithm.utf8.count + 16 + authorization.date.utf8.count
        + authorization.region.utf8.count + authorization.service.utf8.count + 16 + 64 + 8)
    bytes.append(contentsOf: SigV4Authorization.algorithm.utf8)
    bytes.append(0x0A)
    bytes.append(contentsOf: authorization.timestamp.utf8)
    bytes.append(0x0A)
    bytes.append(contentsOf: authorization.date.utf8)
    bytes.append(UInt8(ascii: "/"))
    bytes.append(contentsOf: authorization.region.utf8)
    bytes.append(UInt8(ascii: "/"))
    bytes.append(contentsOf: authorization.service.utf8)
    bytes.append(contentsOf: "/aws4_request".utf8)
    bytes.append(0x0A)
    SigV4Encoding.appendHex(digest, to: &bytes)
    return bytes
  }

  /// Whether `service` is signed with botocore's S3 rules: the path as sent, never normalised.
  static func isS3(_ service: String) -> Bool {
    service == "s3" || service == "s3-object-lambda" || service == "s3-outposts"
  }

  /// botocore's `remove_dot_segments` (RFC 3986 §5.2.4, plus dropping empty segments, which AWS
  /// services also require): `/a/./b/../c//d/` becomes `/a/c/d/`.
  static func removingDotSegments(_ path: String) -> String {
    guard !path.isEmpty else { return "/" }
    var output: [Substring] = []
    for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "."
    {
      if segment == ".." {
        if !output.isEmpty { output.removeLast() }
      } else {
        output.append(segment)
      }
    }
    let first = path.hasPrefix("/") ? "/" : ""
    let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
    return first + output.joined(separator: "/") + last
  }

  private static func normalizedQuery(_ raw: String, presigned: Bool) -> String {
    let signature = Array("X-Amz-Signature".utf8)
    let encoded =
      SigV4QueryParameters(raw).parameters
      .filter { !(presigned && $0.name == signature) }
      .map {
        (
          name: Array(SigV4Encoding.percentEncode($0.name).utf8),
          value: Array(SigV4Encoding.percentEncode($0.value).utf8)
        )
      }
    // Sorted by the encoded bytes, name first, as botocore sorts its encoded pairs.
    let sorted = encoded.sorted { a, b in
      a.name != b.name
        ? a.name.lexicographicallyPrecedes(b.name) : a.value.lexicographicallyPrecedes(b.value)
    }
    return sorted.map { String(decoding: $0.name + [UInt8(ascii: "=")] + $0.value, as: UTF8.self) }
      .joined(separator: "&")
  }

  /// botocore's `_canonical_query_string_url`: split at `&` (empty pieces kept) and the first
  /// `=`, sorted, joined back with nothing decoded or encoded.
  private static func queryAsSent(_ raw: String, presigned: Bool) -> String {
    guard !raw.isEmpty else { return "" }
    let signature = Array("X-Amz-Signature".utf8)
    let pairs = Array(raw.utf8).split(
      separator: UInt8(ascii: "&"), omittingEmptySubsequences: false
    ).map { piece in
      let equals = piece.firstIndex(of: UInt8(ascii: "=")) ?? piece.endIndex
      return (
        name: Array(piece[piece.startIndex..<equals]),
        value: equals == piece.endIndex ? [] : Array(piece[piece.index(after: equals)...])
      )
    }
    let sorted = pairs.filter { !(presigned && SigV4Encoding.formDecode($0.name) == signature) }
      .sorted { a, b in
        a.name != b.name
          ? a.name.lexicographicallyPrecedes(b.name) : a.value.lexicographicallyPrecedes(b.value)
      }
    return sorted.map { String(decoding: $0.name + [UInt8(ascii: "=")] + $0.value, as: UTF8.self) }
      .joined(separator: "&")
  }

  /// SigV4's Trimall: no leading or trailing whitespace, each inner run of it one space.
  /// Works on bytes: as `Character`s, `"\r\n"` is one grapheme that equals neither `"\r"` nor `"\n"`.
  private static func trimmingAll(_ value: String) -> String {
    // Most values have nothing to trim or fold: no SigV4 whitespace but single inner spaces.
    var previousWasSpace = true  // so that a leading space is caught
    var clean = true
    for byte in value.utf8 {
      if byte == 0x20 {
        if previousWasSpace {
          clean = false
          break
        }
        previousWasSpace = true
      } else if SigV4ASCII.isSpace(byte) {
        clean = false
        break
      } else {
        previousWasSpace = false
      }
    }
    if clean && !(previousWasSpace && !value.isEmpty) { return value }
    let words = Array(value.utf8).split(whereSeparator: { byte in
      byte == 0x20 || (0x09...0x0D).contains(byte)
    })
    return words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
  }
}
