import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension OrganizationsService {
  static func registerTags(_ h: inout [String: Handler]) {
    h["TagResource"] = { s, i, c in try s.tagResource(i, c, tagging: true) }
    h["UntagResource"] = { s, i, c in try s.tagResource(i, c, tagging: false) }
    h["ListTagsForResource"] = { s, i, c in try s.listTags(i, c) }
  }

  /// The ARN of any taggable resource (root, OU, account, policy) for authorization.
  func taggableARN(_ id: String, _ snapshot: DirectorySnapshot, _ caller: Caller, _ organization: Organization) -> String {
    guard let org = snapshot.organizations.organization(of: caller.accountID) else { return "*" }
    if let policy = org.policies[id] { return organization.policyARN(policy) }
    return arn(of: id, in: org, organization) ?? "*"
  }

  /// The tags of the resource `id` names.
  func tags(of id: String, _ org: OrganizationDirectory, _ organization: Organization) throws(AWSError) -> [Tag] {
    if let policy = org.policies[id] { return policy.tags }
    switch node(id, in: org, organization) {
    case .root: return organization.rootTags
    case .unit(let unit): return unit.tags
    case .account(let account): return account.tags
    case nil: throw .targetNotFound()
    }
  }

  /// `TagResource` / `UntagResource` on a root, OU, account or policy.
  func tagResource(_ input: ModelValue, _ caller: Caller, tagging: Bool) throws(AWSError) -> ModelValue? {
    let id = input.string("ResourceId") ?? ""
    let tags = input.tags() ?? []
    let keys = input.strings("TagKeys") ?? []
    let snapshot = directory.snapshot
    var context = tagContext(tags)
    if !tagging { context["aws:TagKeys"] = .multiple(keys) }
    let (_, current) = try self.organization(
      caller, tagging ? "TagResource" : "UntagResource", resource: { o in self.taggableARN(id, snapshot, caller, o) },
      context: context, snapshot: snapshot)
    try writeOrganization(current.managementAccountID) { tx, org, organization throws(AWSError) in
      var updated = try self.tags(of: id, org, organization)
      if tagging {
        try validateTags(tags, existing: updated)
        updated.merge(tags)
      } else {
        updated.removeAll { keys.contains($0.key) }
      }
      if var policy = org.policies[id] {
        policy.tags = updated
        try tx.record(.put(policy))
        return
      }
      switch node(id, in: org, organization) {
      case .root:
        var changed = organization
        changed.rootTags = updated
        try tx.record(.put(changed))
      case .unit(var unit):
        unit.tags = updated
        try tx.record(.put(unit))
      case .account(var account):
        account.tags = updated
        try tx.record(.put(account))
      case nil: throw .targetNotFound()
      }
    }
    return nil
  }

  /// `ListTagsForResource`.
  func listTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let id = input.string("ResourceId") ?? ""
    let snapshot = directory.snapshot
    let (org, organization) = try self.organization(
      caller, "ListTagsForResource", resource: { o in self.taggableARN(id, snapshot, caller, o) }, snapshot: snapshot)
    let (items, next) = try page(try tags(of: id, org, organization), input: input)
    return listOutput(
      "Tags", items.map { .structure(["Key": .string($0.key), "Value": .string($0.value)]) }, nextToken: next)
  }
}
