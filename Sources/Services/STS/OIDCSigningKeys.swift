import Foundation
import Synchronization

/// Where `AssumeRoleWithWebIdentity` finds an OIDC provider's signing keys.
///
/// AWS fetches a provider's JWKS from its discovery document over the internet. This server
/// never does: an operator (or a test) places each provider's key set in a directory, one file
/// per provider, at `DIR/HOST/PATH/jwks.json` — the provider URL without `https://` as folders:
///
///     DIR/token.example.com/jwks.json                 for https://token.example.com
///     DIR/idp.example.com/tenants/blue/jwks.json      for https://idp.example.com/tenants/blue
///
/// `DIR` is `PORTCULLIS_OIDC_JWKS_DIR` when set, else `DATA_DIR/oidc-keys`. A file is re-read
/// when its modification time changes, so keys rotate without a restart. A missing or unreadable
/// file means no keys: the token is refused, as AWS refuses one whose keys it cannot retrieve.
public final class OIDCSigningKeys: Sendable {
  private let directory: String?
  private let fixed: [String: JSONWebKeySet]
  private let cache = Mutex<[String: (modified: Date, keys: JSONWebKeySet)]>([:])

  /// Keys read from files under `directory` (none when `nil`).
  public init(directory: String?) {
    self.directory = directory
    fixed = [:]
  }

  /// Fixed key sets by provider URL (host and path, no scheme), for tests and embedding.
  public init(keySets: [String: JSONWebKeySet]) {
    directory = nil
    fixed = keySets
  }

  /// The directory for a server: `PORTCULLIS_OIDC_JWKS_DIR`, else `oidc-keys` in the data
  /// directory (none for an in-memory server without the variable).
  public static func directory(dataDirectory: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    environment["PORTCULLIS_OIDC_JWKS_DIR"] ?? dataDirectory.map { "\($0)/oidc-keys" }
  }

  /// The key set of the provider at `url` (host and path, no scheme), if one is in place.
  public func keySet(for url: String) -> JSONWebKeySet? {
    if let keys = fixed[url] { return keys }
    guard let directory else { return nil }
    // The URL was checked when the provider was created; refuse anything that could leave the
    // directory all the same.
    let components = url.split(separator: "/")
    guard !components.isEmpty, !components.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
    let path = "\(directory)/\(url)/jwks.json"
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let modified = attributes[.modificationDate] as? Date
    else { return nil }
    if let cached = cache.withLock({ $0[path] }), cached.modified == modified { return cached.keys }
    guard let data = FileManager.default.contents(atPath: path), let keys = JSONWebKeySet(json: data) else { return nil }
    cache.withLock { $0[path] = (modified, keys) }
    return keys
  }
}
