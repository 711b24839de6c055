import Foundation

extension HTMLEscalationView {
  /// The view of `graph`: the principals on some path to an administrator, the edges between
  /// them, and each principal's shortest path (at most `limit`, shortest first).
  public init(_ graph: EscalationGraph, limit: Int = 40) {
    let all = graph.paths()
    let shown = Array(all.prefix(limit))
    var ids: [String] = []
    var seen: Set<String> = []
    for p in shown {
      for id in [p.from] + p.edges.map(\.to) where seen.insert(id).inserted { ids.append(id) }
    }
    nodes = ids.map { id in
      let n = graph.node(id)
      let label = n.map { $0.kind == .administrator ? "account \($0.account)" : $0.name } ?? id
      return Node(id: id, label: label, kind: n?.kind.rawValue ?? "user", isAdministrator: n?.kind == .administrator || n?.isAdministrator == true)
    }
    var edges: [Edge] = []
    var edgeSeen: Set<Edge> = []
    for id in ids {
      for e in graph.edges(from: id) where seen.contains(e.to) {
        let edge = Edge(from: e.from, to: e.to, label: e.method.rawValue)
        if edgeSeen.insert(Edge(from: e.from, to: e.to, label: "")).inserted { edges.append(edge) }
      }
    }
    self.edges = edges
    paths = shown.map { ([$0.from] + $0.edges.map(\.to), graph.describe($0)) }
  }
}

extension HTMLReport {
  /// The graph drawn in columns by distance to the administrator (administrators on the right),
  /// edges as arrows; hovering a path in the list highlights its edges.
  func escalationSection(_ view: HTMLEscalationView) -> String {
    var out = "<section id=\"escalation\"><h2>Privilege escalation <small>\(view.paths.count) principal(s) can become an administrator</small></h2>"
    guard !view.paths.isEmpty else { return out + "<p>No principal can escalate to administrator.</p></section>\n" }
    // Distance to an administrator over the drawn edges (reverse breadth-first search).
    var distance: [String: Int] = [:]
    // The synthetic administrator nodes are the sinks; principals that are administrators sit
    // one column before them.
    let sinks = view.nodes.filter { $0.kind == "administrator" }
    var queue = (sinks.isEmpty ? view.nodes.filter(\.isAdministrator) : sinks).map(\.id)
    for id in queue { distance[id] = 0 }
    var head = 0
    while head < queue.count {
      let id = queue[head]
      head += 1
      for e in view.edges where e.to == id && distance[e.from] == nil {
        distance[e.from] = distance[id]! + 1
        queue.append(e.from)
      }
    }
    let maxDistance = distance.values.max() ?? 0
    var columns: [[HTMLEscalationView.Node]] = Array(repeating: [], count: maxDistance + 1)
    for n in view.nodes { columns[maxDistance - (distance[n.id] ?? maxDistance)].append(n) }
    let colWidth = 330
    let rowHeight = 46
    let nodeWidth = 200
    let height = (columns.map(\.count).max() ?? 1) * rowHeight + 20
    let width = columns.count * colWidth + 20
    var position: [String: (Int, Int)] = [:]
    for (c, column) in columns.enumerated() {
      for (r, n) in column.enumerated() { position[n.id] = (10 + c * colWidth, 10 + r * rowHeight) }
    }
    var pathsOfEdge: [String: [Int]] = [:]
    for (i, p) in view.paths.enumerated() {
      for (a, b) in zip(p.nodes, p.nodes.dropFirst()) { pathsOfEdge[a + "\u{0}" + b, default: []].append(i) }
    }
    var svg = "<div class=\"graph\"><svg id=\"esc\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" style=\"max-width:100%;height:auto\" role=\"img\">"
    svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#9aa5b1\"/></marker>"
    svg += "<marker id=\"arrowhl\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#d32f2f\"/></marker></defs>"
    for e in view.edges {
      guard let (x1, y1) = position[e.from], let (x2, y2) = position[e.to] else { continue }
      let onPath = pathsOfEdge[e.from + "\u{0}" + e.to] ?? []
      let classes = (onPath.isEmpty ? "edge" : "edge path") + onPath.map { " p\($0)" }.joined()
      let sx = x1 + nodeWidth
      let sy = y1 + 16
      let ex = x2 > x1 ? x2 : x2 + nodeWidth / 2
      let ey = x2 > x1 ? y2 + 16 : y2 + (y2 > y1 ? 0 : 32)
      let mx = (sx + ex) / 2
      svg += "<path class=\"\(classes)\" d=\"M\(sx),\(sy) C\(mx),\(sy) \(mx),\(ey) \(ex),\(ey)\"><title>\(esc(e.label))</title></path>"
      let short = e.label.count > 20 ? String(e.label.prefix(19)) + "…" : e.label
      svg += "<text class=\"elabel\" x=\"\(mx)\" y=\"\((sy + ey) / 2 - 4)\" text-anchor=\"middle\">\(esc(short))<title>\(esc(e.label))</title></text>"
    }
    for n in view.nodes {
      guard let (x, y) = position[n.id] else { continue }
      let cls = n.isAdministrator ? "node admin" : "node \(n.kind)"
      let label = n.label.count > 26 ? String(n.label.prefix(25)) + "…" : n.label
      svg += "<g class=\"\(cls)\"><rect x=\"\(x)\" y=\"\(y)\" width=\"\(nodeWidth)\" height=\"32\" rx=\"6\"/>"
      svg += "<text x=\"\(x + 10)\" y=\"\(y + 20)\"><tspan class=\"kind\">\(n.kind == "administrator" ? "admin" : esc(n.kind))</tspan> \(esc(label))</text><title>\(esc(n.id))</title></g>"
    }
    svg += "</svg></div>"
    out += Self.escalationCSS + svg + "<ol class=\"paths\">"
    for (i, p) in view.paths.enumerated() {
      out += "<li data-p=\"\(i)\"><code>\(esc(p.description))</code></li>"
    }
    out += "</ol><script>\(Self.escalationScript)</script></section>\n"
    return out
  }

  static let escalationCSS = """
    <style>.edge{fill:none;stroke:#b0bac5;stroke-width:1.5;marker-end:url(#arrow)}.edge.path{stroke:#e57373;stroke-width:2.2;marker-end:url(#arrowhl)}
    .edge.hl{stroke:#b71c1c;stroke-width:4}.elabel{font-size:10px!important;fill:#7b8794}
    .node rect{fill:#e3f2fd;stroke:#64b5f6}.node.role rect{fill:#efebe9;stroke:#a1887f}.node.group rect{fill:#ede7f6;stroke:#9575cd}
    .node.admin rect{fill:#fdecea;stroke:#d32f2f;stroke-width:2}.node text{font-size:12px;fill:#1f2933}.node .kind{font-size:10px;fill:#61707e;text-transform:uppercase}
    .paths li{cursor:default}.paths li:hover{background:#fdecea}</style>
    """

  static let escalationScript = """
    (function(){document.querySelectorAll('.paths li').forEach(function(li){
      function set(on){document.querySelectorAll('#esc .p'+li.dataset.p).forEach(function(e){e.classList.toggle('hl',on);});}
      li.addEventListener('mouseenter',function(){set(true);});li.addEventListener('mouseleave',function(){set(false);});});})();
    """
}
