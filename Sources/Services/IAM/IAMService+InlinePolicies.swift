import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerInlinePolicies(_ h: inout [String: Handler]) {
    for entity in [AttachableEntity.user, .group, .role] {
      let noun = entity.noun
      h["Put\(noun)Policy"] = { s, i, c in try s.putInline(i, c, entity) }
      h["Get\(noun)Policy"] = { s, i, c in try s.getInline(i, c, entity) }
      h["Delete\(noun)Policy"] = { s, i, c in try s.deleteInline(i, c, entity) }
      h["List\(noun)Policies"] = { s, i, c in try s.listInline(i, c, entity) }
    }
  }

  /// Reads (or, with `write`, changes in one transaction) the inline policies of the entity
  /// named in the input, after authorizing `iam:VERB<Noun>Policy` (`List<Noun>Policies`) on it.
  private func withInlinePolicies<R: Sendable>(
    _ input: ModelValue, _ caller: Caller, _ entity: AttachableEntity, verb: String, write: Bool,
    _ body: (inout [String: String], String) throws(AWSError) -> R
  ) throws(AWSError) -> R {
    let action = verb == "List" ? "List\(entity.noun)Policies" : "\(verb)\(entity.noun)Policy"
    guard write else {
      var holder = try authorizedHolder(entity, input, caller, action: action, snapshot: directory.snapshot)
      return try body(&holder.inlinePolicies, holder.name)
    }
    return try directory.write { tx throws(AWSError) -> R in
      var holder = try authorizedHolder(entity, input, caller, action: action, snapshot: tx.snapshot)
      let result = try body(&holder.inlinePolicies, holder.name)
      try save(holder, caller: caller, in: &tx)
      return result
    }
  }

  func putInline(_ input: ModelValue, _ caller: Caller, _ entity: AttachableEntity) throws(AWSError) -> ModelValue {
    let policyName = input.string("PolicyName") ?? ""
    let document = input.string("PolicyDocument") ?? ""
    let kind = entity.inlineKind
    try withInlinePolicies(input, caller, entity, verb: "Put", write: true) { policies, entityName throws(AWSError) in
      try validatePolicy(document, kind: kind, entityName: entityName)
      // The quota counts all of the entity's inline policies together.
      let others = policies.filter { $0.key.lowercased() != policyName.lowercased() }
      let total = others.values.reduce(0) { $0 + PolicyParser.countedSize(of: Array($1.utf8)) }
        + PolicyParser.countedSize(of: Array(document.utf8))
      if let limit = kind.sizeLimit, total > limit {
        throw .limitExceeded(kind.sizeExceededMessage(limit: limit, entityName: entityName))
      }
      // Replace a policy whose name differs only in case.
      if let existing = policies.keys.first(where: { $0.lowercased() == policyName.lowercased() }) {
        policies[existing] = nil
      }
      policies[policyName] = document
    }
    return .structure([:])
  }

  func getInline(_ input: ModelValue, _ caller: Caller, _ entity: AttachableEntity) throws(AWSError) -> ModelValue {
    let policyName = input.string("PolicyName") ?? ""
    let (noun, member) = (entity.noun, entity.nameMember)
    return try withInlinePolicies(input, caller, entity, verb: "Get", write: false) { policies, entityName throws(AWSError) in
      guard let key = policies.keys.first(where: { $0.lowercased() == policyName.lowercased() }), let document = policies[key]
      else {
        throw .noSuchEntity("The \(noun.lowercased()) policy with name \(policyName) cannot be found.")
      }
      return .structure([member: .string(entityName), "PolicyName": .string(key), "PolicyDocument": urlEncodedDocument(document)])
    }
  }

  func deleteInline(_ input: ModelValue, _ caller: Caller, _ entity: AttachableEntity) throws(AWSError) -> ModelValue {
    let policyName = input.string("PolicyName") ?? ""
    let noun = entity.noun
    try withInlinePolicies(input, caller, entity, verb: "Delete", write: true) { policies, _ throws(AWSError) in
      guard let key = policies.keys.first(where: { $0.lowercased() == policyName.lowercased() }) else {
        throw .noSuchEntity("The \(noun.lowercased()) policy with name \(policyName) cannot be found.")
      }
      policies[key] = nil
    }
    return .structure([:])
  }

  func listInline(_ input: ModelValue, _ caller: Caller, _ entity: AttachableEntity) throws(AWSError) -> ModelValue {
    let names = try withInlinePolicies(input, caller, entity, verb: "List", write: false) { policies, _ throws(AWSError) in
      policies.keys.sorted()
    }
    let (slice, marker) = page(names, input: input) { $0 }
    return listOutput("PolicyNames", slice.map(ModelValue.string), marker: marker)
  }
}
