import Foundation

/// A service-specific credential of a user (`CreateServiceSpecificCredential`): a generated
/// user name and password for one service (CodeCommit's Git credentials, Keyspaces), or an API
/// key (Bedrock, CloudWatch Logs) that may expire.
///
/// The password or key secret is shown once, when created or reset, and never again; so only
/// a slow KDF hash of it is kept (`PasswordHash`), never the secret nor anything that opens to it.
public struct ServiceSpecificCredential: Codable, Sendable, Equatable {
  public var accountID: String
  /// `ACCA...`.
  public var id: String
  public var userName: String
  /// `codecommit.amazonaws.com`, ...
  public var serviceName: String
  /// The generated user name (`jane-at-123456789012`) of password credentials.
  public var serviceUserName: String?
  /// The public part of an API key (`jane+1-at-123456789012`).
  public var serviceCredentialAlias: String?
  /// The hash of the current password or API key secret.
  public var secretHash: PasswordHash
  public var isActive: Bool = true
  public var createDate: Date
  /// When an API key created with `CredentialAgeDays` stops working.
  public var expirationDate: Date?

  public init(
    accountID: String, id: String, userName: String, serviceName: String, secretHash: PasswordHash, createDate: Date
  ) {
    self.accountID = accountID
    self.id = id
    self.userName = userName
    self.serviceName = serviceName
    self.secretHash = secretHash
    self.createDate = createDate
  }

  /// `Active`, `Inactive`, or `Expired` once an API key's expiration date has passed.
  public func status(at now: Date) -> String {
    if let expirationDate, expirationDate <= now { return "Expired" }
    return isActive ? "Active" : "Inactive"
  }
}

extension ServiceSpecificCredential: DirectoryEntity {
  public static let kind = EntityKind.serviceSpecificCredential
  public var storeKey: String { id }
}
