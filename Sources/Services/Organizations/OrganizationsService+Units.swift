import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension OrganizationsService {
  static func registerUnits(_ h: inout [String: Handler]) {
    h["CreateOrganizationalUnit"] = { s, i, c in try s.createUnit(i, c) }
    h["DescribeOrganizationalUnit"] = { s, i, c in try s.describeUnit(i, c) }
    h["UpdateOrganizationalUnit"] = { s, i, c in try s.updateUnit(i, c) }
    h["DeleteOrganizationalUnit"] = { s, i, c in try s.deleteUnit(i, c) }
    h["ListOrganizationalUnitsForParent"] = { s, i, c in try s.listUnitsForParent(i, c) }
    h["ListParents"] = { s, i, c in try s.listParents(i, c) }
    h["ListChildren"] = { s, i, c in try s.listChildren(i, c) }
  }

  /// AWS's limit on the depth of the OU tree under the root.
  static let maximumUnitDepth = 5

  static func duplicateUnit() -> AWSError {
    .organizations("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
  }

  /// `CreateOrganizationalUnit` under the root or another OU, with the allow-everything
  /// policy of each enabled type attached, as AWS does.
  func createUnit(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let parentID = input.string("ParentId") ?? ""
    let name = input.string("Name") ?? ""
    let tags = input.tags() ?? []
    let snapshot = directory.snapshot
    let (_, current) = try self.organization(
      caller, "CreateOrganizationalUnit", resource: { o in self.parentARN(parentID, o) },
      context: tagContext(tags), snapshot: snapshot)
    try validateTags(tags)
    let (unit, organization) = try writeOrganization(current.managementAccountID) {
      tx, org, organization throws(AWSError) -> (OrganizationalUnit, Organization) in
      try requireParent(parentID, org, organization, error: .parentNotFound())
      if org.units.values.contains(where: { $0.parentID == parentID && $0.name == name }) { throw Self.duplicateUnit() }
      if org.ancestors(startingAt: parentID).count > Self.maximumUnitDepth {
        throw .constraintViolation(
          "OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep.")
      }
      var unit = OrganizationalUnit(
        managementAccountID: organization.managementAccountID,
        id: OrganizationIdentifiers.unitID(rootID: organization.rootID), name: name, parentID: parentID)
      unit.tags = tags
      try tx.record(.put(unit))
      try attachAllowAll(to: unit.id, org: org, organization: organization, tx: &tx)
      return (unit, organization)
    }
    return .structure(["OrganizationalUnit": unitModel(unit, organization)])
  }

  /// `DescribeOrganizationalUnit`.
  func describeUnit(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let unitID = input.string("OrganizationalUnitId") ?? ""
    let (org, organization) = try self.organization(
      caller, "DescribeOrganizationalUnit", resource: { $0.unitARN(unitID) }, snapshot: directory.snapshot)
    guard let unit = org.units[unitID] else { throw .unitNotFound() }
    return .structure(["OrganizationalUnit": unitModel(unit, organization)])
  }

  /// `UpdateOrganizationalUnit`: renames it.
  func updateUnit(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let unitID = input.string("OrganizationalUnitId") ?? ""
    let (_, current) = try self.organization(
      caller, "UpdateOrganizationalUnit", resource: { $0.unitARN(unitID) }, snapshot: directory.snapshot)
    let (unit, organization) = try writeOrganization(current.managementAccountID) {
      tx, org, organization throws(AWSError) -> (OrganizationalUnit, Organization) in
      guard var unit = org.units[unitID] else { throw .unitNotFound() }
      if let name = input.string("Name"), name != unit.name {
        if org.units.values.contains(where: { $0.parentID == unit.parentID && $0.name == name }) {
          throw Self.duplicateUnit()
        }
        unit.name = name
        try tx.record(.put(unit))
      }
      return (unit, organization)
    }
    return .structure(["OrganizationalUnit": unitModel(unit, organization)])
  }

  /// `DeleteOrganizationalUnit`: only an empty one (no accounts, no child OUs).
  func deleteUnit(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let unitID = input.string("OrganizationalUnitId") ?? ""
    let (_, current) = try self.organization(
      caller, "DeleteOrganizationalUnit", resource: { $0.unitARN(unitID) }, snapshot: directory.snapshot)
    try writeOrganization(current.managementAccountID) { tx, org, organization throws(AWSError) in
      guard org.units[unitID] != nil else { throw .unitNotFound() }
      if org.units.values.contains(where: { $0.parentID == unitID })
        || org.accounts.values.contains(where: { $0.parentID == unitID })
      {
        throw .organizations(
          "OrganizationalUnitNotEmptyException",
          "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
      }
      for policy in org.policies.values where policy.targets.contains(unitID) {
        var detached = policy
        detached.targets.removeAll { $0 == unitID }
        try tx.record(.put(detached))
      }
      try tx.record(.delete(.organizationalUnit, accountID: organization.managementAccountID, key: unitID))
    }
    return nil
  }

  /// The OUs directly under `parentID`, by name.
  func units(under parentID: String, _ org: OrganizationDirectory) -> [OrganizationalUnit] {
    org.units.values.filter { $0.parentID == parentID }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
  }

  /// `ListOrganizationalUnitsForParent`.
  func listUnitsForParent(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let parentID = input.string("ParentId") ?? ""
    let snapshot = directory.snapshot
    let (org, organization) = try self.organization(
      caller, "ListOrganizationalUnitsForParent", resource: { o in self.parentARN(parentID, o) },
      snapshot: snapshot)
    try requireParent(parentID, org, organization, error: .parentNotFound())
    let (items, next) = try page(units(under: parentID, org), input: input)
    return listOutput("OrganizationalUnits", items.map { unitModel($0, organization) }, nextToken: next)
  }

  /// `ListParents`: the one parent of an OU or account.
  func listParents(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let childID = input.string("ChildId") ?? ""
    let snapshot = directory.snapshot
    let (org, organization) = try self.organization(
      caller, "ListParents",
      resource: { o in childID.hasPrefix("ou-") ? o.unitARN(childID) : o.accountARN(childID) }, snapshot: snapshot)
    let parentID: String
    switch node(childID, in: org, organization) {
    case .unit(let unit): parentID = unit.parentID
    case .account(let account): parentID = account.parentID
    case .root, nil: throw .childNotFound()
    }
    let type = parentID == organization.rootID ? "ROOT" : "ORGANIZATIONAL_UNIT"
    let (items, next) = try page([parentID], input: input)
    return listOutput(
      "Parents", items.map { .structure(["Id": .string($0), "Type": .string(type)]) }, nextToken: next)
  }

  /// `ListChildren`: the OUs or the accounts directly under a root or OU.
  func listChildren(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let parentID = input.string("ParentId") ?? ""
    let type = input.string("ChildType") ?? ""
    let snapshot = directory.snapshot
    let (org, organization) = try self.organization(
      caller, "ListChildren", resource: { o in self.parentARN(parentID, o) }, snapshot: snapshot)
    try requireParent(parentID, org, organization, error: .parentNotFound())
    let ids =
      type == "ACCOUNT" ? sortedAccounts(org, parent: parentID).map(\.id) : units(under: parentID, org).map(\.id)
    let (items, next) = try page(ids, input: input)
    return listOutput(
      "Children", items.map { .structure(["Id": .string($0), "Type": .string(type)]) }, nextToken: next)
  }
}
