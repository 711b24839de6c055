import AWSWire
import Crypto
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// `AssumeRoleWithSAML`: a role session for the holder of a SAML 2.0 response from an IdP
/// registered as a SAML provider (`CreateSAMLProvider`).
///
/// The request is unsigned (the assertion is the credential). In order:
/// 1. the provider `PrincipalArn` names must exist (`InvalidIdentityToken`);
/// 2. the response must be signed (response, assertion or both) by a certificate of the
///    provider's metadata (`SAMLAssertion.verified`), and its `Issuer` be the metadata's entity id;
/// 3. it must be current: issued at most five minutes ago (`IssueInstant`), and within the
///    `Conditions` and bearer `SubjectConfirmationData` times, with five minutes of clock skew
///    (`ExpiredTokenException` once past);
/// 4. it must be for AWS: an `Audience` and a bearer `Recipient` of the AWS sign-in endpoint;
/// 5. its id must not have been accepted before (replay);
/// 6. its `https://aws.amazon.com/SAML/Attributes/Role` attribute must hold the pair
///    `ROLE-ARN,PROVIDER-ARN` (either order) of the request, and `RoleSessionName` be present;
/// 7. the role's trust policy must allow `sts:AssumeRoleWithSAML` for
///    `{"Federated": PROVIDER-ARN}` with the SAML condition keys (`samlContext`), and
///    `sts:TagSession` when the IdP passes session tags (`PrincipalTag:KEY` attributes), and
///    `sts:SetSourceIdentity` when it passes a `SourceIdentity`.
extension STSService {
  static func registerSAML(_ h: inout [String: Handler]) {
    h["AssumeRoleWithSAML"] = { s, i, c in try s.assumeRoleWithSAML(i, c) }
  }

  static let samlClockSkew: TimeInterval = 300
  /// How long after its `IssueInstant` a response is still taken.
  static let samlRedemptionWindow: TimeInterval = 300
  /// `SAMLAssertion`'s maximum length in the STS model.
  static let maximumSAMLAssertionSize = 100_000
  static let samlRoleAttribute = "https://aws.amazon.com/SAML/Attributes/Role"
  static let samlSessionNameAttribute = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
  static let samlSessionDurationAttribute = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
  static let samlSourceIdentityAttribute = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
  /// `…/PrincipalTag:KEY` attributes are session tags; `…/TransitiveTagKeys` lists the transitive ones.
  static let samlPrincipalTagPrefix = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
  static let samlTransitiveTagKeysAttribute = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
  /// Replay protection for all STS services of this process (see `SAMLReplayCache`).
  static let samlReplayCache = SAMLReplayCache()

