import Foundation
import PolicyEngine

/// The answer to "who can perform ACTION on RESOURCE?": every user and role the engine allows
/// directly, and every one that can reach such a principal (or an administrator) through the
/// escalation graph, with its path.
public struct WhoCanAnswer: Sendable {
  /// One principal that can perform the action.
  public struct Entry: Sendable {
    public var principal: EscalationNode
    /// The permission, when the principal's own policies allow the action.
    public var direct: EscalationPermission?
    /// Otherwise, the shortest path to a principal that can (or to an administrator).
    public var path: EscalationPath?
  }

  public var action: String
  public var resource: String
  /// Direct entries first, then by path length, then by principal id.
  public var entries: [Entry]
}

extension EscalationGraph {
  /// Who can perform `action` on `resource`, directly or through an escalation path.
  ///
  /// For `sts:AssumeRole` on a role of the inventory, the role's trust policy takes part as
  /// the resource policy. An account's administrator node counts as able when the action,
  /// allowed by an `Allow *` policy, passes the SCPs.
  public func whoCan(action: String, resource: String) -> WhoCanAnswer {
    let trust = action.lowercased() == "sts:assumerole" ? trustSlots[resource] : nil
    var able: Set<String> = []
    var direct: [String: EscalationPermission] = [:]
    for (id, e) in evaluators {
      // Groups act through their members, so a group that may is a target, not an answer;
      // an administrator node may when an `Allow *` policy passes the SCPs.
      guard let p = e.permission(action, resource, resourcePolicy: e.kind == .group ? nil : trust) else { continue }
      able.insert(id)
      if e.kind == .user || e.kind == .role { direct[id] = p }
    }
    var entries: [WhoCanAnswer.Entry] = []
    for n in nodes where n.kind == .user || n.kind == .role {
      if let p = direct[n.id] {
        entries.append(.init(principal: n, direct: p, path: nil))
      } else if let path = shortestPath(from: n.id, to: { able.contains($0) }) {
        entries.append(.init(principal: n, direct: nil, path: path))
      }
    }
    entries.sort { a, b in
      let la = a.path?.count ?? 0, lb = b.path?.count ?? 0
      return (la, a.principal.id) < (lb, b.principal.id)
    }
    return WhoCanAnswer(action: action, resource: resource, entries: entries)
  }
}

extension WhoCanAnswer {
  /// One line per principal: `user/alice  direct: ... ` or `role/ci  via: ...`.
  public func renderText(graph: EscalationGraph) -> String {
    var s = "Who can \(action) on \(resource): \(entries.count) principal(s)\n"
    for e in entries {
      let name = graph.name(e.principal.id)
      if let p = e.direct {
        s += "  \(name)  directly: \(p.text)\n"
      } else if let path = e.path {
        s += "  \(name)  via \(path.count) step(s): \(graph.describe(path))\n"
      }
    }
    return s
  }

  /// The answer as JSON (sorted keys, stable).
  public func renderJSON(graph: EscalationGraph) -> String {
    let list: [[String: Any]] = entries.map { e in
      var o: [String: Any] = [
        "principal": e.principal.id, "type": e.principal.kind.rawValue, "account": e.principal.account,
        "access": e.direct != nil ? "direct" : "escalation",
      ]
      if let p = e.direct { o["permission"] = p.json }
      if let path = e.path {
        o["path"] = path.edges.map(\.json)
        o["pathText"] = graph.describe(path)
      }
      return o
    }
    return Report.json(["action": action, "resource": resource, "principals": list])
  }
}

extension EscalationPermission {
  /// The permission as a JSON object.
  public var json: [String: Any] {
    var o: [String: Any] = ["action": action, "resource": resource]
    if let policy { o["policy"] = policy }
    if let statement { o["statement"] = statement }
    if let sid { o["sid"] = sid }
    if let slot { o["policyType"] = slot }
    return o
  }
}

extension EscalationEdge {
  /// The edge as a JSON object.
  public var json: [String: Any] {
    var o: [String: Any] = [
      "from": from, "to": to, "method": method.rawValue, "permissions": permissions.map(\.json),
    ]
    if let assumption { o["assumption"] = assumption }
    return o
  }
}
