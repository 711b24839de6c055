/// Short names of the controls `ComplianceMap` uses, in our own words, so a reader of the
/// compliance view need not look each number up.
enum ComplianceControls {
  static func title(_ control: String) -> String { titles[control] ?? "" }

  static let titles: [String: String] = [
    "SOC2 CC6.1": "Logical access to information assets is restricted",
    "SOC2 CC6.2": "Users are registered, authorized, and removed when access is no longer needed",
    "SOC2 CC6.3": "Access is role-based, least-privileged, and removed when no longer needed",
    "SOC2 CC6.6": "Access from outside the system boundary is restricted",
    "ISO27001 A.5.15": "Access control",
    "ISO27001 A.5.17": "Authentication information",
    "ISO27001 A.5.18": "Access rights",
    "ISO27001 A.5.19": "Information security in supplier relationships",
    "ISO27001 A.8.2": "Privileged access rights",
    "ISO27001 A.8.3": "Information access restriction",
    "ISO27001 A.8.5": "Secure authentication",
    "HIPAA 164.312(a)(1)": "Access control (technical safeguard)",
    "HIPAA 164.312(b)": "Audit controls",
    "HIPAA 164.312(d)": "Person or entity authentication",
    "HIPAA 164.308(a)(3)(ii)(C)": "Termination procedures (workforce access)",
    "NIST-CSF PR.AA-01": "Identities and credentials are managed",
    "NIST-CSF PR.AA-03": "Users, services and hardware are authenticated",
    "NIST-CSF PR.AA-05": "Access permissions follow least privilege and separation of duties",
    "NIST-CSF PR.AC-1": "Identities and credentials are managed (CSF 1.1)",
    "NIST-CSF PR.AC-3": "Remote access is managed (CSF 1.1)",
    "NIST-CSF PR.AC-4": "Access permissions follow least privilege (CSF 1.1)",
    "NIST-CSF PR.AC-7": "Users and devices are authenticated (CSF 1.1)",
    "NIST-CSF PR.DS-01": "Data at rest is protected",
    "CMMC AC.L2-3.1.1": "Authorized access control",
    "CMMC AC.L2-3.1.3": "Control the flow of CUI",
    "CMMC AC.L2-3.1.5": "Least privilege",
    "CMMC AC.L2-3.1.7": "Privileged functions",
    "CMMC AC.L2-3.1.20": "External connections",
    "CMMC AU.L2-3.3.2": "User accountability",
    "CMMC IA.L2-3.5.3": "Multifactor authentication",
    "CMMC IA.L2-3.5.6": "Disable identifiers after inactivity",
  ]
}