  /// Whether `url` is the AWS sign-in SAML endpoint, global or regional
  /// (`https://REGION.signin.aws.amazon.com/saml`), or the `urn:amazon:webservices` audience.
  static func isAWSSignInEndpoint(_ url: String) -> Bool {
    if url == "urn:amazon:webservices" || url == "https://signin.aws.amazon.com/saml" { return true }
    guard url.hasPrefix("https://"), url.hasSuffix(".signin.aws.amazon.com/saml") else { return false }
    let region = url.dropFirst("https://".count).dropLast(".signin.aws.amazon.com/saml".count)
    return !region.isEmpty && region.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }
  }

  func assumeRoleWithSAML(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let roleARN = input.string("RoleArn") ?? ""
    let principalARN = input.string("PrincipalArn") ?? ""
    let encoded = input.string("SAMLAssertion") ?? ""
    try validateFederationCredential(encoded, member: "sAMLAssertion", maximum: Self.maximumSAMLAssertionSize)
    let (policy, policyARNs) = try sessionPolicies(input)
    guard let parsedRole = ARN(roleARN), parsedRole.service == "iam", parsedRole.resource.hasPrefix("role/"),
      let parsedProvider = ARN(principalARN), parsedProvider.service == "iam",
      parsedProvider.resource.hasPrefix("saml-provider/")
    else { throw .validationError("Request ARN is invalid") }

    let snapshot = directory.snapshot
    let providerName = String(parsedProvider.resource.dropFirst("saml-provider/".count))
    guard let provider = snapshot.accounts[String(parsedProvider.account)]?.samlProviders[providerName.lowercased()],
      provider.arn == principalARN
    else { throw .invalidIdentityToken("Specified provider doesn't exist") }
    let current = now()
    if let validUntil = provider.validUntil, validUntil < current {
      throw .invalidIdentityToken("The metadata of the specified provider is no longer valid")
    }

    // The assertion: signature first, then what it says.
    guard let xmlData = Data(base64Encoded: Self.trimmingWhitespace(encoded)),
      let xml = String(data: xmlData, encoding: .utf8)
    else { throw .invalidIdentityToken("Invalid base64 SAMLResponse") }
    let assertion: SAMLAssertion
    do {
      assertion = try SAMLAssertion.verified(xml, certificates: provider.signingCertificates)
    } catch {
      throw .invalidIdentityToken(error.message)
    }
    guard assertion.issuer == provider.entityID, assertion.responseIssuer.map({ $0 == provider.entityID }) ?? true
    else { throw .invalidIdentityToken("Issuer not present in specified provider") }
    let recipient = try checkSAMLConditions(assertion, now: current)

    // The IdP's grant: this role through this provider.
    let granted = (assertion.attributes[Self.samlRoleAttribute] ?? []).contains { value in
      let parts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      return parts.count == 2 && Set(parts) == [roleARN, principalARN]
    }
    let denied = AWSError.accessDenied("Not authorized to perform sts:AssumeRoleWithSAML")
    guard granted else { throw denied }
    guard let sessionName = assertion.attributes[Self.samlSessionNameAttribute]?.first else {
      throw .invalidIdentityToken("RoleSessionName is required in AuthnResponse")
    }
    guard (2...64).contains(sessionName.count),
      sessionName.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_+=,.@-".unicodeScalars.contains($0)) })
    else { throw .invalidIdentityToken("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}") }
    let sourceIdentity = assertion.attributes[Self.samlSourceIdentityAttribute]?.first
    if let sourceIdentity { try validateName(sourceIdentity, member: "sourceIdentity") }

    // Session tags from the IdP, with the same rules as AssumeRole's, and counted in the
    // packed size.
    let tags = Self.samlSessionTags(assertion)
    let transitiveKeys = assertion.attributes[Self.samlTransitiveTagKeysAttribute] ?? []
    try validateSessionTags(tags, transitiveKeys: transitiveKeys, inherited: [])
    let packedPercent = packedPolicyPercent(policy: policy, arns: policyARNs, tags: tags)
    if packedPercent > 100 { throw .packedPolicyTooLarge(percent: packedPercent) }

    guard let role = try role(roleARN, in: snapshot), role.accountID == provider.accountID else { throw denied }
    guard let trust = authorizer.policy(role.assumeRolePolicyDocument, kind: .trust, name: "\(role.name) trust policy")
    else { throw denied }
    let federated = Caller(
      accountID: role.accountID, principal: RequestPrincipal(provider.arn), userName: nil, userID: provider.arn,
      accessKeyID: "", sourceIP: caller.sourceIP, secureTransport: caller.secureTransport, region: caller.region,
      time: caller.time, userAgent: caller.userAgent)
    let nameQualifier = Self.samlNameQualifier(issuer: assertion.issuer, provider: provider)
    var context = requestContext(input, role: role, tags: tags, transitiveKeys: transitiveKeys)
    context.merge(Self.samlContext(assertion, recipient: recipient, provider: provider, nameQualifier: nameQualifier)) { _, new in new }
    context["sts:RoleSessionName"] = .single(sessionName)
    if let sourceIdentity { context["sts:SourceIdentity"] = .single(sourceIdentity) }
    func allows(_ action: String) -> Bool {
      authorizer.decide(
        federated, action: action, resource: role.arn, resourceAccount: role.accountID, resourcePolicy: trust,
        context: context, snapshot: snapshot
      ).isAllowed
    }
    guard allows("sts:AssumeRoleWithSAML") else { throw denied }
    if sourceIdentity != nil, !allows("sts:SetSourceIdentity") {
      throw .accessDenied("Not authorized to perform sts:SetSourceIdentity")
    }
    if !tags.isEmpty, !allows("sts:TagSession") {
      throw .accessDenied("Not authorized to perform sts:TagSession")
    }

    // Duration: the request's, else the IdP's SessionDuration (held to the role's maximum),
    // and never past the IdP session's SessionNotOnOrAfter.
    var duration = 3600
    if let requested = input.int("DurationSeconds") {
      try validateDuration(requested, in: 900...43200)
      if requested > role.maxSessionDuration {
        throw .validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
      }
      duration = requested
    } else if let attribute = assertion.attributes[Self.samlSessionDurationAttribute]?.first {
      guard let seconds = Int(attribute), (900...43200).contains(seconds) else {
        throw .invalidIdentityToken("SessionDuration in AuthnResponse must be an integer from 900 to 43200")
      }
      duration = min(seconds, role.maxSessionDuration)
    }
    var expiration = current.addingTimeInterval(TimeInterval(duration))
    if let sessionEnd = assertion.sessionNotOnOrAfter { expiration = min(expiration, sessionEnd) }

    // Replay last: only an assertion that would be accepted is remembered.
    let assertionExpiry = ([assertion.notOnOrAfter] + assertion.confirmations.map(\.notOnOrAfter)).compactMap { $0 }.max()
      ?? current.addingTimeInterval(Self.samlClockSkew)
    guard
      Self.samlReplayCache.accept(
        assertion.id, issuer: provider.arn, until: assertionExpiry.addingTimeInterval(Self.samlClockSkew), now: current)
    else { throw .invalidIdentityToken("The SAML assertion has already been used") }

    let sessionARN = "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/\(sessionName)"
    let (session, credentials) = issueCredentials(accountID: role.accountID) { keyID, secret in
      var token = SessionToken(
        accessKeyID: keyID, secretAccessKey: secret, accountID: role.accountID, principalARN: sessionARN,
        principalID: role.id, roleSessionName: sessionName, sourceIdentity: sourceIdentity, issuedAt: current,
        expiration: expiration, sessionPolicy: policy, sessionPolicyARNs: policyARNs, tags: tags,
        transitiveTagKeys: transitiveKeys)
      token.federatedProvider = provider.arn
      return token
    }
    let hasPacked = policy != nil || !policyARNs.isEmpty || !tags.isEmpty
    return .object([
      "Credentials": credentials,
      "AssumedRoleUser": .structure(["AssumedRoleId": .string(session.userID), "Arn": .string(sessionARN)]),
      "PackedPolicySize": hasPacked ? .int(packedPercent) : nil,
      "Subject": .str(assertion.nameID),
      "SubjectType": .str(Self.samlSubjectType(assertion.nameIDFormat)),
      "Issuer": .string(assertion.issuer),
      "Audience": .string(recipient),
      "NameQualifier": .string(nameQualifier),
      "SourceIdentity": .str(sourceIdentity),
    ])
  }

  /// Checks times, audience and recipient; returns the bearer confirmation's `Recipient`
  /// (what AWS reports as `Audience` and `saml:aud`).
  func checkSAMLConditions(_ assertion: SAMLAssertion, now current: Date) throws(AWSError) -> String {
    let skew = Self.samlClockSkew
    // AWS takes a response only within five minutes of its issue.
    if let issued = assertion.issueInstant, current.timeIntervalSince(issued) > Self.samlRedemptionWindow {
      throw .samlAssertionExpired("Token must be redeemed within 5 minutes of issuance")
    }
    if let notBefore = assertion.notBefore, current.addingTimeInterval(skew) < notBefore {
      throw .invalidIdentityToken("The SAML assertion is not yet valid: NotBefore is in the future")
    }
    if let notOnOrAfter = assertion.notOnOrAfter, current.addingTimeInterval(-skew) >= notOnOrAfter {
      throw .samlAssertionExpired()
    }
    for restriction in assertion.audienceRestrictions where !restriction.contains(where: Self.isAWSSignInEndpoint) {
      throw .invalidIdentityToken("Invalid SAML response: the assertion's audience is not AWS")
    }
    if assertion.audienceRestrictions.isEmpty {
      throw .invalidIdentityToken("Invalid SAML response: the assertion has no AudienceRestriction")
    }
    let forAWS = assertion.confirmations.filter { $0.recipient.map(Self.isAWSSignInEndpoint) ?? false }
    guard !forAWS.isEmpty else {
      throw .invalidIdentityToken("Invalid SAML response: no bearer SubjectConfirmation has the AWS sign-in Recipient")
    }
    let valid = forAWS.filter { confirmation in
      guard let notOnOrAfter = confirmation.notOnOrAfter else { return false }
      return current.addingTimeInterval(-skew) < notOnOrAfter
        && (confirmation.notBefore.map { current.addingTimeInterval(skew) >= $0 } ?? true)
    }
    guard let confirmation = valid.first else {
      if forAWS.contains(where: { $0.notOnOrAfter == nil }) {
        throw .invalidIdentityToken("Invalid SAML response: SubjectConfirmationData has no NotOnOrAfter")
      }
      throw .samlAssertionExpired()
    }
    return confirmation.recipient!
  }

  /// `SubjectType`: `persistent` and `transient` for those NameID formats, else the format
  /// URI (`unspecified` when there is none).
  static func samlSubjectType(_ format: String?) -> String {
    switch format {
    case "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent": "persistent"
    case "urn:oasis:names:tc:SAML:2.0:nameid-format:transient": "transient"
    case nil: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
    case let format?: format
    }
  }

  /// `NameQualifier` / `saml:namequalifier`: base64 of SHA-1 over the issuer, the account id
  /// and `/` with the provider's name, as AWS documents it.
  static func samlNameQualifier(issuer: String, provider: SAMLProvider) -> String {
    let digest = Insecure.SHA1.hash(data: Data("\(issuer)\(provider.accountID)/\(provider.name)".utf8))
    return Data(digest).base64EncodedString()
  }

  /// Attribute names (eduPerson, eduOrg and X.500 object identifiers) that AWS exposes as
  /// `saml:` condition keys.
  static let samlAttributeKeys: [String: String] = [
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": "saml:edupersonaffiliation",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.2": "saml:edupersonnickname",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.3": "saml:edupersonorgdn",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.4": "saml:edupersonorgunitdn",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.5": "saml:edupersonprimaryaffiliation",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": "saml:edupersonprincipalname",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.7": "saml:edupersonentitlement",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.8": "saml:edupersonprimaryorgunitdn",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.9": "saml:edupersonscopedaffiliation",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.10": "saml:edupersontargetedid",
    "urn:oid:1.3.6.1.4.1.5923.1.1.1.11": "saml:edupersonassurance",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.2": "saml:eduorghomepageuri",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.3": "saml:eduorgidentityauthnpolicyuri",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.4": "saml:eduorglegalname",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.5": "saml:eduorgsuperioruri",
    "urn:oid:1.3.6.1.4.1.5923.1.2.1.6": "saml:eduorgwhitepagesuri",
    "urn:oid:2.5.4.3": "saml:cn",
  ]

  /// The SAML condition keys of a verified assertion: `saml:aud` (the Recipient), `saml:iss`,
  /// `saml:sub`, `saml:sub_type`, `saml:namequalifier`, `saml:doc` (`ACCOUNT/PROVIDER-NAME`),
  /// the attribute keys of `samlAttributeKeys`, and `aws:FederatedProvider`.
  static func samlContext(
    _ assertion: SAMLAssertion, recipient: String, provider: SAMLProvider, nameQualifier: String
  ) -> [String: ContextValue] {
    var context: [String: ContextValue] = [
      "saml:aud": .single(recipient), "saml:iss": .single(assertion.issuer),
      "saml:namequalifier": .single(nameQualifier), "saml:doc": .single("\(provider.accountID)/\(provider.name)"),
      "saml:sub_type": .single(samlSubjectType(assertion.nameIDFormat)),
      "aws:FederatedProvider": .single(provider.arn),
    ]
    if let subject = assertion.nameID { context["saml:sub"] = .single(subject) }
    for (name, key) in samlAttributeKeys {
      if let values = assertion.attributes[name], !values.isEmpty { context[key] = .multiple(values) }
    }
    return context
  }

  /// The `PrincipalTag:KEY` attributes as session tags (the first value of each).
  static func samlSessionTags(_ assertion: SAMLAssertion) -> [Tag] {
    assertion.attributes.compactMap { name, values -> Tag? in
      guard name.hasPrefix(samlPrincipalTagPrefix), let value = values.first else { return nil }
      return Tag(key: String(name.dropFirst(samlPrincipalTagPrefix.count)), value: value)
    }.sorted { $0.key < $1.key }
  }

  static func trimmingWhitespace(_ text: String) -> String { text.filter { !$0.isWhitespace } }
}

extension AWSError {
  /// A SAML assertion past its `NotOnOrAfter` (`ExpiredTokenException`, 400).
  static func samlAssertionExpired(_ message: String = "Response has expired") -> AWSError {
    AWSError(code: "ExpiredTokenException", message: message, status: 400)
  }
}
