import Foundation
import Testing
@testable import Analyzer

/// Every planted finding is found, on the entity it was planted on.
@Suite struct AnalyzerFindingTests {
  static let plantedTable: [(String, String)] = [
    // CIS AWS Foundations, IAM section
    ("cis.root-access-key", "root"),
    ("cis.root-no-mfa", "root"),
    ("cis.root-used-recently", "root"),
    ("cis.password-policy-weak", "root"),
    ("cis.console-user-no-mfa", "alice"),
    ("cis.credentials-unused-45-days", "alice"),  // access key 1 last used 2025-03-01
    ("cis.credentials-unused-45-days", "carol"),  // password never used since 2025-02-01
    ("cis.multiple-active-keys", "alice"),
    ("cis.access-key-not-rotated", "alice"),
    ("cis.policy-attached-to-user", "alice"),
    ("cis.policy-attached-to-user", "deployer"),
    ("cis.full-admin-policy", "LegacyAdmin"),
    ("cis.no-access-analyzer", "root"),
    // least privilege
    ("lp.admin-equivalent", "alice"),
    ("lp.admin-equivalent", "BreakGlassAdmin"),
    ("lp.broad-managed-policy", "alice"),
    ("lp.broad-managed-policy", "BreakGlassAdmin"),
    ("lp.wildcard-sensitive-action", "alice"),
    ("lp.write-on-all-resources", "alice"),
    ("lp.write-on-all-resources", "DeployPolicy"),
    ("lp.passrole-all-resources", "alice"),
    ("lp.passrole-all-resources", "DeployPolicy"),
    ("lp.assumerole-all-resources", "AssumeAllRole"),
    ("lp.allow-not-action", "NotActionRole"),
    ("lp.inline-permissions-management", "alice"),
    ("risk.privilege-escalation", "deployer"),
    ("risk.privilege-escalation", "AssumeAllRole"),
    ("risk.resource-exposure", "NotActionRole"),
    ("risk.data-exfiltration", "NotActionRole"),
    ("risk.infrastructure-modification", "deployer"),
    // external access
    ("ext.public-trust", "PublicRole"),
    ("ext.cross-account-trust", "PartnerRole"),
    ("ext.cross-account-no-external-id", "PartnerRole"),
    ("ext.cross-account-trust", "VendorRole"),
    ("ext.federated-no-audience", "GitHubDeploy"),
    // unused access
    ("unused.role", "PartnerRole"),
    ("unused.role", "PublicRole"),
    ("unused.access-key", "alice"),
    ("unused.password", "carol"),
    ("unused.user", "carol"),
    // hygiene
    ("hyg.breakglass-no-mfa", "BreakGlassAdmin"),
    ("hyg.long-session-privileged", "BreakGlassAdmin"),
    ("hyg.temporary-access-expired", "carol"),
    ("hyg.human-user-with-keys", "alice"),
    ("hyg.delegated-admin-no-boundary", "DelegatedAdmin"),
    // linter
    ("lint.unknown-action", "LintRole"),
    ("lint.unknown-service", "LintRole"),
    ("lint.unknown-condition-key", "LintRole"),
    ("lint.condition-key-not-applicable", "LintRole"),
    ("lint.resource-mismatch", "LintRole"),
    ("lint.redundant-statement", "LintRole"),
    ("lint.deny-not-action", "LintRole"),
  ]

  @Test(arguments: plantedTable)
  func plantedFindingIsReported(rule: String, entity: String) throws {
    let labels = Set(try plantedFindings().map(label))
    #expect(labels.contains("\(rule) @ \(entity)"), "missing \(rule) on \(entity)")
  }

  /// The clean controls next to each planted problem raise nothing of that kind.
  static let cleanTable: [(String, String)] = [
    ("cis.console-user-no-mfa", "bob"),
    ("cis.policy-attached-to-user", "bob"),
    ("unused.user", "bob"),
    ("ext.public-trust", "OrgRole"),
    ("ext.cross-account-no-external-id", "VendorRole"),
    ("ext.federated-no-audience", "GoodGitHub"),
    ("hyg.delegated-admin-no-boundary", "BoundedAdmin"),
    ("hyg.breakglass-no-mfa", "DelegatedAdmin"),
    ("lp.wildcard-sensitive-action", "DevReadOnly"),
    ("unused.role", "AppRole"),
    ("cis.no-support-role", "root"),
    ("lint.unknown-action", "DevReadOnly"),
  ]

