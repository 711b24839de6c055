import Foundation
import PolicyEngine

/// One problem the linter found in a policy document, located as Access Analyzer's
/// `ValidatePolicy` locates them (statement index and element).
public struct LintFinding: Sendable, Equatable {
  /// The catalogue rule (`lint.unknown-action`...).
  public var rule: String
  /// Access Analyzer's finding type: `ERROR`, `SECURITY_WARNING`, `WARNING` or `SUGGESTION`.
  public var findingType: String
  /// The statement index, when the problem is in one.
  public var statement: Int?
  /// The element (`Action`, `Resource`, `Condition`...).
  public var element: String?
  public var detail: String
}

/// Checks policy documents against the service authorization reference: unknown services,
/// actions and condition keys; condition keys the statement's actions do not support; resources
/// in no format the actions take; redundant statements; Deny with NotAction and no condition.
public struct PolicyLinter: Sendable {
  public var reference: ServiceReference

  public init(reference: ServiceReference = .bundled) {
    self.reference = reference
  }

  /// Lints `text` as a policy of `kind`.
  public func lint(_ text: String, kind: PolicyKind) -> [LintFinding] {
    let result = PolicyParser.parse(bytes: Array(text.utf8), kind: kind, enforcingSizeLimit: false)
    guard let document = result.document else {
      let e = result.firstError
      let place = e?.line.map { " at line \($0), column \(e?.column ?? 1)" } ?? ""
      return [LintFinding(rule: "lint.invalid-policy", findingType: "ERROR", statement: nil, element: nil,
                          detail: "\(e?.message ?? "invalid policy") (\(e?.detail ?? "")\(place))")]
    }
    return lint(document, kind: kind)
  }

