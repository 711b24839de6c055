import Foundation

/// An X.509 signing certificate of a user (or of the account root when `userName` is `nil`),
/// uploaded with `UploadSigningCertificate`. Only the certificate is kept: it is public, and
/// IAM never sees the private key that goes with it.
public struct SigningCertificate: Codable, Sendable, Equatable {
  public var accountID: String
  /// The certificate id: 32 upper-case letters and digits, as IAM shows them.
  public var id: String
  /// The user's name; `nil` for a certificate of the root user.
  public var userName: String?
  /// The certificate as uploaded (PEM), returned as is by `ListSigningCertificates`.
  public var body: String
  /// SHA-256 of the certificate's DER, so the same certificate uploaded twice is recognised
  /// whatever its PEM line breaks.
  public var fingerprint: String
  public var isActive: Bool = true
  public var uploadDate: Date

  public init(accountID: String, id: String, userName: String?, body: String, fingerprint: String, uploadDate: Date) {
    self.accountID = accountID
    self.id = id
    self.userName = userName
    self.body = body
    self.fingerprint = fingerprint
    self.uploadDate = uploadDate
  }

  /// `Active` or `Inactive`, as the API says it.
  public var status: String { isActive ? "Active" : "Inactive" }
}

extension SigningCertificate: DirectoryEntity {
  public static let kind = EntityKind.signingCertificate
  public var storeKey: String { id }
}
