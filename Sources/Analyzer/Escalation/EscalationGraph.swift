import Foundation
import PolicyEngine

/// A principal of the escalation graph, or the synthetic administrator of an account.
public struct EscalationNode: Sendable, Hashable {
  /// What the node stands for.
  public enum Kind: String, Sendable, Codable {
    case user, role, group, administrator
    /// Existing compute of a service (Lambda functions, Glue endpoints) that runs with the
    /// roles the service may assume: changing its code acts as those roles. One node per
    /// service keeps the edges linear in principals plus roles, not their product.
    case service
  }

  /// The node's id: the principal's ARN, `administrator:ACCOUNT` for the synthetic node, or
  /// `service:ACCOUNT:SERVICE-PRINCIPAL` for a service's existing compute.
  public var id: String
  public var kind: Kind
  /// The principal's name (`administrator` for the synthetic node).
  public var name: String
  public var account: String
  /// Whether the principal is an administrator itself: the engine allows every probed
  /// sensitive action on `*` (see `EscalationGraph.administratorProbe`).
  public var isAdministrator: Bool

  /// The id of an account's synthetic administrator node.
  public static func administratorID(account: String) -> String { "administrator:\(account)" }

  /// The id of the node standing for a service's existing compute in an account.
  public static func serviceID(account: String, service: String) -> String { "service:\(account):\(service)" }
}

/// One permission behind an edge: the action the engine allowed, on which resource, and the
/// statement that allowed it.
public struct EscalationPermission: Sendable, Hashable {
  public var action: String
  public var resource: String
  /// The granting policy's name (inline) or ARN (managed); `nil` when nothing had to be allowed.
  public var policy: String?
  /// The granting statement's index (0-based) in that policy.
  public var statement: Int?
  /// The statement's `Sid`, when it has one.
  public var sid: String?
  /// Which kind of policy granted it (`IdentityPolicy`, `ResourcePolicy` for a trust policy).
  public var slot: String?

  /// `iam:PassRole on arn:... (DeployPolicy, statement 0)`.
  public var text: String {
    var s = "\(action) on \(resource)"
    if let policy {
      s += " (\(policy)\(statement.map { ", statement \($0)" } ?? "")\(sid.map { " `\($0)`" } ?? ""))"
    }
    return s
  }
}

/// "`from` can become, or act with the permissions of, `to`", and how.
public struct EscalationEdge: Sendable, Hashable {
  public var from: String
  public var to: String
  public var method: EscalationMethod
  /// What the engine had to allow, in the order the attacker uses it.
  public var permissions: [EscalationPermission]
  /// What the edge assumes that the inventory cannot show (e.g. an older policy version).
  public var assumption: String?
}

/// A chain of edges from a principal to an administrator (or to any node).
public struct EscalationPath: Sendable, Hashable {
  public var edges: [EscalationEdge]

  public var from: String { edges.first?.from ?? "" }
  public var to: String { edges.last?.to ?? "" }
  public var count: Int { edges.count }
}

/// The privilege-escalation graph of the analyzed accounts: principals (users, roles, groups)
/// and one synthetic administrator per account; an edge means "can become or act with the
/// permissions of", each decided by the policy engine over the principal's real policies,
/// permissions boundary and SCPs, with request context keys absent (as in a plain API call).
///
/// Build it with `EscalationGraph.build(_:options:)`; draw `nodes` and `edges`; ask
/// `paths(from:)` or `paths(to:)` for the escalation paths, shortest first.
public struct EscalationGraph: Sendable {
  /// Actions that, all allowed on `*`, make a principal an administrator. The first is an
  /// action of a service that does not exist: only `*` (or `*:*`-like) grants allow it.
  public static let administratorProbe = [
    "portcullisprobe:AnyAction", "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:CreatePolicyVersion",
    "iam:PassRole", "sts:AssumeRole",
  ]

  /// Every node, users and roles and groups sorted by id, then the administrator nodes.
  public internal(set) var nodes: [EscalationNode] = []
  /// Every edge, sorted by source, target and method.
  public internal(set) var edges: [EscalationEdge] = []
  /// The compiled policy set of each node (the administrator's is `Allow *` under the SCPs), for `whoCan`.
  var evaluators: [String: PrincipalEvaluator] = [:]
  /// Each role's trust policy compiled as a resource policy, for `whoCan` on `sts:AssumeRole`.
  var trustSlots: [String: PolicySlot] = [:]

  var nodeIndex: [String: Int] = [:]
  var outgoing: [String: [Int]] = [:]
  var incoming: [String: [Int]] = [:]

  /// The node with this id.
  public func node(_ id: String) -> EscalationNode? { nodeIndex[id].map { nodes[$0] } }

  /// The edges leaving `id`.
  public func edges(from id: String) -> [EscalationEdge] { (outgoing[id] ?? []).map { edges[$0] } }

  /// The edges entering `id`.
  public func edges(to id: String) -> [EscalationEdge] { (incoming[id] ?? []).map { edges[$0] } }

