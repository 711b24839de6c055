import Foundation

/// An IAM OpenID Connect identity provider: an external issuer whose ID tokens
/// `AssumeRoleWithWebIdentity` accepts for roles that trust the provider.
///
/// IAM keeps the issuer URL without its scheme (`token.example.com/tenant`): that string is the
/// last part of the ARN and the prefix of the provider's condition keys (`token.example.com/tenant:sub`).
public struct OpenIDConnectProvider: Codable, Sendable, Equatable {
  public var accountID: String
  /// The issuer without `https://` and without a trailing `/`.
  public var url: String
  /// Audiences (`aud`) the provider's tokens may carry.
  public var clientIDs: [String] = []
  /// SHA-1 thumbprints (40 hex digits) of the issuer's certificate, kept as given; this server
  /// never fetches keys over the network (see `OIDCSigningKeys`), so they only document intent.
  public var thumbprints: [String] = []
  public var tags: [Tag] = []
  public var createDate: Date

  public init(accountID: String, url: String, createDate: Date) {
    self.accountID = accountID
    self.url = url
    self.createDate = createDate
  }

  /// `arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH`.
  public var arn: String { "arn:aws:iam::\(accountID):oidc-provider/\(url)" }

  /// The issuer as tokens name it in `iss`.
  public var issuer: String { "https://\(url)" }
}

extension OpenIDConnectProvider: DirectoryEntity {
  public static let kind = EntityKind.oidcProvider
  /// Host names are case-insensitive; one provider per issuer.
  public var storeKey: String { url.lowercased() }
}
