import Foundation

/// An IAM user.
public struct User: Codable, Sendable, Equatable {
  public var accountID: String
  /// The unique id (`AIDA...`), stable across renames.
  public var id: String
  public var name: String
  public var path: String
  public var createDate: Date
  public var tags: [Tag] = []
  /// The ARN of the managed policy used as permissions boundary.
  public var permissionsBoundary: String?
  /// Inline policies by name, documents as written.
  public var inlinePolicies: [String: String] = [:]
  /// ARNs of attached managed policies, in attachment order.
  public var attachedPolicies: [String] = []
  /// Names of the groups the user belongs to, in joining order.
  public var groups: [String] = []
  public var passwordLastUsed: Date?
  /// The console password (`CreateLoginProfile`); `nil` when the user cannot sign in. Optional,
  /// so rows written before login profiles existed still decode.
  public var loginProfile: LoginProfile?

  public init(accountID: String, id: String, name: String, path: String, createDate: Date) {
    self.accountID = accountID
    self.id = id
    self.name = name
    self.path = path
    self.createDate = createDate
  }

  /// `arn:aws:iam::ACCOUNT:user/PATH/NAME`.
  public var arn: String { "arn:aws:iam::\(accountID):user\(path)\(name)" }
}
