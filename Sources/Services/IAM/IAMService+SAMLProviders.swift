import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// IAM SAML 2.0 identity providers: the IdPs `AssumeRoleWithSAML` trusts.
///
/// A provider is named by `Name` and identified by `arn:aws:iam::ACCOUNT:saml-provider/NAME`;
/// each operation is authorized as `iam:<Operation>` on that ARN. The metadata document is
/// checked when it is uploaded (`SAMLMetadata`): a document without an IdP descriptor and a
/// signing certificate could never verify an assertion, so it is refused with `InvalidInput`.
extension IAMService {
  static func registerSAMLProviders(_ h: inout [String: Handler]) {
    h["CreateSAMLProvider"] = { s, i, c in try s.createSAMLProvider(i, c) }
    h["GetSAMLProvider"] = { s, i, c in try s.getSAMLProvider(i, c) }
    h["ListSAMLProviders"] = { s, i, c in try s.listSAMLProviders(i, c) }
    h["DeleteSAMLProvider"] = { s, i, c in try s.deleteSAMLProvider(i, c) }
    h["UpdateSAMLProvider"] = { s, i, c in
      if let document = i.string("SAMLMetadataDocument") {
        let metadata = try Self.samlMetadata(document)
        _ = try s.updateSAMLProvider(i, c, action: "UpdateSAMLProvider") { p, _ throws(AWSError) in
          p.metadataDocument = document
          p.entityID = metadata.entityID
          p.signingCertificates = metadata.signingCertificates
          p.validUntil = metadata.validUntil
        }
      } else {
        // Nothing to change (the encryption settings of newer models are not supported),
        // but the provider must exist and the caller be allowed.
        _ = try s.updateSAMLProvider(i, c, action: "UpdateSAMLProvider") { _, _ throws(AWSError) in }
      }
      return .object(["SAMLProviderArn": .string(i.string("SAMLProviderArn") ?? "")])
    }
    h["TagSAMLProvider"] = { s, i, c in
      try s.updateSAMLProvider(i, c, action: "TagSAMLProvider", context: s.tagContext(i.tags() ?? [])) {
        p, input throws(AWSError) in
        let tags = input.tags() ?? []
        try s.validateTags(tags, existing: p.tags, entity: "saml provider")
        p.tags.merge(tags)
      }
    }
    h["UntagSAMLProvider"] = { s, i, c in
      let keys = i.strings("TagKeys") ?? []
      return try s.updateSAMLProvider(i, c, action: "UntagSAMLProvider", context: ["aws:TagKeys": .multiple(keys)]) {
        p, _ throws(AWSError) in p.tags.remove(keys: keys)
      }
    }
    h["ListSAMLProviderTags"] = { s, i, c in try s.listSAMLProviderTags(i, c) }
  }

  /// AWS's quota: 100 SAML providers per account.
  static let maximumSAMLProviders = 100

  /// The model's bounds for `SAMLMetadataDocument`, repeated for in-process callers.
  static let samlMetadataLength = 1000...10_000_000

  /// The checked metadata, or `InvalidInput`.
  static func samlMetadata(_ document: String) throws(AWSError) -> SAMLMetadata {
    guard samlMetadataLength.contains(document.count) else {
      throw .invalidInput("Could not parse metadata: the document must be 1000 to 10000000 characters")
    }
    do {
      return try SAMLMetadata(document)
    } catch {
      throw .invalidInput("Could not parse metadata: \(error.message)")
    }
  }

