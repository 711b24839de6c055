import Crypto
import Foundation
import HTTPTypes

/// Signs an AWS Query request (a form body POSTed to `/`) with SigV4, written out from AWS's
/// documentation rather than with the server's own canonicalisation, so a protocol test checks
/// the server against the algorithm and not against itself.
struct QueryRequestSigner: Sendable {
  let accessKeyID: String
  let secretAccessKey: String
  var region = "us-east-1"
  var service = "iam"
  /// The host the request is addressed to; HummingbirdTesting's router sends `localhost`.
  var host = "localhost"

  static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

  /// The form body for `action` with `parameters`, percent-encoded with RFC 3986's unreserved set.
  static func body(action: String, _ parameters: [(String, String)] = []) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let pairs = [("Action", action), ("Version", "2010-05-08")] + parameters
    return pairs.map { name, value in
      "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
    }.joined(separator: "&")
  }

  /// The headers of a POST of `body` to `/`, signed at `date` (with the session token of
  /// temporary credentials, signed too, when given).
  func headers(body: String, date: Date = Date(), securityToken: String? = nil) -> HTTPFields {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
    let timestamp = formatter.string(from: date)
    let day = String(timestamp.prefix(8))
    let scope = "\(day)/\(region)/\(service)/aws4_request"

    let signedHeaders = "content-type;host;x-amz-date" + (securityToken == nil ? "" : ";x-amz-security-token")
    let tokenLine = securityToken.map { "x-amz-security-token:\($0)\n" } ?? ""
    let canonicalRequest = [
      "POST", "/", "",
      "content-type:\(Self.contentType)\nhost:\(host)\nx-amz-date:\(timestamp)\n" + tokenLine,
      signedHeaders, Self.hex(SHA256.hash(data: Data(body.utf8))),
    ].joined(separator: "\n")
    let stringToSign = [
      "AWS4-HMAC-SHA256", timestamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
    ].joined(separator: "\n")

    var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
    for part in [day, region, service, "aws4_request"] {
      key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
    }
    let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))

    var fields = HTTPFields()
    fields[.contentType] = Self.contentType
    fields[HTTPField.Name("X-Amz-Date")!] = timestamp
    if let securityToken { fields[HTTPField.Name("X-Amz-Security-Token")!] = securityToken }
    fields[.authorization] =
      "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    return fields
  }

  static func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
  }
}
