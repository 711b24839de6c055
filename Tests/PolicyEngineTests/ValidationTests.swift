import Foundation
import PolicyEngine
import Testing

/// One row of `Validation/grammar.jsonl`: a document, where it is used, and whether IAM
/// accepts it (with the exact message when it does not).
struct ValidationCase: CustomTestStringConvertible, Sendable {
  let name: String
  let kind: PolicyKind
  let text: String
  let valid: Bool
  let error: String
  let entityName: String?

  var testDescription: String { name }

  static let all: [ValidationCase] = {
    guard let url = Bundle.module.url(forResource: "Validation/grammar", withExtension: "jsonl"),
      let text = try? String(contentsOf: url, encoding: .utf8)
    else { return [] }
    return text.split(separator: "\n").compactMap { line in
      guard let node = try? JSONParser.parse(String(line)), let members = node.members else { return nil }
      func field(_ key: String) -> JSONNode? { members.first { $0.key == key }?.node }
      let kinds: [String: PolicyKind] = [
        "identity": .managed, "resource": .resource, "trust": .trust, "boundary": .permissionsBoundary,
        "scp": .serviceControl, "rcp": .resourceControl, "session": .session,
      ]
      let attachments: [String: PolicyKind] = [
        "managed": .managed, "user-inline": .userInline, "group-inline": .groupInline,
        "role-inline": .roleInline, "trust": .trust,
      ]
      let kind = field("attachment")?.string.flatMap { attachments[$0] } ?? kinds[field("kind")?.string ?? ""] ?? .managed
      let policyText = field("policyText")?.string ?? field("policy")?.value.rendered() ?? ""
      return ValidationCase(
        name: field("name")?.string ?? "", kind: kind, text: policyText, valid: field("valid")?.value == .bool(true),
        error: field("error")?.string ?? "", entityName: field("entityName")?.string)
    }
  }()
}

@Suite("Policy validation with IAM's rules and messages")
struct ValidationTests {
  @Test("the table is present")
  func tableIsPresent() {
    #expect(ValidationCase.all.count >= 150)
  }

  @Test("IAM's verdict and message", arguments: ValidationCase.all)
  func verdict(_ c: ValidationCase) {
    let result = PolicyParser.parse(c.text, kind: c.kind, entityName: c.entityName)
    if c.valid {
      #expect(result.document != nil, "rejected: \(result.firstError?.description ?? "")")
    } else {
      #expect(result.document == nil)
      #expect(result.firstError?.message == c.error, "\(result.firstError?.detail ?? "")")
    }
  }

  @Test("diagnostics carry the line and column of the problem")
  func diagnosticsAreLocated() {
    let text = """
      {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
          "Resource": "*", "Condition": {"StringEqualz": {"aws:username": "bob"}}}]
      }
      """
    let error = PolicyParser.parse(text, kind: .managed).firstError
    #expect(error?.message == "Invalid Condition type : StringEqualz")
    #expect(error?.line == 4)
    #expect(error?.column == 36)
  }

  @Test("size is counted without white space outside strings")
  func sizeIgnoresWhiteSpace() {
    #expect(PolicyParser.countedSize(of: Array(#"{ "a" : "b c" }"#.utf8)) == 11)
  }
}