  /// `ValidUntil`: the metadata's `validUntil`, else (as AWS reports it) a hundred years after
  /// the provider was created.
  static func samlValidUntil(_ provider: SAMLProvider) -> Date {
    if let validUntil = provider.validUntil { return validUntil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(byAdding: .year, value: 100, to: provider.createDate)
      ?? provider.createDate.addingTimeInterval(100 * 365.25 * 86400)
  }

  /// The provider a `SAMLProviderArn` names in the caller's account.
  func samlProvider(_ arn: String, in account: AccountDirectory) throws(AWSError) -> SAMLProvider {
    guard let parsed = ARN(arn), parsed.service == "iam", parsed.resource.hasPrefix("saml-provider/") else {
      throw .invalidInput("ARN \(arn) is not valid.")
    }
    let name = String(parsed.resource.dropFirst("saml-provider/".count))
    guard String(parsed.account) == account.account.id, let provider = account.samlProviders[name.lowercased()],
      provider.name == name
    else {
      throw .noSuchEntity("Manifest not found for arn \(arn)")
    }
    return provider
  }

  func createSAMLProvider(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("Name") ?? ""
    guard (1...128).contains(name.count),
      name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) })
    else {
      throw .validationError(violations: [
        ConstraintViolation(path: "name", value: .shown(name), constraint: "Member must satisfy regular expression pattern: [\\w._-]+")
      ])
    }
    let document = input.string("SAMLMetadataDocument") ?? ""
    let tags = input.tags() ?? []
    let metadata = try Self.samlMetadata(document)
    let provider = try directory.write { tx throws(AWSError) -> SAMLProvider in
      let arn = "arn:aws:iam::\(caller.accountID):saml-provider/\(name)"
      try authorize(caller, "CreateSAMLProvider", arn, context: tagContext(tags), snapshot: tx.snapshot)
      if !tags.isEmpty {
        try authorize(caller, "TagSAMLProvider", arn, context: tagContext(tags), snapshot: tx.snapshot)
      }
      let account = try tx.account(caller.accountID)
      if account.samlProviders[name.lowercased()] != nil {
        throw .entityAlreadyExists("SAML provider with name \(name) already exists.")
      }
      if account.samlProviders.count >= Self.maximumSAMLProviders {
        throw .limitExceeded("Cannot exceed quota for SamlProvidersPerAccount: \(Self.maximumSAMLProviders)")
      }
      try validateTags(tags, entity: "saml provider")
      var provider = SAMLProvider(
        accountID: caller.accountID, name: name, metadataDocument: document, entityID: metadata.entityID,
        signingCertificates: metadata.signingCertificates, validUntil: metadata.validUntil, createDate: now())
      provider.tags = tags
      tx.put(provider)
      return provider
    }
    return .object(["SAMLProviderArn": .string(provider.arn), "Tags": provider.tags.model])
  }

  func getSAMLProvider(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("SAMLProviderArn") ?? ""
    try authorize(caller, "GetSAMLProvider", arn, snapshot: snapshot)
    let provider = try samlProvider(arn, in: accountDirectory(caller, snapshot))
    return .object([
      "SAMLProviderUUID": .string(provider.uuid),
      "SAMLMetadataDocument": .string(provider.metadataDocument), "CreateDate": .timestamp(provider.createDate),
      "ValidUntil": .timestamp(Self.samlValidUntil(provider)), "Tags": provider.tags.model,
    ])
  }

  func listSAMLProviders(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListSAMLProviders", "*", snapshot: snapshot)
    let providers = try accountDirectory(caller, snapshot).samlProviders.values.sorted { $0.name < $1.name }
    return .structure([
      "SAMLProviderList": .list(
        providers.map {
          .object([
            "Arn": .string($0.arn), "ValidUntil": .timestamp(Self.samlValidUntil($0)),
            "CreateDate": .timestamp($0.createDate),
          ])
        })
    ])
  }

  func deleteSAMLProvider(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("SAMLProviderArn") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteSAMLProvider", arn, snapshot: tx.snapshot)
      tx.deleteSAMLProvider(try samlProvider(arn, in: tx.account(caller.accountID)))
    }
    return .structure([:])
  }

  /// Authorizes `iam:ACTION` on the provider, applies `change` to it and stores it.
  func updateSAMLProvider(
    _ input: ModelValue, _ caller: Caller, action: String, context: [String: ContextValue] = [:],
    _ change: (inout SAMLProvider, ModelValue) throws(AWSError) -> Void
  ) throws(AWSError) -> ModelValue {
    let arn = input.string("SAMLProviderArn") ?? ""
    try directory.write { tx throws(AWSError) in
      var provider = try? samlProvider(arn, in: tx.account(caller.accountID))
      try authorize(
        caller, action, arn, context: context.merging(resourceTagContext(provider?.tags ?? [])) { a, _ in a },
        snapshot: tx.snapshot)
      if provider == nil { provider = try samlProvider(arn, in: tx.account(caller.accountID)) }
      var updated = provider!
      try change(&updated, input)
      if updated != provider! { tx.put(updated) }
    }
    return .structure([:])
  }

  func listSAMLProviderTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("SAMLProviderArn") ?? ""
    try authorize(caller, "ListSAMLProviderTags", arn, snapshot: snapshot)
    let provider = try samlProvider(arn, in: accountDirectory(caller, snapshot))
    let (slice, marker) = page(Array(provider.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }
}
