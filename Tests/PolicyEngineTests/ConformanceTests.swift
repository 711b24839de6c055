import Foundation
import PolicyEngine
import Testing

/// One row of the conformance tables in `Conformance/*.jsonl`: a request with its policies, the
/// decision AWS's documentation says it gets, and the page that says so.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
  let file: String
  let name: String
  let source: String
  let expect: String
  let line: String

  var testDescription: String { "\(file): \(name)" }

  /// Every case of every table, in file order.
  static let all: [ConformanceCase] = load(folder: "Conformance")

  static func load(folder: String) -> [ConformanceCase] {
    guard let dir = Bundle.module.url(forResource: folder, withExtension: nil),
      let files = try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
    else { return [] }
    var cases: [ConformanceCase] = []
    for url in files.filter({ $0.pathExtension == "jsonl" }).sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
      guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
      for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
        guard let node = try? JSONParser.parse(String(line)), let members = node.members else { continue }
        func field(_ key: String) -> String { members.first { $0.key == key }?.node.string ?? "" }
        cases.append(
          ConformanceCase(
            file: url.lastPathComponent, name: field("name"), source: field("source"), expect: field("expect"),
            line: String(line)))
      }
    }
    return cases
  }
}

@Suite("Conformance with AWS's documented evaluation")
struct ConformanceTests {
  @Test("the tables are present and each case names its source")
  func tablesArePresent() {
    #expect(ConformanceCase.all.count >= 500)
    for c in ConformanceCase.all {
      #expect(!c.name.isEmpty && c.source.hasPrefix("https://docs.aws.amazon.com/"), "\(c.file): \(c.name)")
      #expect(["Allow", "ExplicitDeny", "ImplicitDeny", "Error"].contains(c.expect), "\(c.file): \(c.name)")
    }
  }

  @Test("decision matches the documentation", arguments: ConformanceCase.all)
  func decision(_ c: ConformanceCase) throws {
    let input: EvaluationInput
    do {
      input = try EvaluationInput(line: c.line)
    } catch {
      #expect(c.expect == "Error", "rejected: \(error.message) — source: \(c.source)")
      return
    }
    let compiled = CompiledPolicySet(input.policies)
    let decision = compiled.decide(input.request)
    #expect(decision.outcome.rawValue == c.expect, "\(decision.summary) — source: \(c.source)")
    // `explain` must reach the same decision as the fast path.
    #expect(compiled.explain(input.request).decision == decision)
  }
}
