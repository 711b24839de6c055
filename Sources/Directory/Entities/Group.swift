import Foundation

/// An IAM group. Membership is recorded on the users.
public struct Group: Codable, Sendable, Equatable {
  public var accountID: String
  /// The unique id (`AGPA...`).
  public var id: String
  public var name: String
  public var path: String
  public var createDate: Date
  public var inlinePolicies: [String: String] = [:]
  public var attachedPolicies: [String] = []

  public init(accountID: String, id: String, name: String, path: String, createDate: Date) {
    self.accountID = accountID
    self.id = id
    self.name = name
    self.path = path
    self.createDate = createDate
  }

  /// `arn:aws:iam::ACCOUNT:group/PATH/NAME`.
  public var arn: String { "arn:aws:iam::\(accountID):group\(path)\(name)" }
}
