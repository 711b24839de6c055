import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// IAM OpenID Connect identity providers: the issuers `AssumeRoleWithWebIdentity` trusts.
///
/// A provider is named by its URL (`https://` required, kept without it) and identified by the
/// ARN `arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH`; each operation is authorized as
/// `iam:<Operation>` on that ARN. The provider's signing keys are not part of the entity: this
/// server never goes to the network for them (see `OIDCSigningKeys`).
extension IAMService {
  static func registerOIDCProviders(_ h: inout [String: Handler]) {
    h["CreateOpenIDConnectProvider"] = { s, i, c in try s.createOIDCProvider(i, c) }
    h["GetOpenIDConnectProvider"] = { s, i, c in try s.getOIDCProvider(i, c) }
    h["ListOpenIDConnectProviders"] = { s, i, c in try s.listOIDCProviders(i, c) }
    h["DeleteOpenIDConnectProvider"] = { s, i, c in try s.deleteOIDCProvider(i, c) }
    h["UpdateOpenIDConnectProviderThumbprint"] = { s, i, c in
      try s.updateOIDCProvider(i, c, action: "UpdateOpenIDConnectProviderThumbprint") { p, input throws(AWSError) in
        p.thumbprints = try Self.validThumbprints(input.strings("ThumbprintList") ?? [])
      }
    }
    h["AddClientIDToOpenIDConnectProvider"] = { s, i, c in
      try s.updateOIDCProvider(i, c, action: "AddClientIDToOpenIDConnectProvider") { p, input throws(AWSError) in
        let id = input.string("ClientID") ?? ""
        guard !p.clientIDs.contains(id) else { return }  // adding a present id is a no-op, as in AWS
        if p.clientIDs.count >= Self.maximumClientIDs {
          throw .limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: \(Self.maximumClientIDs)")
        }
        p.clientIDs.append(id)
      }
    }
    h["RemoveClientIDFromOpenIDConnectProvider"] = { s, i, c in
      try s.updateOIDCProvider(i, c, action: "RemoveClientIDFromOpenIDConnectProvider") { p, input throws(AWSError) in
        let id = input.string("ClientID") ?? ""
        p.clientIDs.removeAll { $0 == id }  // removing an absent id is a no-op, as in AWS
      }
    }
    h["TagOpenIDConnectProvider"] = { s, i, c in
      try s.updateOIDCProvider(i, c, action: "TagOpenIDConnectProvider", context: s.tagContext(i.tags() ?? [])) {
        p, input throws(AWSError) in
        let tags = input.tags() ?? []
        try s.validateTags(tags, existing: p.tags, entity: "oidc provider")
        p.tags.merge(tags)
      }
    }
    h["UntagOpenIDConnectProvider"] = { s, i, c in
      let keys = i.strings("TagKeys") ?? []
      return try s.updateOIDCProvider(i, c, action: "UntagOpenIDConnectProvider", context: ["aws:TagKeys": .multiple(keys)]) {
        p, _ throws(AWSError) in p.tags.remove(keys: keys)
      }
    }
    h["ListOpenIDConnectProviderTags"] = { s, i, c in try s.listOIDCProviderTags(i, c) }
  }

  /// AWS's quotas: 100 client ids per provider, 5 thumbprints.
  static let maximumClientIDs = 100
  static let maximumThumbprints = 5

