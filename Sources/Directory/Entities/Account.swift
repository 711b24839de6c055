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
  /// `SetSecurityTokenServicePreferences`' `GlobalEndpointTokenVersion` (`v1Token` or
  /// `v2Token`); `nil` while AWS's default, `v1Token`, applies.
  public var globalEndpointTokenVersion: String?
  /// The ids of the latest `DeleteServiceLinkedRole` tasks, newest last, for
  /// `GetServiceLinkedRoleDeletionStatus`; deletion happens at once, so every one has succeeded.
  /// INVARIANT: at most `Account.deletionTasksKept` ids.
  public var serviceLinkedRoleDeletionTasks: [String]?

  public init(id: String, alias: String? = nil, createDate: Date) {
    self.id = id
    self.alias = alias
    self.createDate = createDate
  }

  /// How many deletion task ids are remembered; older ones answer `NoSuchEntity`.
  public static let deletionTasksKept = 100

  /// `arn:aws:iam::ACCOUNT:root`.
  public var rootARN: String { "arn:aws:iam::\(id):root" }
}
