import Foundation

/// The report's charts, drawn as inline SVG (no script library, nothing fetched).
extension HTMLReport {
  /// One bar of a stacked bar chart: its label and one value per series.
  struct Bar {
    var label: String
    var values: [Int]
  }

  static let severityColours: [Severity: String] = [
    .critical: "#7b1fa2", .high: "#d32f2f", .medium: "#f57c00", .low: "#1976d2", .info: "#78909c",
  ]

  func chartsSection() -> String {
    let counts = report.counts
    var out = "<section id=\"charts\"><h2>Charts</h2><div class=\"charts\">"
    out += figure(
      "Findings by severity",
      horizontalBars(Severity.allCases.reversed().map { ($0.description.capitalized, counts[$0] ?? 0, Self.severityColours[$0]!) }))
    var byCategory: [String: Int] = [:]
    for f in report.findings { byCategory[f.definition.category, default: 0] += 1 }
    out += figure(
      "Findings by category",
      horizontalBars(byCategory.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value, "#455a64") }))
    out += figure("Credential age in days (credential report)", stackedBars(credentialAges(), series: [("Access keys", "#1976d2"), ("Passwords", "#26a69a")]))
    out += figure(
      "Unused access: days since last use",
      stackedBars(unusedAccess(), series: [("Users", "#5c6bc0"), ("Roles", "#8d6e63"), ("Access keys", "#ef6c00")]))
    return out + "</div></section>\n"
  }

  func figure(_ title: String, _ svg: String) -> String {
    "<figure><figcaption>\(esc(title))</figcaption>\(svg)</figure>"
  }

  /// Horizontal bars with the value at the end of each.
  func horizontalBars(_ items: [(String, Int, String)]) -> String {
    guard !items.isEmpty else { return "<p class=\"muted\">Nothing to chart.</p>" }
    let rowHeight = 26
    let labelWidth = 130
    let barSpace = 170
    let height = items.count * rowHeight + 8
    let top = max(1, items.map(\.1).max() ?? 1)
    var svg = "<svg viewBox=\"0 0 \(labelWidth + barSpace + 50) \(height)\" width=\"100%\" role=\"img\">"
    for (i, item) in items.enumerated() {
      let y = 4 + i * rowHeight
      let w = item.1 == 0 ? 0 : max(3, barSpace * item.1 / top)
      svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\" class=\"lbl\">\(esc(item.0))</text>"
      svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"\(rowHeight - 8)\" rx=\"3\" fill=\"\(item.2)\"><title>\(esc(item.0)): \(item.1)</title></rect>"
      svg += "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 17)\" class=\"val\">\(item.1)</text>"
    }
    return svg + "</svg>"
  }

  /// Vertical stacked bars with a legend; one colour per series.
  func stackedBars(_ bars: [Bar], series: [(String, String)]) -> String {
    let total = bars.reduce(0) { $0 + $1.values.reduce(0, +) }
    guard total > 0 else { return "<p class=\"muted\">No data in the inputs (give the credential report or a data directory).</p>" }
    let chartHeight = 150
    let barWidth = 32
    let gap = 11
    let left = 34
    let width = left + bars.count * (barWidth + gap) + 10
    let top = max(1, bars.map { $0.values.reduce(0, +) }.max() ?? 1)
    // Drawn 16px down so the tallest bar's total fits above it.
    var svg = "<svg viewBox=\"0 -16 \(width) \(chartHeight + 80)\" width=\"100%\" role=\"img\">"
    svg += "<line x1=\"\(left - 4)\" y1=\"\(chartHeight + 10)\" x2=\"\(width - 6)\" y2=\"\(chartHeight + 10)\" class=\"axis\"/>"
    svg += "<text x=\"\(left - 8)\" y=\"18\" text-anchor=\"end\" class=\"val\">\(top)</text>"
    svg += "<text x=\"\(left - 8)\" y=\"\(chartHeight + 10)\" text-anchor=\"end\" class=\"val\">0</text>"
    for (i, bar) in bars.enumerated() {
      let x = left + i * (barWidth + gap)
      var y = chartHeight + 10
      for (k, v) in bar.values.enumerated() where v > 0 {
        let h = max(2, chartHeight * v / top)
        y -= h
        svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"\(series[k].1)\"><title>\(esc(series[k].0)) \(esc(bar.label)): \(v)</title></rect>"
      }
      let sum = bar.values.reduce(0, +)
      if sum > 0 { svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(y - 4)\" text-anchor=\"middle\" class=\"val\">\(sum)</text>" }
      svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(chartHeight + 26)\" text-anchor=\"middle\" class=\"tick\">\(esc(bar.label))</text>"
    }
    svg += "<text x=\"\(width - 6)\" y=\"\(chartHeight + 38)\" text-anchor=\"end\" class=\"val\">days</text>"
    var lx = left
    for (name, colour) in series {
      svg += "<rect x=\"\(lx)\" y=\"\(chartHeight + 42)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
      svg += "<text x=\"\(lx + 16)\" y=\"\(chartHeight + 52)\" class=\"lbl\">\(esc(name))</text>"
      lx += 22 + name.count * 7
    }
    return svg + "</svg>"
  }

  /// Age buckets in days, for both charts.
  static let ageBuckets: [(String, Int)] = [("≤7", 7), ("8–30", 30), ("31–90", 90), ("91–180", 180), ("181–365", 365), (">365", Int.max)]

  func bucket(_ days: Int) -> Int { Self.ageBuckets.firstIndex { days <= $0.1 } ?? Self.ageBuckets.count - 1 }

  func days(_ date: Date) -> Int { max(0, Int(options.now.timeIntervalSince(date) / 86_400)) }

  /// Active access keys by age, and console passwords by time since last change.
  func credentialAges() -> [Bar] {
    var bars = Self.ageBuckets.map { Bar(label: $0.0, values: [0, 0]) }
    for account in inventory.accounts {
      for u in account.users {
        for k in u.accessKeys ?? [] where k.isActive {
          if let c = k.created { bars[bucket(days(c))].values[0] += 1 }
        }
        if u.hasPassword == true, let changed = u.passwordLastChanged ?? u.created { bars[bucket(days(changed))].values[1] += 1 }
      }
    }
    return bars
  }

  /// Users, roles and active access keys by time since last use; "never" for those never used.
  func unusedAccess() -> [Bar] {
    var bars = Self.ageBuckets.map { Bar(label: $0.0, values: [0, 0, 0]) } + [Bar(label: "never", values: [0, 0, 0])]
    func add(_ date: Date?, _ series: Int) {
      if let date { bars[bucket(days(date))].values[series] += 1 } else { bars[bars.count - 1].values[series] += 1 }
    }
    for account in inventory.accounts {
      for u in account.users {
        let uses = [u.passwordLastUsed, inventory.trailActivity[u.arn]] + (u.accessKeys ?? []).map(\.lastUsed)
        add(uses.compactMap { $0 }.max(), 0)
        for k in u.accessKeys ?? [] where k.isActive { add([k.lastUsed, inventory.trailActivity[k.id]].compactMap { $0 }.max(), 2) }
      }
      for r in account.roles where !r.isServiceLinked {
        add([r.lastUsed, inventory.trailActivity[r.arn]].compactMap { $0 }.max(), 1)
      }
    }
    return bars
  }
}
