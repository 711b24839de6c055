import Crypto
import Foundation
import CryptoExtras
import _CryptoExtras

/// An OpenID Connect provider's signing keys, as its `jwks_uri` serves them (RFC 7517):
/// `{"keys": [{"kty": "RSA", "kid": ..., "n": ..., "e": ...}, {"kty": "EC", "crv": "P-256", "x": ..., "y": ...}]}`.
///
/// Keys of other types, curves or uses are skipped rather than refused: a provider's set may
/// hold encryption keys or algorithms this server does not verify.
public struct JSONWebKeySet: Sendable {
  /// One usable public key.
  struct Key: Sendable {
    var id: String?
    /// `RSA` or `EC`.
    var type: String
    var rsaPublicKey: _RSA.Signing.PublicKey?
    var p256PublicKey: P256.Signing.PublicKey?
  }

  let keys: [Key]

  /// Parses a JWKS document; `nil` when it is not one (no `keys` array).
  public init?(json: Data) {
    guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any],
      let list = object["keys"] as? [[String: Any]]
    else { return nil }
    var keys: [Key] = []
    for jwk in list {
      guard let type = jwk["kty"] as? String, (jwk["use"] as? String ?? "sig") == "sig" else { continue }
      let id = jwk["kid"] as? String
      switch type {
      case "RSA":
        guard let n = (jwk["n"] as? String).flatMap(JSONWebToken.base64URLDecode),
          let e = (jwk["e"] as? String).flatMap(JSONWebToken.base64URLDecode),
          let key = try? _RSA.Signing.PublicKey(n: n, e: e)
        else { continue }
        keys.append(Key(id: id, type: type, rsaPublicKey: key))
      case "EC":
        guard jwk["crv"] as? String == "P-256",
          let x = (jwk["x"] as? String).flatMap(JSONWebToken.base64URLDecode),
          let y = (jwk["y"] as? String).flatMap(JSONWebToken.base64URLDecode), x.count == 32, y.count == 32,
          let key = try? P256.Signing.PublicKey(x963Representation: Data([4]) + x + y)
        else { continue }
        keys.append(Key(id: id, type: type, p256PublicKey: key))
      default:
        continue
      }
    }
    self.keys = keys
  }

  /// The key named `id` of `type`; without an id, the set's only key of that type.
  func key(id: String?, type: String) -> Key? {
    if let id { return keys.first { $0.id == id && $0.type == type } }
    let candidates = keys.filter { $0.type == type }
    return candidates.count == 1 ? candidates[0] : nil
  }
}
