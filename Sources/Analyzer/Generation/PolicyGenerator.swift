import Foundation
import PolicyEngine

/// A least-privilege policy written from observed activity, with what it leaves out.
public struct GeneratedPolicy: Sendable {
  /// One statement: actions that were used on the same resources.
  public struct Grant: Sendable, Equatable {
    public var actions: [String]
    public var resources: [String]
  }

  public var principal: String
  public var since: Date
  public var until: Date
  /// Successful calls of the principal in the window that the policy covers.
  public var callsObserved: Int
  public var grants: [Grant]
  /// Event names that map to no IAM action in the service reference (left out of the policy).
  public var unmappedEvents: [String]
  /// Actions allowed now but not used in the window (only when the current grant is known).
  public var wouldBeRemoved: [String]?
  /// The number of actions the principal is allowed now (only when known).
  public var currentActionCount: Int?
  /// The linter's findings on the generated document (empty when it is clean).
  public var lint: [LintFinding] = []

  /// Every action the policy allows, sorted.
  public var actions: [String] { Array(Set(grants.flatMap(\.actions))).sorted() }

  /// The policy document, pretty-printed with sorted keys.
  public var document: String {
    let statements: [JSONOut] = grants.enumerated().map { i, g in
      .object([
        ("Sid", .string("Observed\(i + 1)")), ("Effect", .string("Allow")),
        ("Action", g.actions.count == 1 ? .string(g.actions[0]) : .strings(g.actions)),
        ("Resource", g.resources.count == 1 ? .string(g.resources[0]) : .strings(g.resources)),
      ])
    }
    return JSONOut.object([("Version", .string("2012-10-17")), ("Statement", .array(statements))]).pretty()
  }
}

/// Writes the policy that covers exactly a principal's successful calls in a time window.
///
/// Event names become IAM actions through the service reference (eventSource
/// `iam.amazonaws.com` → prefix `iam`; the few calls whose permission has another name are in
/// `renamedActions`). Resources are filled in from the request parameters only where the action's
/// documented ARN format can be completed from them; otherwise the statement uses `*`.
public struct PolicyGenerator: Sendable {
  public var reference: ServiceReference

  public init(reference: ServiceReference = .bundled) {
    self.reference = reference
  }

  /// Calls whose IAM permission is named differently from the API operation.
  static let renamedActions: [String: String] = [
    "s3:ListBuckets": "s3:ListAllMyBuckets", "s3:HeadBucket": "s3:ListBucket", "s3:HeadObject": "s3:GetObject",
    "s3:ListObjects": "s3:ListBucket", "s3:ListObjectsV2": "s3:ListBucket", "s3:ListObjectVersions": "s3:ListBucketVersions",
    "lambda:Invoke": "lambda:InvokeFunction", "sts:AssumeRoleWithSAML": "", "sts:AssumeRoleWithWebIdentity": "",
    // AWS documents that no permission is needed for these.
    "sts:GetCallerIdentity": "",
  ]

  /// Request parameters that name a variable of an ARN format, besides the variable's own
  /// name in lower camel case (`${RoleNameWithPath}` → `roleName`).
  static let parameterAliases: [String: [String]] = [
    "objectname": ["key"], "policynamewithpath": ["policyName"], "instanceprofilenamewithpath": ["instanceProfileName"],
    "functionname": ["functionName"], "secretid": ["secretId"], "keyid": ["keyId"],
  ]

  /// The generated policy for `principal` from `calls` between `since` and `until`.
  public func generate(principal: String, calls: [TrailCall], since: Date, until: Date) -> GeneratedPolicy {
    var resourcesByAction: [String: Set<String>] = [:]
    var unmapped: Set<String> = []
    var observed = 0
    for call in calls where call.principalARN == principal && call.succeeded && call.time >= since && call.time <= until {
      observed += 1
      guard let name = action(for: call) else {
        if Self.renamedActions["\(Self.prefix(call.eventSource)):\(call.eventName)"] != "" {
          unmapped.insert("\(call.eventSource) \(call.eventName)")
        }
        continue
      }
      let resources = self.resources(for: name, call: call)
      resourcesByAction[name.qualifiedName, default: []].formUnion(resources)
    }
    // A `*` grant covers any narrower one of the same action.
    for (a, r) in resourcesByAction where r.contains("*") { resourcesByAction[a] = ["*"] }
    // Group actions that were used on the same resources into one statement.
    var byResources: [[String]: [String]] = [:]
    for (a, r) in resourcesByAction { byResources[r.sorted(), default: []].append(a) }
    let grants = byResources.map { GeneratedPolicy.Grant(actions: $0.value.sorted(), resources: $0.key) }
      .sorted { ($0.resources == ["*"] ? 1 : 0, $0.actions[0]) < ($1.resources == ["*"] ? 1 : 0, $1.actions[0]) }
    var result = GeneratedPolicy(
      principal: principal, since: since, until: until, callsObserved: observed, grants: grants,
      unmappedEvents: unmapped.sorted(), wouldBeRemoved: nil, currentActionCount: nil)
    if !grants.isEmpty { result.lint = PolicyLinter(reference: reference).lint(result.document, kind: .managed) }
    return result
  }