  @Test(arguments: cleanTable)
  func cleanControlRaisesNothing(rule: String, entity: String) throws {
    let labels = Set(try plantedFindings().map(label))
    #expect(!labels.contains("\(rule) @ \(entity)"))
  }

  @Test func serviceLinkedRolesAreLeftAlone() throws {
    #expect(try plantedFindings().allSatisfy { !$0.entity.contains("AWSServiceRoleForSupport") })
  }

  @Test func cleanAccountRaisesOnlyTheOfflineAccessAnalyzerNote() throws {
    let findings = try analyzeFixtures(details: ["clean/authorization-details.json", "planted/authorization-details.json"])
      .filter { $0.account == "222222222222" }
    #expect(findings.map(\.rule) == ["cis.no-access-analyzer"])
  }

  @Test func trustWithinTheAnalyzedAccountsIsNotExternal() throws {
    let findings = try analyzeFixtures(details: ["clean/authorization-details.json"])
    #expect(findings.contains { $0.rule == "ext.cross-account-trust" })  // 111111111111 not analyzed
    let together = try analyzeFixtures(details: ["clean/authorization-details.json", "planted/authorization-details.json"])
    #expect(!together.contains { $0.rule == "ext.cross-account-trust" && $0.account == "222222222222" })
  }

  @Test func trustedAccountsOptionWidensTheZoneOfTrust() throws {
    let findings = try analyzeFixtures(details: ["planted/authorization-details.json"], trusted: ["999999999999"])
    #expect(!findings.contains { label($0) == "ext.cross-account-trust @ PartnerRole" })
  }

  @Test func cloudTrailActivityCountsAsUse() throws {
    let findings = try analyzeFixtures(details: ["planted/authorization-details.json"], trail: ["trail"])
    let labels = Set(findings.map(label))
    #expect(!labels.contains("unused.role @ PartnerRole"))
    #expect(!labels.contains("unused.role @ PublicRole"))  // from the gzipped file
  }

  /// The engine decides with the organization's SCPs: an SCP denying IAM changes takes away
  /// administrator equivalence and the escalation paths it blocks.
  @Test func serviceControlPoliciesTakePartInTheEnginesDecisions() throws {
    let findings = try analyzeFixtures(details: ["planted/authorization-details.json"], scps: "scps")
    let labels = Set(findings.map(label))
    #expect(!labels.contains("lp.admin-equivalent @ alice"))
    #expect(!labels.contains("hyg.delegated-admin-no-boundary @ DelegatedAdmin"))
    #expect(labels.contains("lp.passrole-all-resources @ DeployPolicy"))  // the policy text is still too broad
  }

  @Test func withoutCredentialReportNoCredentialFindings() throws {
    let findings = try analyzeFixtures(details: ["planted/authorization-details.json"])
    #expect(!findings.contains { $0.rule.hasPrefix("cis.root") || $0.rule == "cis.console-user-no-mfa" || $0.rule == "cis.password-policy-weak" })
  }

  @Test func reportOrderIsDeterministicAndMostSevereFirst() throws {
    let a = try plantedFindings()
    let b = try plantedFindings()
    #expect(a == b)
    #expect(zip(a, a.dropFirst()).allSatisfy { $0.severity >= $1.severity })
    #expect(Set(a.map(\.id)).count == a.count)
  }

  @Test func everyRuleUsedIsInTheCatalogueWithControls() throws {
    for f in try plantedFindings() {
      #expect(RuleCatalogue.byID[f.rule] != nil, "\(f.rule) not in the catalogue")
    }
    #expect(RuleCatalogue.rule("cis.root-no-mfa").controls.contains("CIS-AWS-3.0 1.5"))
    #expect(RuleCatalogue.rule("cis.root-no-mfa").controls.contains("HIPAA 164.312(d)"))
    #expect(RuleCatalogue.rule("lp.admin-equivalent").controls.contains("SOC2 CC6.1"))
  }
}
