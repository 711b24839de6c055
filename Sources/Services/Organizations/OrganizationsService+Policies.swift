import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension OrganizationsService {
  static func registerPolicies(_ h: inout [String: Handler]) {
    h["CreatePolicy"] = { s, i, c in try s.createPolicy(i, c) }
    h["DescribePolicy"] = { s, i, c in try s.describePolicy(i, c) }
    h["UpdatePolicy"] = { s, i, c in try s.updatePolicy(i, c) }
    h["DeletePolicy"] = { s, i, c in try s.deletePolicy(i, c) }
    h["ListPolicies"] = { s, i, c in try s.listPolicies(i, c) }
    h["AttachPolicy"] = { s, i, c in try s.attachPolicy(i, c, attach: true) }
    h["DetachPolicy"] = { s, i, c in try s.attachPolicy(i, c, attach: false) }
    h["ListPoliciesForTarget"] = { s, i, c in try s.listPoliciesForTarget(i, c) }
    h["ListTargetsForPolicy"] = { s, i, c in try s.listTargetsForPolicy(i, c) }
  }

  /// AWS's quota of policies of one type attached to one root, OU or account.
  static let maximumAttachmentsPerTarget = 5

  /// Checks a document against the grammar of its type (`serviceControl` or
  /// `resourceControl`), with the engine's AWS-worded message.
  func validateContent(_ content: String, type: String) throws(AWSError) {
    guard let managed = Self.policyTypes[type] else { throw Self.typeNotAvailable() }
    let result = PolicyParser.parse(content, kind: managed.kind)
    guard let error = result.firstError else { return }
    if error.code == "policySize" {
      throw .constraintViolation(
        "POLICY_CONTENT_LIMIT_EXCEEDED", "You attempted to create a policy that is larger than the maximum size.")
    }
    throw .malformedOrganizationsPolicy(error.message)
  }

  static func typeNotAvailable() -> AWSError {
    .organizations(
      "PolicyTypeNotAvailableForOrganizationException",
      "You can't use the specified policy type with the feature set currently enabled for this organization.")
  }

  static func duplicatePolicy() -> AWSError {
    .organizations("DuplicatePolicyException", "A policy with the same name already exists.")
  }

  /// The policy `id` names, by id or (for AWS managed ones) its full ARN.
  func policy(_ id: String, in org: OrganizationDirectory) throws(AWSError) -> OrganizationPolicy {
    guard let policy = org.policies[id] else { throw .policyNotFound() }
    return policy
  }

  /// The ARN a policy id is authorized as, before it is known to exist.
  func policyARN(_ id: String, _ org: OrganizationDirectory, _ organization: Organization) -> String {
    if let policy = org.policies[id] { return organization.policyARN(policy) }
    return "arn:aws:organizations::\(organization.managementAccountID):policy/\(organization.id)/*/\(id)"
  }

  /// `CreatePolicy`: an SCP or RCP, validated with the engine's grammar for its kind.
  func createPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let type = input.string("Type") ?? ""
    let tags = input.tags() ?? []
    var context = tagContext(tags)
    context["organizations:PolicyType"] = .single(type)
    let (_, current) = try self.organization(caller, "CreatePolicy", context: context, snapshot: directory.snapshot)
    let content = input.string("Content") ?? ""
    let name = input.string("Name") ?? ""
    try validateContent(content, type: type)
    try validateTags(tags)
    let (policy, organization) = try writeOrganization(current.managementAccountID) {
      tx, org, organization throws(AWSError) -> (OrganizationPolicy, Organization) in
      if org.policies.values.contains(where: { $0.type == type && $0.name == name }) { throw Self.duplicatePolicy() }
      var policy = OrganizationPolicy(
        managementAccountID: organization.managementAccountID, id: OrganizationIdentifiers.policyID(), name: name,
        description: input.string("Description") ?? "", type: type, content: content)
      policy.tags = tags
      try tx.record(.put(policy))
      return (policy, organization)
    }
    return .structure(["Policy": policyModel(policy, organization)])
  }

  /// `DescribePolicy`.
  func describePolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let id = input.string("PolicyId") ?? ""
    let snapshot = directory.snapshot
    let org = snapshot.organizations.organization(of: caller.accountID)
    let (found, organization) = try self.organization(
      caller, "DescribePolicy", resource: { o in org.map { self.policyARN(id, $0, o) } ?? "*" }, snapshot: snapshot)
    return .structure(["Policy": policyModel(try policy(id, in: found), organization)])
  }

  /// `UpdatePolicy`: name, description or content; AWS managed policies cannot change.
  func updatePolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let id = input.string("PolicyId") ?? ""
    let snapshot = directory.snapshot
    let org = snapshot.organizations.organization(of: caller.accountID)
    let (_, current) = try self.organization(
      caller, "UpdatePolicy", resource: { o in org.map { self.policyARN(id, $0, o) } ?? "*" }, snapshot: snapshot)
    let (policy, organization) = try writeOrganization(current.managementAccountID) {
      tx, org, organization throws(AWSError) -> (OrganizationPolicy, Organization) in
      var policy = try self.policy(id, in: org)
      if policy.isAWSManaged {
        throw .invalidInputException(
          "IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified.")
      }
      if let name = input.string("Name"), name != policy.name {
        if org.policies.values.contains(where: { $0.type == policy.type && $0.name == name }) {
          throw Self.duplicatePolicy()
        }
        policy.name = name
      }
      if let description = input.string("Description") { policy.description = description }
      if let content = input.string("Content") {
        try validateContent(content, type: policy.type)
        policy.content = content
      }
      try tx.record(.put(policy))
      return (policy, organization)
    }
    return .structure(["Policy": policyModel(policy, organization)])
  }

  /// `DeletePolicy`: only a detached customer policy.
  func deletePolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let id = input.string("PolicyId") ?? ""
    let snapshot = directory.snapshot
    let org = snapshot.organizations.organization(of: caller.accountID)
    let (_, current) = try self.organization(
      caller, "DeletePolicy", resource: { o in org.map { self.policyARN(id, $0, o) } ?? "*" }, snapshot: snapshot)
    try writeOrganization(current.managementAccountID) { tx, org, organization throws(AWSError) in
      let policy = try self.policy(id, in: org)
      if policy.isAWSManaged {
        throw .invalidInputException(
          "IMMUTABLE_POLICY", "You specified a policy that is managed by AWS and can't be modified.")
      }
      guard policy.targets.isEmpty else {
        throw .organizations(
          "PolicyInUseException",
          "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
      }
      try tx.record(.delete(.organizationPolicy, accountID: organization.managementAccountID, key: id))
    }
    return nil
  }

  /// `ListPolicies` of one type (`Filter`).
  func listPolicies(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let type = input.string("Filter") ?? ""
    let (org, organization) = try self.organization(
      caller, "ListPolicies", context: ["organizations:PolicyType": .single(type)], snapshot: directory.snapshot)
    let policies = org.policies.values.filter { $0.type == type }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    let (items, next) = try page(policies, input: input)
    return listOutput("Policies", items.map { policySummary($0, organization) }, nextToken: next)
  }

  /// `AttachPolicy` / `DetachPolicy`. The policy's type must be enabled to attach; a target
  /// keeps at least one SCP while SCPs are enabled (detaching the last one is
  /// `ConstraintViolationException`), so a target can never be left allowing nothing by
  /// accident; `RCPFullAWSAccess` cannot be detached at all.
  func attachPolicy(_ input: ModelValue, _ caller: Caller, attach: Bool) throws(AWSError) -> ModelValue? {
    let id = input.string("PolicyId") ?? ""
    let targetID = input.string("TargetId") ?? ""
    let action = attach ? "AttachPolicy" : "DetachPolicy"
    let snapshot = directory.snapshot
    let org = snapshot.organizations.organization(of: caller.accountID)
    let type = org?.policies[id]?.type
    let context: [String: ContextValue] = type.map { ["organizations:PolicyType": .single($0)] } ?? [:]
    // Both resources of the action are authorized: the policy and the target.
    let (_, current) = try self.organization(
      caller, action, resource: { o in org.map { self.policyARN(id, $0, o) } ?? "*" }, context: context,
      snapshot: snapshot)
    if let org, let targetARN = arn(of: targetID, in: org, current) {
      try authorize(caller, action, targetARN, context: context, snapshot: snapshot)
    }
    try writeOrganization(current.managementAccountID) { tx, org, organization throws(AWSError) in
      var policy = try self.policy(id, in: org)
      guard node(targetID, in: org, organization) != nil else { throw .targetNotFound() }
      if attach {
        guard organization.isEnabled(policy.type) else { throw .policyTypeNotEnabled() }
        guard !policy.targets.contains(targetID) else {
          throw .organizations(
            "DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
        }
        if org.policies(attachedTo: targetID, type: policy.type).count >= Self.maximumAttachmentsPerTarget {
          throw .constraintViolation(
            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.")
        }
        policy.targets.append(targetID)
      } else {
        guard policy.targets.contains(targetID) else {
          throw .organizations(
            "PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
        }
        if policy.type == "RESOURCE_CONTROL_POLICY" && policy.isAWSManaged {
          throw .invalidInputException("NON_DETACHABLE_POLICY", "You can't detach this Amazon Web Services Managed Policy.")
        }
        if organization.isEnabled(policy.type) && org.policies(attachedTo: targetID, type: policy.type).count <= 1 {
          throw .constraintViolation(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.")
        }
        policy.targets.removeAll { $0 == targetID }
      }
      try tx.record(.put(policy))
    }
    return nil
  }

  /// `ListPoliciesForTarget`: the policies of one type attached directly to a root, OU or
  /// account.
  func listPoliciesForTarget(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let targetID = input.string("TargetId") ?? ""
    let type = input.string("Filter") ?? ""
    let snapshot = directory.snapshot
    let org = snapshot.organizations.organization(of: caller.accountID)
    let (found, organization) = try self.organization(
      caller, "ListPoliciesForTarget",
      resource: { o in org.flatMap { self.arn(of: targetID, in: $0, o) } ?? "*" },
      context: ["organizations:PolicyType": .single(type)], snapshot: snapshot)
    guard node(targetID, in: found, organization) != nil else { throw .targetNotFound() }
    let policies = found.policies(attachedTo: targetID, type: type).sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    let (items, next) = try page(policies, input: input)
    return listOutput("Policies", items.map { policySummary($0, organization) }, nextToken: next)
  }

  /// `ListTargetsForPolicy`.
  func listTargetsForPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let id = input.string("PolicyId") ?? ""
    let snapshot = directory.snapshot
    let org = snapshot.organizations.organization(of: caller.accountID)
    let (found, organization) = try self.organization(
      caller, "ListTargetsForPolicy", resource: { o in org.map { self.policyARN(id, $0, o) } ?? "*" },
      snapshot: snapshot)
    let policy = try self.policy(id, in: found)
    var targets: [ModelValue] = []
    for targetID in policy.targets {
      let (name, type): (String, String)
      switch node(targetID, in: found, organization) {
      case .root: (name, type) = (organization.rootName, "ROOT")
      case .unit(let unit): (name, type) = (unit.name, "ORGANIZATIONAL_UNIT")
      case .account(let account): (name, type) = (account.name, "ACCOUNT")
      case nil: continue
      }
      targets.append(
        .structure([
          "TargetId": .string(targetID), "Arn": .string(arn(of: targetID, in: found, organization) ?? ""),
          "Name": .string(name), "Type": .string(type),
        ]))
    }
    let (items, next) = try page(targets, input: input)
    return listOutput("Targets", Array(items), nextToken: next)
  }
}