  /// Builds the graph of every account of `inventory` (edges stay within an account).
  public static func build(_ inventory: Inventory, options: AnalyzerOptions) -> EscalationGraph {
    let scps = inventory.serviceControlPolicies.compactMap { source in
      try? Policy(json: source.document, kind: .serviceControl, name: source.name, enforcingSizeLimit: false)
    }
    var graph = EscalationGraph()
    for account in inventory.accounts.sorted(by: { $0.id < $1.id }) {
      let context = AccountContext(
        account: account, options: options, zoneOfTrust: inventory.accountIDs, trailActivity: [:],
        serviceControlPolicies: scps)
      graph.merge(EscalationBuilder(context: context).build())
    }
    return graph
  }

  /// Adds another account's graph.
  mutating func merge(_ other: EscalationGraph) {
    nodes += other.nodes
    edges += other.edges
    evaluators.merge(other.evaluators) { a, _ in a }
    trustSlots.merge(other.trustSlots) { a, _ in a }
    reindex()
  }

  /// Sorts nodes and edges and rebuilds the lookup tables.
  mutating func reindex() {
    nodes.sort { ($0.kind == .administrator ? 1 : 0, $0.id) < ($1.kind == .administrator ? 1 : 0, $1.id) }
    edges.sort { ($0.from, $0.to, $0.method.rawValue) < ($1.from, $1.to, $1.method.rawValue) }
    nodeIndex = [:]
    outgoing = [:]
    incoming = [:]
    for (i, n) in nodes.enumerated() { nodeIndex[n.id] = i }
    for (i, e) in edges.enumerated() {
      outgoing[e.from, default: []].append(i)
      incoming[e.to, default: []].append(i)
    }
  }

  /// The principals (users and roles) that are administrators themselves.
  public var administrators: [EscalationNode] { nodes.filter(\.isAdministrator) }

  /// The shortest path from `start` to any node accepted by `isTarget` (breadth-first; among
  /// equally short paths, the first in edge order), or `nil`.
  public func shortestPath(from start: String, to isTarget: (String) -> Bool) -> EscalationPath? {
    if isTarget(start) { return nil }
    var previous: [String: Int] = [start: -1]
    var queue = [start]
    var head = 0
    while head < queue.count {
      let id = queue[head]
      head += 1
      for e in outgoing[id] ?? [] where previous[edges[e].to] == nil {
        let next = edges[e].to
        previous[next] = e
        if isTarget(next) {
          var chain: [EscalationEdge] = []
          var cursor = next
          while let e = previous[cursor], e >= 0 {
            chain.append(edges[e])
            cursor = edges[e].from
          }
          return EscalationPath(edges: chain.reversed())
        }
        queue.append(next)
      }
    }
    return nil
  }

  /// Every simple path (no node twice) from `start` to the administrator of its account,
  /// shortest first, then in edge order; at most `limit` paths of at most `maxLength` edges.
  public func paths(from start: String, limit: Int = 20, maxLength: Int = 6) -> [EscalationPath] {
    guard let account = node(start)?.account else { return [] }
    let target = EscalationNode.administratorID(account: account)
    return simplePaths(from: start, limit: limit, maxLength: maxLength) { $0 == target }
  }

  /// Every principal's shortest path to the administrator `administratorID` (default: of every
  /// account), shortest first. Administrators themselves are not listed.
  public func paths(to administratorID: String? = nil) -> [EscalationPath] {
    var out: [EscalationPath] = []
    for n in nodes where (n.kind == .user || n.kind == .role) && !n.isAdministrator {
      let target = administratorID ?? EscalationNode.administratorID(account: n.account)
      if let p = shortestPath(from: n.id, to: { $0 == target }) { out.append(p) }
    }
    return out.sorted { ($0.count, $0.from) < ($1.count, $1.from) }
  }

  /// Simple paths by breadth-first search over partial paths.
  func simplePaths(
    from start: String, limit: Int, maxLength: Int, isTarget: (String) -> Bool
  ) -> [EscalationPath] {
    var found: [EscalationPath] = []
    var frontier: [[Int]] = [[]]
    for _ in 0..<maxLength {
      var next: [[Int]] = []
      for partial in frontier {
        let tail = partial.last.map { edges[$0].to } ?? start
        var visited: Set<String> = [start]
        for e in partial { visited.insert(edges[e].to) }
        for e in outgoing[tail] ?? [] where !visited.contains(edges[e].to) {
          let extended = partial + [e]
          if isTarget(edges[e].to) {
            found.append(EscalationPath(edges: extended.map { edges[$0] }))
            if found.count >= limit { return found }
          } else {
            next.append(extended)
          }
        }
      }
      if next.isEmpty { break }
      // Keep the search bounded on dense graphs.
      frontier = Array(next.prefix(10_000))
    }
    return found
  }

  /// A person-readable path: `deployer -[CreateAccessKey: iam:CreateAccessKey on ...]-> alice -> administrator`.
  public func describe(_ path: EscalationPath) -> String {
    var s = name(path.from)
    for e in path.edges {
      let perms = e.permissions.map(\.text).joined(separator: " + ")
      s += " -[\(e.method.rawValue)\(perms.isEmpty ? "" : ": \(perms)")]-> \(name(e.to))"
    }
    return s
  }

  /// `user/alice`, `role/Deploy`, `group/Admins`, `administrator`, `existing compute of lambda.amazonaws.com`.
  public func name(_ id: String) -> String {
    guard let n = node(id) else { return id }
    switch n.kind {
    case .administrator: return "administrator"
    case .service: return "existing compute of \(n.name)"
    default: return "\(n.kind.rawValue)/\(n.name)"
    }
  }
}
