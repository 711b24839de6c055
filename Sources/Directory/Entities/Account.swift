import Foundation

/// An AWS account on this server.
public struct Account: Codable, Sendable, Equatable {
  /// The 12-digit account id.
  public var id: String
  /// The account alias (at most one, as in AWS).
  public var alias: String?
  /// The account password policy; `nil` while AWS's default rules apply. Optional, so rows
  /// written before password policies existed still decode.
  public var passwordPolicy: PasswordPolicy?
  public var createDate: Date

  public init(id: String, alias: String? = nil, createDate: Date) {
    self.id = id
    self.alias = alias
    self.createDate = createDate
  }

  /// `arn:aws:iam::ACCOUNT:root`.
  public var rootARN: String { "arn:aws:iam::\(id):root" }
}
