import Foundation

/// An IAM SAML 2.0 identity provider: an external IdP whose signed assertions
/// `AssumeRoleWithSAML` accepts for roles that trust the provider.
///
/// The metadata document is kept as uploaded (`GetSAMLProvider` returns it); what the server
/// needs from it to verify assertions — the IdP's entity id and its signing certificates — is
/// extracted once, when the document is uploaded, so verification never re-parses it.
public struct SAMLProvider: Codable, Sendable, Equatable {
  public var accountID: String
  /// The name given at creation, the last part of the ARN (case kept).
  public var name: String
  /// The IdP's metadata document, as uploaded.
  public var metadataDocument: String
  /// The metadata's `entityID`: the `Issuer` the IdP's assertions must carry.
  public var entityID: String
  /// DER encodings of the X.509 certificates the metadata lists for signing.
  public var signingCertificates: [Data]
  /// The metadata's `validUntil`, when it has one (`GetSAMLProvider`'s `ValidUntil`).
  public var validUntil: Date?
  /// AWS assigns each provider a UUID (`SAMLProviderUUID`).
  public var uuid: String
  public var tags: [Tag] = []
  public var createDate: Date

  public init(
    accountID: String, name: String, metadataDocument: String, entityID: String, signingCertificates: [Data],
    validUntil: Date?, uuid: String = UUID().uuidString.lowercased(), createDate: Date
  ) {
    self.accountID = accountID
    self.name = name
    self.metadataDocument = metadataDocument
    self.entityID = entityID
    self.signingCertificates = signingCertificates
    self.validUntil = validUntil
    self.uuid = uuid
    self.createDate = createDate
  }

  /// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
  public var arn: String { "arn:aws:iam::\(accountID):saml-provider/\(name)" }
}

extension SAMLProvider: DirectoryEntity {
  public static let kind = EntityKind.samlProvider
  /// Provider names are unique case-insensitively within an account, like other IAM names.
  public var storeKey: String { name.lowercased() }
}
