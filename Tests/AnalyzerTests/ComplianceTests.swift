import Foundation
import Testing

@testable import Analyzer

private func loadInventory(details: [String], credentialReport: String? = nil, passwordPolicy: String? = nil) throws -> Inventory {
  var inputs = InventoryLoader.Inputs()
  inputs.authorizationDetails = details.map(fixtureURL)
  inputs.credentialReport = credentialReport.map(fixtureURL)
  inputs.passwordPolicies = passwordPolicy.map { [("111111111111", fixtureURL($0))] } ?? []
  return try InventoryLoader.load(inputs)
}

private func compliance(_ inventory: Inventory, trusted: Set<String> = []) -> ComplianceReport {
  var options = AnalyzerOptions(now: fixtureNow)
  options.trustedAccounts = trusted
  return ComplianceReport(findings: Analyzer.analyze(inventory, options: options), inventory: inventory, generatedAt: fixtureNow)
}

@Suite struct ComplianceTests {
  @Test func everyFrameworkIsReportedInOrder() throws {
    let report = compliance(try loadInventory(details: ["clean/authorization-details.json"]))
    #expect(report.frameworks.map(\.name) == ["SOC 2", "ISO/IEC 27001:2022", "HIPAA Security Rule", "NIST CSF", "CMMC 2.0 Level 2"])
    #expect(report.frameworks.allSatisfy { !$0.controls.isEmpty })
  }

  @Test func everyControlHasATitle() throws {
    let report = compliance(try loadInventory(details: ["clean/authorization-details.json"]))
    for framework in report.frameworks {
      for c in framework.controls { #expect(!c.title.isEmpty, "\(framework.name) \(c.id)") }
    }
  }

  @Test func aControlWithAFindingAgainstItFailsAndListsTheFinding() throws {
    let report = compliance(try loadInventory(
      details: ["planted/authorization-details.json"], credentialReport: "planted/credential-report.csv",
      passwordPolicy: "planted/password-policy.json"))
    let mfa = try #require(report.frameworks.first { $0.name == "CMMC 2.0 Level 2" }?.controls.first { $0.id == "IA.L2-3.5.3" })
    #expect(mfa.status == .fail)
    #expect(mfa.findings.contains { $0.rule == "cis.root-no-mfa" })
  }

  @Test func credentialControlsAreNotAssessedWithoutTheCredentialReport() throws {
    let report = compliance(try loadInventory(details: ["clean/authorization-details.json"]), trusted: ["111111111111"])
    let evidence = report.frameworks.flatMap(\.controls).flatMap(\.evidence)
    let rootMFA = try #require(evidence.first { $0.rule == "cis.root-no-mfa" })
    #expect(!rootMFA.ran)
    #expect(rootMFA.scope.contains("credential report"))
    let policies = try #require(evidence.first { $0.rule == "lp.admin-equivalent" })
    #expect(policies.ran)
  }

  @Test func aCleanAccountPassesTheControlsItsChecksCover() throws {
    let report = compliance(try loadInventory(details: ["clean/authorization-details.json"]), trusted: ["111111111111"])
    let leastPrivilege = try #require(report.frameworks.first { $0.name == "CMMC 2.0 Level 2" }?.controls.first { $0.id == "AC.L2-3.1.5" })
    #expect(leastPrivilege.status == .pass)
  }

  @Test func theJSONCarriesStatusFindingsAndEvidence() throws {
    let report = compliance(try loadInventory(details: ["planted/authorization-details.json"]))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(report.renderJSON().utf8)) as? [String: Any])
    let frameworks = try #require(json["frameworks"] as? [[String: Any]])
    #expect(frameworks.count == 5)
    let control = try #require((frameworks[0]["controls"] as? [[String: Any]])?.first)
    #expect(["pass", "fail", "not-assessed"].contains(control["status"] as? String ?? ""))
    #expect(control["evidence"] is [[String: Any]] && control["findings"] is [[String: Any]])
  }
}
