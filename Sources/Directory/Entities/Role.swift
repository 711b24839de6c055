import Foundation

/// An IAM role.
public struct Role: Codable, Sendable, Equatable {
  public var accountID: String
  /// The unique id (`AROA...`).
  public var id: String
  public var name: String
  public var path: String
  public var createDate: Date
  /// The trust policy, as written.
  public var assumeRolePolicyDocument: String
  public var description: String?
  /// Seconds, 3600 to 43200.
  public var maxSessionDuration: Int = 3600
  public var tags: [Tag] = []
  public var permissionsBoundary: String?
  public var inlinePolicies: [String: String] = [:]
  public var attachedPolicies: [String] = []
  /// When a session of the role last signed a request, and in which Region (`RoleLastUsed`);
  /// `nil` until then (and in rows written before this was recorded).
  public var lastUsedDate: Date?
  public var lastUsedRegion: String?
  /// The service principal (`autoscaling.amazonaws.com`) of a service-linked role, which only
  /// `DeleteServiceLinkedRole` may delete and no ordinary call may change; `nil` for every
  /// other role (and in rows written before service-linked roles existed).
  public var linkedService: String?

  public init(
    accountID: String, id: String, name: String, path: String, createDate: Date, assumeRolePolicyDocument: String
  ) {
    self.accountID = accountID
    self.id = id
    self.name = name
    self.path = path
    self.createDate = createDate
    self.assumeRolePolicyDocument = assumeRolePolicyDocument
  }

  /// `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
  public var arn: String { "arn:aws:iam::\(accountID):role\(path)\(name)" }
}