  /// Adds the comparison with what the principal is allowed now.
  public func compare(_ policy: inout GeneratedPolicy, with current: GrantedPermissions) {
    let used = Set(policy.actions.map { $0.lowercased() })
    policy.wouldBeRemoved = current.actions.filter { !used.contains($0.lowercased()) }
    policy.currentActionCount = current.actions.count
  }

  static func prefix(_ eventSource: String) -> String {
    String(eventSource.split(separator: ".").first ?? Substring(eventSource))
  }

  /// The IAM action a call needed, if the reference knows it.
  func action(for call: TrailCall) -> ServiceReference.Action? {
    let name = "\(Self.prefix(call.eventSource)):\(call.eventName)"
    if let renamed = Self.renamedActions[name] { return renamed.isEmpty ? nil : reference.action(renamed) }
    if let a = reference.action(name) { return a }
    // Versioned API names in the trail (`Invoke20150331`, `GetFunction20150331v2`).
    if let digit = call.eventName.firstIndex(where: \.isNumber) {
      return reference.action("\(Self.prefix(call.eventSource)):\(call.eventName[..<digit])")
    }
    return nil
  }

  /// The resources of `call`: each resource type's ARN format of the action, completed from the
  /// request; `*` when no format can be completed (nothing is guessed).
  func resources(for action: ServiceReference.Action, call: TrailCall) -> [String] {
    guard !action.resourceTypes.isEmpty else { return ["*"] }
    let partition = call.callerARN.split(separator: ":").dropFirst().first.map(String.init) ?? "aws"
    for type in action.resourceTypes {
      // A parameter that is already an ARN of this type (`policyArn`, `roleArn`...).
      let formatPattern = Array(ServiceReference.ResourceType.replacingVariables(type.arnFormat, with: "*").lowercased().utf8)
      for key in call.parameters.keys.sorted() where key.lowercased().hasSuffix("arn") {
        let value = call.parameters[key]!
        if value.hasPrefix("arn:"), !value.contains("*"), globsIntersect(formatPattern, Array(value.lowercased().utf8)) {
          return [value]
        }
      }
      if let filled = complete(type.arnFormat, call: call, partition: partition) { return filled }
    }
    return ["*"]
  }

  /// Fills every `${Variable}` of `format`; `nil` when one has no value in the request. A
  /// `…WithPath` name is given without its path in the request, so it becomes two ARNs: the
  /// default path and any other path ending in the name.
  func complete(_ format: String, call: TrailCall, partition: String) -> [String]? {
    var out = [""]
    var rest = Substring(format)
    while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
      let variable = String(rest[open.upperBound..<close])
      let literal = String(rest[..<open.lowerBound])
      rest = rest[rest.index(after: close)...]
      let value: String
      switch variable {
      case "Partition": value = partition
      case "Account": value = call.account
      case "Region": value = call.region
      default:
        guard let v = parameter(for: variable, in: call.parameters), !v.isEmpty, !v.contains("*"), !v.contains("?") else {
          return nil
        }
        value = v
      }
      if value.isEmpty && variable != "Region" { return nil }
      if variable.hasSuffix("WithPath") && !value.contains("/") {
        out = out.flatMap { [$0 + literal + value, $0 + literal + "*/" + value] }
      } else {
        out = out.map { $0 + literal + value }
      }
    }
    return out.map { $0 + rest }
  }

  func parameter(for variable: String, in parameters: [String: String]) -> String? {
    let lowered = variable.lowercased()
    var names = [lowered.hasSuffix("withpath") ? String(lowered.dropLast(8)) : lowered]
    names += (Self.parameterAliases[lowered] ?? []).map { $0.lowercased() }
    for n in names {
      if let hit = parameters.first(where: { $0.key.lowercased() == n }) { return hit.value }
    }
    return nil
  }
}
