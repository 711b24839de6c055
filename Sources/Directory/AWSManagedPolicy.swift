import Foundation

/// A policy AWS manages: present in every account under `arn:aws:iam::aws:policy/...`, with
/// AWS's document, and neither editable nor deletable by the account.
///
/// Only the default version is carried. The document is the raw JSON text; callers parse and
/// compile it with the policy engine when they need it, so loading the catalogue stays cheap.
public struct AWSManagedPolicy: Sendable, Hashable {
  /// The policy name, e.g. `AdministratorAccess`.
  public let name: String
  /// The path, e.g. `/` or `/service-role/`; it starts and ends with `/`.
  public let path: String
  /// `arn:aws:iam::aws:policy` followed by the path and the name.
  public let arn: String
  /// The unique id (`ANPA...`). AWS's real ids are not in the source data, so this one is
  /// derived from the ARN: stable across regenerations but not the id AWS reports.
  public let policyId: String
  /// The default version, e.g. `v12`.
  public let defaultVersionId: String
  /// When AWS created the policy.
  public let createDate: Date
  /// When AWS last changed the default version.
  public let updateDate: Date
  /// AWS's description, when the source data has one.
  public let description: String?
  /// The default version's policy document as compact JSON text.
  public let document: String

  /// Creates an entry; the catalogue builds these from its bundled resource.
  public init(
    name: String,
    path: String,
    arn: String,
    policyId: String,
    defaultVersionId: String,
    createDate: Date,
    updateDate: Date,
    description: String?,
    document: String
  ) {
    self.name = name
    self.path = path
    self.arn = arn
    self.policyId = policyId
    self.defaultVersionId = defaultVersionId
    self.createDate = createDate
    self.updateDate = updateDate
    self.description = description
    self.document = document
  }
}
