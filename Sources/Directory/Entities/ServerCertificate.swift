import Foundation

/// A server certificate (`UploadServerCertificate`): a public key certificate with its chain
/// and its private key, stored for services that terminate TLS. The private key is sealed with
/// the master key (`SecretBox`, listed in `SealedSecrets`) and no API ever returns it.
public struct ServerCertificate: Codable, Sendable, Equatable {
  public var accountID: String
  /// `ASCA...`, stable across renames.
  public var id: String
  public var name: String
  public var path: String
  /// The certificate as uploaded (PEM).
  public var body: String
  /// The chain as uploaded (PEM), if any.
  public var chain: String?
  /// The private key (PEM), sealed.
  public var sealedPrivateKey: Data
  /// The certificate's `notAfter`.
  public var expiration: Date
  public var uploadDate: Date
  public var tags: [Tag] = []

  public init(
    accountID: String, id: String, name: String, path: String, body: String, chain: String?,
    sealedPrivateKey: Data, expiration: Date, uploadDate: Date
  ) {
    self.accountID = accountID
    self.id = id
    self.name = name
    self.path = path
    self.body = body
    self.chain = chain
    self.sealedPrivateKey = sealedPrivateKey
    self.expiration = expiration
    self.uploadDate = uploadDate
  }

  /// `arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME`.
  public var arn: String { "arn:aws:iam::\(accountID):server-certificate\(path)\(name)" }
}

extension ServerCertificate: DirectoryEntity {
  public static let kind = EntityKind.serverCertificate
  /// Names are unique case-insensitively, like the other named IAM entities.
  public var storeKey: String { name.lowercased() }
}
