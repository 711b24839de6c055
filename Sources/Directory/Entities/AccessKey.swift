import Foundation

/// A long-term access key of a user (or of the account root when `userName` is `nil`).
public struct AccessKey: Codable, Sendable, Equatable {
  public var accountID: String
  /// `AKIA...`.
  public var id: String
  /// The user's name; `nil` for the root user's key.
  public var userName: String?
  /// The secret, encrypted with the directory's master key (see `SecretBox`).
  public var sealedSecret: Data
  public var isActive: Bool
  public var createDate: Date
  public var lastUsedDate: Date?
  public var lastUsedService: String?
  public var lastUsedRegion: String?

  public init(accountID: String, id: String, userName: String?, sealedSecret: Data, createDate: Date) {
    self.accountID = accountID
    self.id = id
    self.userName = userName
    self.sealedSecret = sealedSecret
    isActive = true
    self.createDate = createDate
  }

  /// `Active` or `Inactive`, as the API says it.
  public var status: String { isActive ? "Active" : "Inactive" }
}
