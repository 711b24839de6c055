import Crypto
import CryptoExtras
import _CryptoExtras
import Foundation

/// A compact-serialized JSON Web Token (RFC 7519) as an OpenID Connect provider issues its ID
/// tokens: header, claims and signature, parsed but not yet trusted.
///
/// Only what `AssumeRoleWithWebIdentity` needs is read: `alg` and `kid` from the header, and the
/// registered claims; every other claim stays in `claims` untouched.
struct JSONWebToken: Sendable {
  /// Why a token was refused, before any AWS wording is chosen.
  enum Failure: Error, Equatable {
    /// Not three base64url parts of JSON objects.
    case malformed
    /// An `alg` other than RS256 and ES256 (`none` included).
    case unsupportedAlgorithm(String)
    /// No key in the provider's set for the token (`kid`, key type).
    case noKey
    /// The signature does not verify.
    case badSignature
  }

  /// `alg`, e.g. `RS256`.
  let algorithm: String
  /// `kid`, naming the key in the provider's JWKS.
  let keyID: String?
  /// The claims object.
  let claims: [String: any Sendable]
  /// `BASE64URL(header) . BASE64URL(claims)`: the bytes the signature covers.
  let signingInput: Data
  let signature: Data

  /// Parses `token`; checks nothing but its shape.
  init(_ token: String) throws(Failure) {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let headerData = Self.base64URLDecode(parts[0]),
      let claimsData = Self.base64URLDecode(parts[1]), let signature = Self.base64URLDecode(parts[2]),
      let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any],
      let claims = (try? JSONSerialization.jsonObject(with: claimsData)) as? [String: Any],
      let algorithm = header["alg"] as? String
    else { throw .malformed }
    self.algorithm = algorithm
    keyID = header["kid"] as? String
    self.claims = claims.compactMapValues { Self.sendable($0) }
    signingInput = Data(parts[0].utf8) + Data(".".utf8) + Data(parts[1].utf8)
    self.signature = signature
  }

  /// Verifies the signature with the key of `keys` the header names (by `kid`, or the only key
  /// of the right type when the token names none).
  func verify(with keys: JSONWebKeySet) throws(Failure) {
    switch algorithm {
    case "RS256":
      guard let key = keys.key(id: keyID, type: "RSA"), let rsa = key.rsaPublicKey else { throw .noKey }
      let digest = SHA256.hash(data: signingInput)
      guard rsa.isValidSignature(.init(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5) else {
        throw .badSignature
      }
    case "ES256":
      guard let key = keys.key(id: keyID, type: "EC"), let ec = key.p256PublicKey else { throw .noKey }
      // JWS carries ECDSA signatures as r || s (64 bytes), the raw representation.
      guard let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
        ec.isValidSignature(ecdsa, for: SHA256.hash(data: signingInput))
      else { throw .badSignature }
    default:
      throw .unsupportedAlgorithm(algorithm)
    }
  }

  // MARK: claims

  var issuer: String? { claims["iss"] as? String }
  var subject: String? { claims["sub"] as? String }
  /// `azp`, the party the token was issued to, when the provider sets it.
  var authorizedParty: String? { claims["azp"] as? String }

  /// `aud`, a string or an array of strings.
  var audiences: [String] {
    if let one = claims["aud"] as? String { return [one] }
    return (claims["aud"] as? [any Sendable])?.compactMap { $0 as? String } ?? []
  }

  /// `amr`, a string or an array of strings.
  var authenticationMethods: [String] {
    if let one = claims["amr"] as? String { return [one] }
    return (claims["amr"] as? [any Sendable])?.compactMap { $0 as? String } ?? []
  }

  /// A NumericDate claim (`exp`, `nbf`, `iat`), seconds since the epoch.
  func date(_ claim: String) -> Double? {
    (claims[claim] as? NSNumber).map(\.doubleValue)
  }

  // MARK: encoding

  /// Decodes unpadded base64url (RFC 7515 §2).
  static func base64URLDecode(_ text: some StringProtocol) -> Data? {
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    guard !s.contains("=") else { return nil }
    while s.count % 4 != 0 { s.append("=") }
    return Data(base64Encoded: s)
  }

  /// Encodes as unpadded base64url.
  static func base64URLEncode(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// JSONSerialization's values as Sendable ones (strings, numbers, arrays, objects).
  private static func sendable(_ value: Any) -> (any Sendable)? {
    switch value {
    case let s as String: return s
    case let n as NSNumber: return n
    case let a as [Any]: return a.compactMap { sendable($0) }
    case let o as [String: Any]: return o.compactMapValues { sendable($0) }
    default: return nil
    }
  }
}
