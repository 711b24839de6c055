import Analyzer
import Foundation
import PolicyEngine

/// One finding of `ValidatePolicy` in Access Analyzer's shape.
struct ValidatePolicyFinding {
  var issue: AccessAnalyzerIssue
  var details: String
  var locations: [PolicySourceMap.Location]

  var json: [String: Any] {
    [
      "findingDetails": details, "findingType": issue.findingType, "issueCode": issue.code,
      "learnMoreLink": issue.learnMoreLink, "locations": locations.map(\.json),
    ]
  }

  init(issue: AccessAnalyzerIssue, details: String, locations: [PolicySourceMap.Location]) {
    self.issue = issue
    self.details = details
    self.locations = locations
  }

  /// A parser diagnostic: an error when the policy does not parse, or a warning about a value.
  init(diagnostic d: Diagnostic, in source: PolicySourceMap) {
    issue = AccessAnalyzerIssue(diagnostic: d)
    details = d.code == "syntax" && d.detail.hasPrefix("invalid JSON")
      ? "Fix the JSON syntax error at index \(d.offset ?? 0) line \(d.line ?? 1) column \(max(0, (d.column ?? 1) - 1)): \(d.detail)"
      : "\(d.message) (\(d.detail))"
    locations = [source.location(at: d.offset ?? 0)]
  }

  /// A linter finding, located at its statement and element, and at the value it names
  /// (the first backquoted token of the detail found in the element) when there is one.
  init(lint: LintFinding, in source: PolicySourceMap) {
    issue = AccessAnalyzerIssue(lint: lint)
    details = lint.detail.replacingOccurrences(of: "`", with: "")
    var path: [PolicySourceMap.PathElement] = []
    if let index = lint.statement {
      path.append(.value("Statement"))
      if source.statementsAreArray { path.append(.index(index)) }
      if let element = lint.element, element != "Statement" { path.append(.value(element)) }
    }
    // Backquoted spans are the odd-numbered pieces between backquotes.
    let pieces = lint.detail.split(separator: "`", omittingEmptySubsequences: false)
    let tokens = pieces.indices.filter { $0 % 2 == 1 }.map { String(pieces[$0]) }
    locations = [source.location(path: path, refinedBy: tokens)]
  }
}

/// Access Analyzer issue codes, with the type of finding and the anchor of its entry in the
/// policy check reference. Checks Access Analyzer does not have keep a Portcullis code (listed
/// in the README) and link to the reference's start.
struct AccessAnalyzerIssue: Equatable {
  var code: String
  var findingType: String
  /// The reference's anchor title (`invalid-action`); `nil` for Portcullis's own checks.
  var anchor: String?

  static let reference = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

  var learnMoreLink: String {
    guard let anchor else { return Self.reference }
    let kind = findingType.lowercased().replacingOccurrences(of: "_", with: "-")
    return "\(Self.reference)#access-analyzer-reference-policy-checks-\(kind)-\(anchor)"
  }

  /// An issue whose anchor is its code in lower case with hyphens.
  static func aws(_ code: String, _ type: String) -> AccessAnalyzerIssue {
    AccessAnalyzerIssue(code: code, findingType: type, anchor: code.lowercased().replacingOccurrences(of: "_", with: "-"))
  }

  static let missingVersion = aws("MISSING_VERSION", "WARNING")

  init(code: String, findingType: String, anchor: String?) {
    self.code = code
    self.findingType = findingType
    self.anchor = anchor
  }

  /// The issue for a parser diagnostic, by the diagnostic's code (and, for the generic syntax
  /// code, by what it says).
  init(diagnostic d: Diagnostic) {
    let type = d.severity == .error ? "ERROR" : "WARNING"
    let code: String
    switch d.code {
    case "duplicateSid": code = "UNIQUE_SIDS_REQUIRED"
    case "invalidSid": code = "UNSUPPORTED_SID"
    case "effectCase": code = "INVALID_EFFECT"
    case "missingAction": code = "MISSING_ACTION"
    case "missingResource": code = "MISSING_RESOURCE"
    case "missingPrincipal": code = "MISSING_PRINCIPAL"
    case "principalNotAllowed": code = "UNSUPPORTED_PRINCIPAL"
    case "invalidPrincipal": code = "INVALID_PRINCIPAL_FORMAT"
    case "unknownConditionOperator": code = "INVALID_CONDITION_OPERATOR"
    case "actionVendor", "actionColons", "trustAction": code = "INVALID_ACTION"
    case "conditionKeyVendor": code = "INVALID_CONDITION_KEY_FORMAT"
    case "resourceLegacy", "resourceFormat": code = "INVALID_ARN_RESOURCE"
    case "prohibitedResource": code = "INVALID_POLICY_ELEMENT"
    case "invalidDate": code = "TYPE_MISMATCH_DATE"
    case "invalidNumber": code = "TYPE_MISMATCH_NUMBER"
    case "invalidIPAddress": code = "TYPE_MISMATCH_IP_RANGE"
    case "invalidBoolean": code = "TYPE_MISMATCH_BOOLEAN"
    case "syntax":
      let detail = d.detail
      if detail.hasPrefix("invalid JSON") || detail.hasPrefix("duplicate") {
        code = "JSON_SYNTAX_ERROR"
      } else if detail.contains("has no `Effect`") {
        code = "MISSING_EFFECT"
      } else if detail.contains("no `Statement`") || detail.contains("`Statement` is empty") {
        code = "MISSING_STATEMENT"
      } else if detail.contains("`Version` must be") {
        code = "INVALID_VERSION"
      } else if detail.contains("`Effect` must be") {
        code = "INVALID_EFFECT"
      } else if detail.contains("cannot have both") {
        code = "UNSUPPORTED_ELEMENT_COMBINATION"
      } else if detail.hasPrefix("unknown") {
        code = "INVALID_POLICY_ELEMENT"
      } else {
        code = "DATA_TYPE_MISMATCH"
      }
    default:
      self.init(code: "POLICY_GRAMMAR", findingType: type, anchor: nil)
      return
    }
    self = .aws(code, type)
  }

  /// The issue for a linter finding.
  init(lint: LintFinding) {
    let type = lint.findingType
    switch lint.rule {
    case "lint.unknown-action": self = .aws("INVALID_ACTION", type)
    case "lint.unknown-service": self = .aws("INVALID_SERVICE_IN_ACTION", type)
    case "lint.unknown-condition-key":
      self = .aws(lint.detail.contains("global condition key") ? "INVALID_GLOBAL_CONDITION_KEY" : "INVALID_SERVICE_CONDITION_KEY", type)
    case "lint.redundant-statement": self = .aws(lint.element == "Action" ? "REDUNDANT_ACTION" : "REDUNDANT_STATEMENT", type)
    case "lint.passrole-wildcard": self = .aws("PASS_ROLE_WITH_STAR_IN_RESOURCE", type)
    case "lint.invalid-policy": self = .aws("JSON_SYNTAX_ERROR", type)
    default:
      // Portcullis's own checks: the rule id without its `lint.` prefix, in Access Analyzer's style.
      let name = lint.rule.hasPrefix("lint.") ? String(lint.rule.dropFirst(5)) : lint.rule
      self.init(code: name.uppercased().replacingOccurrences(of: "-", with: "_"), findingType: type, anchor: nil)
    }
  }
}