  /// The provider URL without its scheme, or `InvalidInput` when it is not an `https` URL with
  /// a host (tokens name their issuer by that URL, so nothing else could ever match).
  static func providerURL(_ url: String) throws(AWSError) -> String {
    guard url.lowercased().hasPrefix("https://") else {
      throw .invalidInput("The URL must begin with https://")
    }
    var rest = String(url.dropFirst("https://".count))
    while rest.hasSuffix("/") { rest.removeLast() }
    let host = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
    let components = rest.split(separator: "/", omittingEmptySubsequences: false)
    guard !host.isEmpty, !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }), !rest.contains("?"), !rest.contains("#"), !rest.contains(" ") else {
      throw .invalidInput("Invalid Url: \(url)")
    }
    return rest
  }

  /// Thumbprints: at most five, each 40 hexadecimal digits (a SHA-1 fingerprint).
  static func validThumbprints(_ list: [String]) throws(AWSError) -> [String] {
    if list.count > maximumThumbprints {
      throw .invalidInput("Thumbprint list must contain fewer than \(maximumThumbprints + 1) entries.")
    }
    for thumbprint in list where thumbprint.count != 40 || !thumbprint.allSatisfy(\.isHexDigit) {
      throw .invalidInput("Thumbprint \(thumbprint) is invalid: it must be 40 hexadecimal characters.")
    }
    return list
  }

  /// The provider an `OpenIDConnectProviderArn` names in the caller's account.
  func oidcProvider(_ arn: String, in account: AccountDirectory) throws(AWSError) -> OpenIDConnectProvider {
    guard let parsed = ARN(arn), parsed.service == "iam", parsed.resource.hasPrefix("oidc-provider/") else {
      throw .invalidInput("ARN \(arn) is not valid.")
    }
    let url = String(parsed.resource.dropFirst("oidc-provider/".count))
    guard String(parsed.account) == account.account.id, let provider = account.oidcProviders[url.lowercased()],
      provider.url == url
    else {
      throw .noSuchEntity("OpenIDConnect Provider not found for arn \(arn)")
    }
    return provider
  }

  func oidcProviderModel(_ p: OpenIDConnectProvider) -> ModelValue {
    .object([
      "Url": .string(p.url), "ClientIDList": .list(p.clientIDs.map(ModelValue.string)),
      "ThumbprintList": .list(p.thumbprints.map(ModelValue.string)), "CreateDate": .timestamp(p.createDate),
      "Tags": p.tags.model,
    ])
  }

  func createOIDCProvider(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let url = try Self.providerURL(input.string("Url") ?? "")
    let clientIDs = input.strings("ClientIDList") ?? []
    let thumbprints = try Self.validThumbprints(input.strings("ThumbprintList") ?? [])
    let tags = input.tags() ?? []
    if Set(clientIDs).count > Self.maximumClientIDs {
      throw .limitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: \(Self.maximumClientIDs)")
    }
    let provider = try directory.write { tx throws(AWSError) -> OpenIDConnectProvider in
      let arn = "arn:aws:iam::\(caller.accountID):oidc-provider/\(url)"
      try authorize(caller, "CreateOpenIDConnectProvider", arn, context: tagContext(tags), snapshot: tx.snapshot)
      if !tags.isEmpty {
        try authorize(caller, "TagOpenIDConnectProvider", arn, context: tagContext(tags), snapshot: tx.snapshot)
      }
      let account = try tx.account(caller.accountID)
      if account.oidcProviders[url.lowercased()] != nil {
        throw .entityAlreadyExists("Provider with url https://\(url) already exists.")
      }
      try validateTags(tags, entity: "oidc provider")
      var provider = OpenIDConnectProvider(accountID: caller.accountID, url: url, createDate: now())
      for id in clientIDs where !provider.clientIDs.contains(id) { provider.clientIDs.append(id) }
      provider.thumbprints = thumbprints
      provider.tags = tags
      tx.put(provider)
      return provider
    }
    return .object(["OpenIDConnectProviderArn": .string(provider.arn), "Tags": provider.tags.model])
  }

  func getOIDCProvider(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("OpenIDConnectProviderArn") ?? ""
    try authorize(caller, "GetOpenIDConnectProvider", arn, snapshot: snapshot)
    return oidcProviderModel(try oidcProvider(arn, in: accountDirectory(caller, snapshot)))
  }

  func listOIDCProviders(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListOpenIDConnectProviders", "*", snapshot: snapshot)
    let providers = try accountDirectory(caller, snapshot).oidcProviders.values.sorted { $0.url < $1.url }
    return .structure([
      "OpenIDConnectProviderList": .list(providers.map { .structure(["Arn": .string($0.arn)]) })
    ])
  }

  func deleteOIDCProvider(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let arn = input.string("OpenIDConnectProviderArn") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteOpenIDConnectProvider", arn, snapshot: tx.snapshot)
      tx.deleteOIDCProvider(try oidcProvider(arn, in: tx.account(caller.accountID)))
    }
    return .structure([:])
  }

  /// Authorizes `iam:ACTION` on the provider, applies `change` to it and stores it.
  func updateOIDCProvider(
    _ input: ModelValue, _ caller: Caller, action: String, context: [String: ContextValue] = [:],
    _ change: (inout OpenIDConnectProvider, ModelValue) throws(AWSError) -> Void
  ) throws(AWSError) -> ModelValue {
    let arn = input.string("OpenIDConnectProviderArn") ?? ""
    try directory.write { tx throws(AWSError) in
      var provider = try? oidcProvider(arn, in: tx.account(caller.accountID))
      try authorize(
        caller, action, arn, context: context.merging(resourceTagContext(provider?.tags ?? [])) { a, _ in a },
        snapshot: tx.snapshot)
      if provider == nil { provider = try oidcProvider(arn, in: tx.account(caller.accountID)) }
      var updated = provider!
      try change(&updated, input)
      if updated != provider! { tx.put(updated) }
    }
    return .structure([:])
  }

  func listOIDCProviderTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("OpenIDConnectProviderArn") ?? ""
    try authorize(caller, "ListOpenIDConnectProviderTags", arn, snapshot: snapshot)
    let provider = try oidcProvider(arn, in: accountDirectory(caller, snapshot))
    let (slice, marker) = page(Array(provider.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }
}
