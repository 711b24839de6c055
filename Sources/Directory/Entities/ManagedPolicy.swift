import Foundation

/// A customer managed policy with its versions (at most five).
public struct ManagedPolicy: Codable, Sendable, Equatable {
  /// One version of a managed policy.
  public struct Version: Codable, Sendable, Equatable {
    /// `v1`, `v2`...
    public var id: String
    public var document: String
    public var createDate: Date

    public init(id: String, document: String, createDate: Date) {
      self.id = id
      self.document = document
      self.createDate = createDate
    }
  }

  public var accountID: String
  /// The unique id (`ANPA...`).
  public var id: String
  public var name: String
  public var path: String
  public var description: String?
  public var createDate: Date
  public var updateDate: Date
  public var defaultVersionID: String
  /// Versions, oldest first.
  public var versions: [Version]
  /// The number the next version takes (`v3` after `v1`, `v2`, even if `v1` was deleted).
  public var nextVersionNumber: Int
  public var tags: [Tag] = []

  public init(
    accountID: String, id: String, name: String, path: String, description: String?, document: String, createDate: Date
  ) {
    self.accountID = accountID
    self.id = id
    self.name = name
    self.path = path
    self.description = description
    self.createDate = createDate
    updateDate = createDate
    defaultVersionID = "v1"
    versions = [Version(id: "v1", document: document, createDate: createDate)]
    nextVersionNumber = 2
  }

  /// `arn:aws:iam::ACCOUNT:policy/PATH/NAME`.
  public var arn: String { "arn:aws:iam::\(accountID):policy\(path)\(name)" }

  /// The document of the default version.
  public var defaultDocument: String {
    versions.first { $0.id == defaultVersionID }?.document ?? ""
  }
}
