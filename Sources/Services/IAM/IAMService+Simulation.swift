import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// The policy simulator: `SimulatePrincipalPolicy` (a user's, group's or role's own policies,
/// plus any passed in) and `SimulateCustomPolicy` (only policies passed in), decided by the
/// same engine, slots and organization guardrails that authorize real calls.
extension IAMService {
  static func registerSimulation(_ h: inout [String: Handler]) {
    h["SimulatePrincipalPolicy"] = { s, i, c in try s.simulatePrincipalPolicy(i, c) }
    h["SimulateCustomPolicy"] = { s, i, c in try s.simulateCustomPolicy(i, c) }
    h["GetContextKeysForPrincipalPolicy"] = { s, i, c in try s.getContextKeysForPrincipalPolicy(i, c) }
    h["GetContextKeysForCustomPolicy"] = { s, i, c in try s.getContextKeysForCustomPolicy(i, c) }
  }

  /// The EC2 scenarios `ResourceHandlingOption` may name; they choose which resources an EC2
  /// simulation expects, and do not change how policies are evaluated.
  static let resourceHandlingOptions: Set<String> = [
    "EC2-VPC-InstanceStore", "EC2-VPC-InstanceStore-Subnet", "EC2-VPC-EBS", "EC2-VPC-EBS-Subnet",
    "EC2-Classic-InstanceStore", "EC2-Classic-EBS",
  ]

