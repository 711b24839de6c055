import Foundation
import Testing

@testable import Analyzer

private func plantedHTML(escalation: Bool = true) throws -> (HTMLReport, String) {
  var inputs = InventoryLoader.Inputs()
  inputs.authorizationDetails = [fixtureURL("planted/authorization-details.json")]
  inputs.credentialReport = fixtureURL("planted/credential-report.csv")
  let inventory = try InventoryLoader.load(inputs)
  let options = AnalyzerOptions(now: fixtureNow)
  let report = Report(findings: Analyzer.analyze(inventory, options: options), accounts: ["111111111111"], generatedAt: fixtureNow)
  let view = escalation ? HTMLEscalationView(EscalationGraph.build(inventory, options: options)) : nil
  let html = HTMLReport(report: report, inventory: inventory, options: options, escalation: view)
  return (html, html.render())
}

/// Rendered once: the effective permissions of the planted administrators take a while in debug builds.
private let planted: (HTMLReport, String) = try! plantedHTML()

@Suite struct HTMLReportTests {
  @Test func thePageLoadsNothingFromTheNetwork() throws {
    let (_, page) = planted
    for needle in ["http://", "https://", "src=", "@import", "url(http"] {
      #expect(!page.contains(needle), "`\(needle)` in the page")
    }
  }

  @Test func everyFindingHasARowWithFilterAttributes() throws {
    let (html, page) = planted
    #expect(page.components(separatedBy: "<tr data-sev=").count - 1 == html.report.findings.count)
    #expect(page.contains("id=\"q\"") && page.contains("id=\"fsev\"") && page.contains("id=\"fcat\"") && page.contains("id=\"fent\""))
  }

  @Test func findingsAreRankedByRiskMostSevereFirst() throws {
    let (_, page) = planted
    let firstRow = try #require(page.range(of: "<tr data-sev=\"")).upperBound
    #expect(page[firstRow...].hasPrefix("CRITICAL"))
  }

  @Test func userTextIsEscaped() {
    #expect(esc("<script>\"a\" & 'b'</script>") == "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;")
  }

  @Test func effectivePermissionsCountActionsPerAccessLevel() throws {
    let (html, page) = planted
    let alice = try #require(html.permissions.first { $0.name == "alice" })
    #expect(alice.count(.permissionsManagement) > 0)
    let deployer = try #require(html.permissions.first { $0.name == "deployer" })
    #expect(deployer.actions.contains("iam:PassRole"))
    #expect(page.contains("id=\"permissions\""))
  }

  @Test func theEscalationGraphIsDrawnWithItsPathsHighlighted() throws {
    let (_, page) = planted
    #expect(page.contains("<svg id=\"esc\""))
    #expect(page.contains("class=\"edge path p0"))
  }

  @Test func withoutAGraphTheEscalationSectionIsLeftOut() throws {
    let (_, page) = try plantedHTML(escalation: false)
    #expect(!page.contains("id=\"escalation\""))
  }

  @Test func chartsAreInlineSVG() throws {
    let (_, page) = planted
    for title in ["Findings by severity", "Findings by category", "Credential age", "Unused access"] {
      #expect(page.contains(title))
    }
    #expect(page.components(separatedBy: "<svg").count - 1 >= 5)
  }
}
