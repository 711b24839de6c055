import Foundation
import PolicyEngine

extension AccountContext {
  /// One `escalation.path` finding per user or role that is not an administrator but can
  /// become one: the shortest path, each step with its permission and statement. A one-step
  /// path is critical; longer ones are high.
  mutating func checkEscalation() {
    let graph = EscalationBuilder(context: self).build()
    escalationGraph = graph
    for path in graph.paths() {
      guard let node = graph.node(path.from), let first = path.edges.first else { continue }
      let others = graph.paths(from: path.from, limit: 10, maxLength: 4).count - 1
      let more = others > 0 ? " (\(others)\(others >= 9 ? "+" : "") other path(s))" : ""
      let assumptions = path.edges.compactMap(\.assumption)
      let caveat = assumptions.isEmpty ? "" : "; assuming \(assumptions.joined(separator: "; "))"
      let grant = first.permissions.first { $0.policy != nil }
      add(
        "escalation.path", severity: path.count == 1 ? .critical : .high, type: node.kind.rawValue, entity: node.id,
        policy: grant?.policy, statement: grant?.statement,
        "`\(node.name)` can become an administrator in \(path.count) step(s): \(graph.describe(path))\(more)\(caveat)")
    }
  }
}
