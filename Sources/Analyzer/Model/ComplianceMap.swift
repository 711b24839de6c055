/// The compliance controls each kind of finding gives evidence for, in one table.
///
/// Rules carry themes (`AccessControl`, `Authentication`...) and CIS numbers; this table turns a
/// theme into the controls of SOC 2, ISO/IEC 27001:2022 Annex A, HIPAA's Security Rule, NIST CSF
/// 2.0 (and 1.1's PR.AC) and CMMC 2.0 level 2 that the theme is about.
public enum ComplianceMap {
  /// Controls per theme.
  public static let themes: [String: [String]] = [
    "AccessControl": ["SOC2 CC6.1", "SOC2 CC6.3", "ISO27001 A.5.15", "HIPAA 164.312(a)(1)", "NIST-CSF PR.AA-05", "NIST-CSF PR.AC-4", "CMMC AC.L2-3.1.1"],
    "LeastPrivilege": ["SOC2 CC6.1", "SOC2 CC6.3", "ISO27001 A.5.15", "ISO27001 A.8.2", "HIPAA 164.312(a)(1)", "NIST-CSF PR.AA-05", "NIST-CSF PR.AC-4", "CMMC AC.L2-3.1.5"],
    "PrivilegeEscalation": ["SOC2 CC6.1", "ISO27001 A.8.2", "NIST-CSF PR.AA-05", "CMMC AC.L2-3.1.5", "CMMC AC.L2-3.1.7"],
    "Authentication": ["SOC2 CC6.1", "ISO27001 A.5.17", "ISO27001 A.8.5", "HIPAA 164.312(d)", "NIST-CSF PR.AA-03", "NIST-CSF PR.AC-7", "CMMC IA.L2-3.5.3"],
    "AccountManagement": ["SOC2 CC6.2", "ISO27001 A.5.18", "HIPAA 164.308(a)(3)(ii)(C)", "NIST-CSF PR.AA-01", "NIST-CSF PR.AC-1", "CMMC AC.L2-3.1.1", "CMMC IA.L2-3.5.6"],
    "ExternalAccess": ["SOC2 CC6.1", "SOC2 CC6.6", "ISO27001 A.5.15", "ISO27001 A.5.19", "NIST-CSF PR.AA-05", "NIST-CSF PR.AC-3", "CMMC AC.L2-3.1.20"],
    "Accountability": ["SOC2 CC6.1", "ISO27001 A.8.2", "HIPAA 164.312(b)", "NIST-CSF PR.AA-01", "CMMC AU.L2-3.3.2"],
    "DataProtection": ["SOC2 CC6.1", "ISO27001 A.8.3", "HIPAA 164.312(a)(1)", "NIST-CSF PR.DS-01", "CMMC AC.L2-3.1.3"],
  ]

  /// The controls for a rule's tags: CIS numbers as `CIS-AWS 1.4`, themes expanded, sorted and deduplicated.
  public static func controls(for tags: [String]) -> [String] {
    var out: Set<String> = []
    for tag in tags {
      if tag.hasPrefix("CIS ") {
        out.insert("CIS-AWS-3.0 " + tag.dropFirst(4))
      } else {
        out.formUnion(themes[tag] ?? [])
      }
    }
    return out.sorted()
  }
}
