import Foundation

/// An SSH public key of a user (`UploadSSHPublicKey`), for CodeCommit-style SSH sign-in.
public struct SSHPublicKey: Codable, Sendable, Equatable {
  public var accountID: String
  /// `APKA...`.
  public var id: String
  public var userName: String
  /// The key in OpenSSH's one-line form (`ssh-rsa AAAA...`), whichever encoding was uploaded;
  /// `GetSSHPublicKey` converts it to PEM on request.
  public var body: String
  /// The MD5 fingerprint of the key's wire form, colon-separated hex.
  public var fingerprint: String
  public var isActive: Bool = true
  public var uploadDate: Date

  public init(accountID: String, id: String, userName: String, body: String, fingerprint: String, uploadDate: Date) {
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

extension SSHPublicKey: DirectoryEntity {
  public static let kind = EntityKind.sshPublicKey
  public var storeKey: String { id }
}
