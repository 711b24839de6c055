import Foundation
import Testing

@testable import Analyzer

private let account = "111111111111"

private func finding(_ rule: String, _ name: String, account: String = account, detail: String = "d", severity: Severity? = nil) -> Finding {
  Finding(rule: rule, severity: severity, account: account, entityType: "user", entity: "arn:aws:iam::\(account):user/\(name)", detail: detail)
}

/// A previous run as its `--format json` report: the baseline is read back from the real writer.
private func baseline(_ findings: [Finding]) throws -> Baseline {
  let json = Report(findings: findings, accounts: [account], generatedAt: fixtureNow).render(.json)
  return try Baseline.read(Data(json.utf8))
}

private func compare(previous: [Finding], current: [Finding]) throws -> BaselineComparison {
  BaselineComparison(current: current, baseline: try baseline(previous), source: "q1.json")
}

@Suite struct BaselineTests {
  @Test func aFindingOnlyInTheCurrentRunIsNew() throws {
    let c = try compare(previous: [], current: [finding("cis.console-user-no-mfa", "bob")])
    #expect(c.new.map(\.id) == ["cis.console-user-no-mfa|arn:aws:iam::111111111111:user/bob"])
    #expect(c.fixed.isEmpty && c.unchanged.isEmpty)
  }

  @Test func aFindingOnlyInTheBaselineIsFixedAndKeepsItsDescription() throws {
    let c = try compare(previous: [finding("lp.admin-equivalent", "alice", detail: "allows everything")], current: [])
    #expect(c.fixed.map(\.rule) == ["lp.admin-equivalent"])
    #expect(c.fixed[0].entity == "arn:aws:iam::111111111111:user/alice")
    #expect(c.fixed[0].detail == "allows everything" && c.fixed[0].title == RuleCatalogue.rule("lp.admin-equivalent").title)
    #expect(c.new.isEmpty && c.unchanged.isEmpty)
  }

  @Test func aChangedDetailIsStillUnchanged() throws {
    let c = try compare(
      previous: [finding("cis.access-key-not-rotated", "carol", detail: "key is 95 days old")],
      current: [finding("cis.access-key-not-rotated", "carol", detail: "key is 187 days old")])
    #expect(c.unchanged.count == 1 && c.new.isEmpty && c.fixed.isEmpty)
  }

  @Test func theSameFindingInAnotherAccountIsNew() throws {
    let other = Finding(
      rule: "lint.unknown-action", account: "222222222222", entityType: "policy",
      entity: "arn:aws:iam::aws:policy/Example", detail: "d")
    var mine = other
    mine.account = account
    let c = try compare(previous: [mine], current: [mine, other])
    #expect(c.new.map(\.account) == ["222222222222"])
    #expect(c.unchanged.map(\.finding.account) == [account])
  }

  @Test func aDifferentStatementIsADifferentFinding() throws {
    var first = finding("lp.wildcard-sensitive-action", "dave")
    first.policy = "inline"
    first.statement = 0
    var second = first
    second.statement = 1
    let c = try compare(previous: [first], current: [second])
    #expect(c.new.count == 1 && c.fixed.count == 1 && c.unchanged.isEmpty)
  }

  @Test func aSeverityChangeIsUnchangedAndRemembersThePreviousSeverity() throws {
    let c = try compare(
      previous: [finding("escalation.path", "erin", severity: .high)], current: [finding("escalation.path", "erin", severity: .critical)])
    #expect(c.unchanged.map(\.previousSeverity) == ["HIGH"])
    let json = Report(findings: [finding("escalation.path", "erin", severity: .critical)], accounts: [account], generatedAt: fixtureNow)
      .render(.json, baseline: c)
    #expect(json.contains("\"previousSeverity\": \"HIGH\""))
  }

  @Test func failOnWithABaselineLooksAtNewFindingsOnly() throws {
    let known = finding("cis.root-no-mfa", "root", severity: .critical)
    let c = try compare(previous: [known], current: [known, finding("unused.user", "frank", severity: .low)])
    #expect(!c.hasNewFinding(atOrAbove: .high))
    #expect(c.hasNewFinding(atOrAbove: .low))
  }

  @Test func theJSONReportGainsABaselineObjectAndStaysValid() throws {
    let current = [finding("cis.console-user-no-mfa", "bob"), finding("unused.user", "carol")]
    let c = try compare(previous: [finding("unused.user", "carol"), finding("lp.admin-equivalent", "alice")], current: current)
    let json = Report(findings: current, accounts: [account], generatedAt: fixtureNow).render(.json, baseline: c)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let b = try #require(object["baseline"] as? [String: Any])
    #expect(b["source"] as? String == "q1.json")
    #expect(b["previousGeneratedAt"] as? String == "2025-06-01T00:00:00Z")
    #expect(b["summary"] as? [String: Int] == ["new": 1, "fixed": 1, "unchanged": 1])
    #expect((b["new"] as? [[String: Any]])?.first?["rule"] as? String == "cis.console-user-no-mfa")
    #expect((b["fixed"] as? [[String: Any]])?.first?["entity"] as? String == "arn:aws:iam::111111111111:user/alice")
    #expect((object["findings"] as? [Any])?.count == 2)
  }

  @Test func theTextReportShowsTheBaselineAfterTheCounts() throws {
    let current = [finding("cis.console-user-no-mfa", "bob")]
    let c = try compare(previous: [finding("lp.admin-equivalent", "alice")], current: current)
    let lines = Report(findings: current, accounts: [account], generatedAt: fixtureNow).render(.text, baseline: c)
      .split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[2] == "Since the baseline of 2025-06-01T00:00:00Z (q1.json): 1 new, 1 fixed, 0 unchanged")
    #expect(lines[3].hasPrefix("  NEW   ") && lines[3].hasSuffix("user/bob"))
    #expect(lines[4].hasPrefix("  FIXED ") && lines[4].hasSuffix("user/alice"))
  }

  @Test func aReportOfAnotherKindIsNotABaseline() {
    #expect(throws: AnalyzerInputError.self) { try Baseline.read(Data(#"{"version": "2.1.0", "runs": []}"#.utf8)) }
    #expect(throws: AnalyzerInputError.self) { try Baseline.read(Data("id,rule\n".utf8)) }
  }
}
