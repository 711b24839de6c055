import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// `GetContextKeysForPrincipalPolicy` and `GetContextKeysForCustomPolicy`: the context keys a
/// simulation of these policies may need values for — the keys of every `Condition`, and the
/// policy variables (`${aws:username}`) in resources and condition values, as AWS lists them
/// (its example lists `aws:username` from a `Resource` before `aws:CurrentTime` from a
/// `Condition`).
extension IAMService {
  func getContextKeysForPrincipalPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let sourceARN = input.string("PolicySourceArn") ?? ""
    try authorize(caller, "GetContextKeysForPrincipalPolicy", sourceARN, snapshot: snapshot)
    let source = try simulationSource(sourceARN, caller, snapshot)
    var documents = source.policies.map(\.policy.document)
    documents += try inputDocuments(input)
    return .structure(["ContextKeyNames": .list(Self.contextKeys(in: documents).map(ModelValue.string))])
  }

  func getContextKeysForCustomPolicy(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "GetContextKeysForCustomPolicy", "*", snapshot: snapshot)
    let keys = Self.contextKeys(in: try inputDocuments(input))
    return .structure(["ContextKeyNames": .list(keys.map(ModelValue.string))])
  }

  /// The parsed `PolicyInputList`; a document IAM would not accept is `InvalidInput`.
  private func inputDocuments(_ input: ModelValue) throws(AWSError) -> [PolicyDocument] {
    var documents: [PolicyDocument] = []
    for (index, text) in (input.strings("PolicyInputList") ?? []).enumerated() {
      do {
        documents.append(try Policy(json: text, kind: .managed, enforcingSizeLimit: false).document)
      } catch {
        throw .invalidInput("PolicyInputList.\(index + 1): \(error.message)")
      }
    }
    return documents
  }

  /// The keys in `documents`, each once (keys are case-insensitive; the first spelling wins),
  /// in the order they appear: statement by statement, resources, then conditions.
  static func contextKeys(in documents: [PolicyDocument]) -> [String] {
    var keys: [String] = []
    var seen = Set<String>()
    func add(_ key: String) {
      if seen.insert(key.lowercased()).inserted { keys.append(key) }
    }
    for document in documents {
      let variables = document.version.supportsVariables
      for statement in document.statements {
        if variables { for value in statement.resource?.values ?? [] { policyVariables(in: value).forEach(add) } }
        for condition in statement.conditions {
          add(condition.key)
          if variables { for value in condition.values { policyVariables(in: value).forEach(add) } }
        }
      }
    }
    return keys
  }

  /// The keys named by `${...}` variables in `text`; the special characters `${*}`, `${?}` and
  /// `${$}` are not keys, and a default value (`${aws:username, 'none'}`) is not part of one.
  static func policyVariables(in text: String) -> [String] {
    var keys: [String] = []
    var rest = Substring(text)
    while let open = rest.range(of: "${") {
      rest = rest[open.upperBound...]
      guard let close = rest.firstIndex(of: "}") else { break }
      let inner = rest[..<close]
      rest = rest[rest.index(after: close)...]
      let key = (inner.split(separator: ",", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
      if key.contains(":") { keys.append(key) }
    }
    return keys
  }
}