  func simulatePrincipalPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let sourceARN = input.string("PolicySourceArn") ?? ""
    try authorize(caller, "SimulatePrincipalPolicy", sourceARN, snapshot: snapshot)
    let source = try simulationSource(sourceARN, caller, snapshot)
    var simulation = try simulation(input, caller, snapshot, source: source)
    simulation.organization = organizationGuardrails(for: simulation.principal, caller, snapshot)
    return try run(simulation, input)
  }

  func simulateCustomPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "SimulateCustomPolicy", "*", snapshot: snapshot)
    return try run(simulation(input, caller, snapshot, source: nil), input)
  }

  // MARK: the principal's own policies

  /// A user, group or role whose policies a simulation uses.
  struct SimulationSource {
    var arn: String
    var isUser: Bool
    var policies: [SimulatedPolicy]
    var boundary: SimulatedPolicy?
    /// Condition keys that follow from the principal (its id and tags).
    var context: [String: ContextValue]
  }

  /// The entity `arn` names in the caller's account, with its policies (a user's include its
  /// groups'), or AWS's `NoSuchEntity`.
  func simulationSource(
    _ arn: String, _ caller: Caller, _ snapshot: DirectorySnapshot
  ) throws(AWSError) -> SimulationSource {
    guard let parsed = ARN(arn), parsed.service == "iam" else { throw .invalidInput("Invalid ARN: \(arn)") }
    let account = try accountDirectory(caller, snapshot)
    let resource = String(parsed.resource)
    let name = String(resource.split(separator: "/").last ?? "")
    let sameAccount = parsed.account == caller.accountID
    var policies: [SimulatedPolicy] = []
    func tagContext(_ tags: [Tag]) -> [String: ContextValue] {
      var c: [String: ContextValue] = [:]
      for tag in tags { c["aws:PrincipalTag/\(tag.key)"] = .single(tag.value) }
      return c
    }
    if resource.hasPrefix("user/") {
      guard sameAccount, let user = account.users[name.lowercased()], user.arn == arn else {
        throw .noSuchEntity("The user with name \(name) cannot be found.")
      }
      policies += inlineSimulated(user.inlinePolicies, kind: .userInline, type: "user")
      policies += user.attachedPolicies.compactMap { managedSimulated($0, snapshot) }
      for groupName in user.groups {
        guard let group = account.groups[groupName.lowercased()] else { continue }
        policies += inlineSimulated(group.inlinePolicies, kind: .groupInline, type: "group")
        policies += group.attachedPolicies.compactMap { managedSimulated($0, snapshot) }
      }
      var context = tagContext(user.tags)
      context["aws:userid"] = .single(user.id)
      return SimulationSource(
        arn: arn, isUser: true, policies: policies,
        boundary: user.permissionsBoundary.flatMap { managedSimulated($0, snapshot) }, context: context)
    }
    if resource.hasPrefix("group/") {
      guard sameAccount, let group = account.groups[name.lowercased()], group.arn == arn else {
        throw .noSuchEntity("The group with name \(name) cannot be found.")
      }
      policies += inlineSimulated(group.inlinePolicies, kind: .groupInline, type: "group")
      policies += group.attachedPolicies.compactMap { managedSimulated($0, snapshot) }
      return SimulationSource(arn: arn, isUser: false, policies: policies, boundary: nil, context: [:])
    }
    if resource.hasPrefix("role/") {
      guard sameAccount, let role = account.roles[name.lowercased()], role.arn == arn else {
        throw .noSuchEntity("The role with name \(name) cannot be found.")
      }
      policies += inlineSimulated(role.inlinePolicies, kind: .roleInline, type: "role")
      policies += role.attachedPolicies.compactMap { managedSimulated($0, snapshot) }
      return SimulationSource(
        arn: arn, isUser: false, policies: policies,
        boundary: role.permissionsBoundary.flatMap { managedSimulated($0, snapshot) }, context: tagContext(role.tags))
    }
    throw .invalidInput("Invalid ARN: \(arn). PolicySourceArn must be the ARN of a user, group or role.")
  }

  /// An entity's inline policies, in name order as the authorizer takes them.
  private func inlineSimulated(_ documents: [String: String], kind: PolicyKind, type: String) -> [SimulatedPolicy] {
    documents.sorted { $0.key < $1.key }.compactMap { name, document in
      authorizer.policy(document, kind: kind, name: name).map {
        SimulatedPolicy(policy: $0, document: document, sourceID: name, sourceType: type)
      }
    }
  }

  /// The default version of a managed policy (one that no longer resolves grants nothing, as
  /// in the authorizer).
  private func managedSimulated(_ arn: String, _ snapshot: DirectorySnapshot) -> SimulatedPolicy? {
    let name: String
    let document: String
    let type: String
    if arn.hasPrefix("arn:aws:iam::aws:policy") {
      guard let managed = AWSManagedPolicies.shared.policy(arn: arn) else { return nil }
      (name, document, type) = (managed.name, managed.document, "aws-managed")
    } else {
      guard let parsed = ARN(arn), let account = snapshot.accounts[String(parsed.account)],
        let managed = account.policies[String(parsed.resource.split(separator: "/").last ?? "").lowercased()],
        managed.arn == arn
      else { return nil }
      (name, document, type) = (managed.name, managed.defaultDocument, "user-managed")
    }
    return authorizer.policy(document, kind: .managed, name: name).map {
      SimulatedPolicy(policy: $0, document: document, sourceID: name, sourceType: type)
    }
  }

  // MARK: the simulation's input

  /// The simulation `input` describes, over `source`'s policies when there is a source.
  func simulation(
    _ input: ModelValue, _ caller: Caller, _ snapshot: DirectorySnapshot, source: SimulationSource?
  ) throws(AWSError) -> PolicySimulation {
    var identity = source?.policies ?? []
    for (index, document) in (input.strings("PolicyInputList") ?? []).enumerated() {
      identity.append(try inputPolicy(document, kind: .managed, id: "PolicyInputList.\(index + 1)", type: "IAM Policy"))
    }
    var boundary = source?.boundary
    let boundaries = input.strings("PermissionsBoundaryPolicyInputList") ?? []
    if boundaries.count > 1 { throw .invalidInput("Only one permissions boundary policy can be simulated.") }
    if let document = boundaries.first {
      // A boundary passed in replaces the entity's own.
      boundary = try inputPolicy(
        document, kind: .permissionsBoundary, id: "PermissionsBoundaryPolicyInputList.1", type: "IAM Policy")
    }
    let resourcePolicy = try input.string("ResourcePolicy").map { document throws(AWSError) in
      try inputPolicy(document, kind: .resource, id: "ResourcePolicy", type: "Resource Policy")
    }
    if let option = input.string("ResourceHandlingOption"), !Self.resourceHandlingOptions.contains(option) {
      throw .invalidInput("Invalid ResourceHandlingOption: \(option).")
    }

    // The simulated caller: `CallerArn` (an IAM user), else the source itself.
    var principal: RequestPrincipal
    var derivesPrincipalKeys = true
    if let callerARN = input.string("CallerArn") {
      let parsed = RequestPrincipal(callerARN)
      guard case .user = parsed.kind else {
        throw .invalidInput("Invalid CallerArn: \(callerARN). CallerArn must be the ARN of an IAM user.")
      }
      principal = parsed
    } else if let source {
      principal = RequestPrincipal(source.arn)
    } else {
      // No caller named: a principal of the caller's account that has no name, so no
      // principal key (`aws:username`...) is made up for it.
      principal = RequestPrincipal("arn:aws:iam::\(caller.accountID):policy-simulator")
      derivesPrincipalKeys = false
    }
    if resourcePolicy != nil, input.string("CallerArn") == nil, source?.isUser != true {
      throw .invalidInput("CallerArn must be specified when a ResourcePolicy is included in the simulation.")
    }

    var context: [String: ContextValue] = [:]
    if input.string("CallerArn") == nil || input.string("CallerArn") == source?.arn {
      context = source?.context ?? [:]
    }
    var supplied = Set<String>()
    for entry in input.list("ContextEntries") ?? [] {
      guard let key = entry.string("ContextKeyName") else { throw .invalidInput("ContextKeyName is required.") }
      let values = entry.strings("ContextKeyValues") ?? []
      let type = entry.string("ContextKeyType") ?? "string"
      context[key] = type.hasSuffix("List") || values.count != 1 ? .multiple(values) : .single(values[0])
      supplied.insert(key.lowercased())
    }
    var resourceOwner: String? = nil
    if let owner = input.string("ResourceOwner") {
      if let arn = ARN(owner), !arn.account.isEmpty {
        resourceOwner = String(arn.account)
      } else if owner.count == 12, owner.allSatisfy(\.isNumber) {
        resourceOwner = owner
      } else {
        throw .invalidInput("Invalid ResourceOwner: \(owner). ResourceOwner must be an account ARN.")
      }
    }
    var simulation = PolicySimulation(
      identity: identity, boundary: boundary, resourcePolicy: resourcePolicy, principal: principal,
      context: context, suppliedKeys: supplied, resourceOwner: resourceOwner)
    simulation.derivesPrincipalKeys = derivesPrincipalKeys
    return simulation
  }

  /// A policy passed in the request, compiled; a document IAM would not accept is `InvalidInput`
  /// with the reason IAM gives when saving it.
  private func inputPolicy(
    _ document: String, kind: PolicyKind, id: String, type: String
  ) throws(AWSError) -> SimulatedPolicy {
    do {
      let policy = try Policy(json: document, kind: kind, name: id, enforcingSizeLimit: false)
      return SimulatedPolicy(policy: policy, document: document, sourceID: id, sourceType: type)
    } catch {
      throw .invalidInput("\(id): \(error.message)")
    }
  }

  /// The SCPs and RCPs that would apply to `principal`'s calls, as the authorizer finds them.
  private func organizationGuardrails(
    for principal: RequestPrincipal, _ caller: Caller, _ snapshot: DirectorySnapshot
  ) -> (String, String?) -> OrganizationGuardrails {
    var simulated = caller
    simulated.principal = principal
    simulated.accountID = principal.account.isEmpty ? caller.accountID : principal.account
    simulated.session = nil
    let authorizer = self.authorizer
    return { action, resourceAccount in
      authorizer.organizationGuardrails(simulated, action: action, resourceAccount: resourceAccount, snapshot: snapshot)
    }
  }

  // MARK: running it

  /// Evaluates every action on every resource (`*` unless `ResourceArns` names some), one
  /// `EvaluationResult` each, paged by `MaxItems` and `Marker`.
  private func run(_ simulation: PolicySimulation, _ input: ModelValue) throws(AWSError) -> ModelValue {
    let actions = input.strings("ActionNames") ?? []
    for action in actions {
      let parts = action.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw .invalidInput("Invalid action name: \(action). Action names must be of the form service:action.")
      }
    }
    var resources = input.strings("ResourceArns") ?? []
    if resources.isEmpty { resources = ["*"] }
    for resource in resources where resource != "*" && ARN(resource) == nil {
      throw .invalidInput("Invalid resource ARN: \(resource).")
    }
    var pairs: [(action: String, resource: String)] = []
    for action in actions {
      for resource in resources { pairs.append((action, resource)) }
    }
    let indexed = Array(pairs.enumerated())
    let (slice, marker) = page(indexed, input: input) { Self.markerKey($0.offset) }
    let results = slice.map { simulation.evaluate(action: $0.element.action, resource: $0.element.resource) }
    return .object([
      "EvaluationResults": .list(results), "IsTruncated": .bool(marker != nil), "Marker": .str(marker),
    ])
  }

  /// Result positions as fixed-width text, so they sort as the results do.
  private static func markerKey(_ index: Int) -> String {
    let digits = String(index)
    return String(repeating: "0", count: max(0, 10 - digits.count)) + digits
  }
}
