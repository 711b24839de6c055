import Foundation
@testable import Analyzer

/// The time every fixture is analyzed at.
let fixtureNow = parseAWSDate("2025-06-01T00:00:00Z")!

func fixtureURL(_ path: String) -> URL {
  Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(path)
}

/// Loads fixture inputs and analyzes them as of `fixtureNow`.
func analyzeFixtures(
  details: [String], credentialReport: String? = nil, passwordPolicy: String? = nil, trail: [String] = [],
  scps: String? = nil, trusted: Set<String> = []
) throws -> [Finding] {
  var inputs = InventoryLoader.Inputs()
  inputs.authorizationDetails = details.map(fixtureURL)
  inputs.credentialReport = credentialReport.map(fixtureURL)
  inputs.passwordPolicies = passwordPolicy.map { [("111111111111", fixtureURL($0))] } ?? []
  inputs.cloudTrail = trail.map(fixtureURL)
  inputs.serviceControlPolicies = scps.map(fixtureURL)
  let inventory = try InventoryLoader.load(inputs)
  var options = AnalyzerOptions(now: fixtureNow)
  options.trustedAccounts = trusted
  return Analyzer.analyze(inventory, options: options)
}

/// The findings on the fully planted account (all optional inputs given).
func plantedFindings() throws -> [Finding] {
  try analyzeFixtures(
    details: ["planted/authorization-details.json"], credentialReport: "planted/credential-report.csv",
    passwordPolicy: "planted/password-policy.json")
}

/// `rule @ last path element of the entity [policy]` for compact expectations.
func label(_ f: Finding) -> String {
  let name = f.entity.split(separator: "/").last.flatMap { $0.split(separator: ":").last }.map(String.init) ?? f.entity
  return "\(f.rule) @ \(name)"
}
