import Foundation

/// An instance profile: a container for (at most) one role.
public struct InstanceProfile: Codable, Sendable, Equatable {
  public var accountID: String
  /// `AIPA...`.
  public var id: String
  public var name: String
  public var path: String
  public var createDate: Date
  /// Names of the roles in the profile.
  public var roles: [String] = []
  public var tags: [Tag] = []

  public init(accountID: String, id: String, name: String, path: String, createDate: Date) {
    self.accountID = accountID
    self.id = id
    self.name = name
    self.path = path
    self.createDate = createDate
  }

  /// `arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME`.
  public var arn: String { "arn:aws:iam::\(accountID):instance-profile\(path)\(name)" }
}