  /// Lints a parsed document of `kind`.
  public func lint(_ document: PolicyDocument, kind: PolicyKind = .managed) -> [LintFinding] {
    var out: [LintFinding] = []
    var seen: [String: Int] = [:]
    for s in document.statements {
      func add(_ rule: String, _ type: String, _ element: String, _ detail: String) {
        out.append(LintFinding(rule: rule, findingType: type, statement: s.index, element: element, detail: detail))
      }
      // Actions.
      var actions: [ServiceReference.Action] = []
      var unbounded = s.action.isNegated
      for pattern in s.action.values {
        if pattern == "*" { unbounded = true; continue }
        guard let colon = pattern.firstIndex(of: ":") else { continue }
        let service = String(pattern[..<colon])
        let name = pattern[pattern.index(after: colon)...]
        if service.contains("*") || service.contains("?") { unbounded = true; continue }
        guard reference.service(service) != nil else {
          add("lint.unknown-service", "ERROR", s.action.isNegated ? "NotAction" : "Action",
              "`\(service)` in `\(pattern)` is not an AWS service prefix")
          continue
        }
        let matches = reference.expand(pattern)
        if matches.isEmpty {
          add("lint.unknown-action", "ERROR", s.action.isNegated ? "NotAction" : "Action",
              name.contains("*") || name.contains("?") ? "`\(pattern)` matches no action of `\(service)`" : "`\(pattern)` is not an action of `\(service)`")
        }
        actions += matches
      }
      // Within one statement, an action already covered by a wildcard of the same statement.
      for (i, a) in s.action.values.enumerated() where !a.contains("*") && !a.contains("?") {
        for (j, b) in s.action.values.enumerated() where i != j && (b.contains("*") || b.contains("?")) {
          if WildcardPattern(b, ignoresCase: true).matches(a) {
            add("lint.redundant-statement", "SUGGESTION", "Action", "`\(a)` is already matched by `\(b)` in the same statement")
            break
          }
        }
      }
      // Condition keys.
      for c in s.conditions {
        let key = c.key
        guard let colon = key.firstIndex(of: ":") else { continue }
        let prefix = key[..<colon].lowercased()
        if prefix == "aws" {
          if !ServiceReference.isGlobalConditionKey(key) {
            add("lint.unknown-condition-key", "ERROR", "Condition", "`\(key)` is not a global condition key")
          }
          continue
        }
        guard let service = reference.service(prefix) else { continue }  // OIDC/SAML keys and the like
        if !service.definesConditionKey(key) {
          add("lint.unknown-condition-key", "ERROR", "Condition", "`\(key)` is not a condition key of `\(prefix)`")
          continue
        }
        if !unbounded && !actions.isEmpty {
          let supported = actions.contains { a in
            ServiceReference.keyList(a.conditionKeys, contains: key)
              || a.resourceTypes.contains { ServiceReference.keyList($0.conditionKeys, contains: key) }
          }
          if !supported {
            add("lint.condition-key-not-applicable", "WARNING", "Condition",
                "none of the statement's actions supports `\(key)`")
          }
        }
      }
      // Resources against the actions' resource types.
      if !unbounded && !actions.isEmpty, let resource = s.resource, !resource.isNegated {
        for r in resource.values where r != "*" && r.hasPrefix("arn:") {
          let concrete = ServiceReference.ResourceType.concrete(r)
          let fits = actions.contains { a in a.resourceTypes.contains { $0.admits(concrete: concrete) } }
          if !fits {
            let services = Set(actions.map(\.service)).sorted().joined(separator: ", ")
            add("lint.resource-mismatch", "WARNING", "Resource",
                "`\(r)` matches no resource type of the statement's actions (\(services))")
          }
        }
      }
      // Security warnings Access Analyzer also raises (the analyzer reports them as
      // lp.passrole-all-resources and ext.public-trust instead, with more context).
      if s.effect == .allow, !s.action.isNegated, let resource = s.resource, !resource.isNegated, resource.values.contains("*"),
        s.action.values.contains(where: { WildcardPattern($0, ignoresCase: true).matches("iam:PassRole") })
      {
        add("lint.passrole-wildcard", "SECURITY_WARNING", "Resource", "iam:PassRole with `*` lets the principal pass any role to a service")
      }
      if s.effect == .allow, let principal = s.principal {
        let keys = Set(s.conditions.map { $0.key.lowercased() })
        let everyone = principal.isEveryone || principal.entries.contains { $0.type == .aws && $0.values.contains("*") }
        if everyone && s.conditions.isEmpty {
          add("lint.public-principal", "SECURITY_WARNING", "Principal", "`Principal: *` without conditions grants access to anyone")
        }
        let services = principal.entries.filter { $0.type == .service }.flatMap(\.values)
        if !services.isEmpty && document.statements.count > 0 && kind == .resource
          && !keys.contains("aws:sourcearn") && !keys.contains("aws:sourceaccount") && !keys.contains("aws:sourceorgid")
        {
          add("lint.service-principal-no-source", "SECURITY_WARNING", "Principal",
              "service principal \(services.joined(separator: ", ")) without aws:SourceArn or aws:SourceAccount (confused deputy)")
        }
      }
      // aws:MultiFactorAuthPresent is absent (not false) for long-term access keys, so
      // `Deny ... Bool false` never applies to them and `Allow ... BoolIfExists true` always does.
      for c in s.conditions where c.key.lowercased() == "aws:multifactorauthpresent" && c.conditionOperator.base == .bool
        && c.conditionOperator.qualifier == nil
      {
        let values = Set(c.values.map { $0.lowercased() })
        if s.effect == .deny && !c.conditionOperator.ifExists && values == ["false"] {
          add("lint.mfa-condition-pitfall", "SECURITY_WARNING", "Condition",
              "Deny with `Bool aws:MultiFactorAuthPresent false` never applies to access keys (the key is absent); use BoolIfExists")
        }
        if s.effect == .allow && c.conditionOperator.ifExists && values == ["true"] {
          add("lint.mfa-condition-pitfall", "SECURITY_WARNING", "Condition",
              "Allow with `BoolIfExists aws:MultiFactorAuthPresent true` is always true for access keys (the key is absent); use Bool")
        }
      }
      if s.effect == .deny && s.action.isNegated && s.conditions.isEmpty {
        add("lint.deny-not-action", "WARNING", "NotAction",
            "Deny with NotAction [\(s.action.values.joined(separator: ", "))] and no condition denies every other action")
      }
      // Whole-statement duplicates (the Sid aside).
      var copy = s
      copy.sid = nil
      copy.index = 0
      copy.offset = 0
      copy.conditions = copy.conditions.map { var c = $0; c.offset = 0; return c }
      let signature = "\(copy)"
      if let first = seen[signature] {
        add("lint.redundant-statement", "SUGGESTION", "Statement", "statement repeats statement \(first)")
      } else {
        seen[signature] = s.index
      }
    }
    return out
  }
}

extension AccountContext {
  /// Lint rules that analyzer checks report with more context (lp.passrole-all-resources,
  /// ext.public-trust), so `analyze` leaves them out.
  static let coveredLintRules: Set<String> = ["lint.passrole-wildcard", "lint.public-principal", "lint.service-principal-no-source"]

  /// Runs the linter on one policy and records its findings.
  mutating func lint(_ o: PolicyOccurrence) {
    let linter = PolicyLinter(reference: reference)
    let results: [LintFinding]
    if let policy = o.parsed.policy {
      results = linter.lint(policy.document, kind: policy.kind).filter { !Self.coveredLintRules.contains($0.rule) }
    } else {
      let e = o.parsed.diagnostics.first { $0.severity == .error }
      results = [LintFinding(rule: "lint.invalid-policy", findingType: "ERROR", statement: nil, element: nil,
                             detail: "\(e?.message ?? "invalid policy") (\(e?.detail ?? ""))")]
    }
    for r in results {
      add(r.rule, type: o.entityType, entity: o.entity, policy: o.policyName, statement: r.statement,
          "\(r.element.map { "\($0): " } ?? "")\(r.detail)")
    }
  }
}
