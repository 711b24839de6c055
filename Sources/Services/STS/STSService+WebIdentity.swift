import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// `AssumeRoleWithWebIdentity`: a role session for the holder of an OpenID Connect ID token.
///
/// The request is unsigned (the token is the credential). The token must be signed (RS256 or
/// ES256) by a key of the provider registered in the role's account for its `iss`, be meant for
/// one of the provider's client ids (`aud`), and be current (five minutes of clock skew, as
/// AWS allows). The role's trust policy must then allow `sts:AssumeRoleWithWebIdentity` for
/// `{"Federated": PROVIDER-ARN}`, with the token's claims as condition keys:
///
/// | key | value |
/// |---|---|
/// | `HOST/PATH:aud` | `azp` when the token has one, else the `aud` value that is a client id |
/// | `HOST/PATH:oaud` | `aud` (all of them), when the token has an `azp` |
/// | `HOST/PATH:sub` | `sub` |
/// | `HOST/PATH:amr` | `amr`, when present |
/// | `aws:FederatedProvider` | the provider's ARN |
/// | `sts:RoleSessionName` | `RoleSessionName` |
extension STSService {
  static func registerWebIdentity(_ h: inout [String: Handler]) {
    h["AssumeRoleWithWebIdentity"] = { s, i, c in try s.assumeRoleWithWebIdentity(i, c) }
  }

  /// The STS operations that take no signature: the caller proves itself with the assertion
  /// in the request. The HTTP layer accepts unsigned requests for these and nothing else.
  public static let unsignedOperations: Set<String> = ["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"]

  /// Tolerance for the token's `exp`, `nbf` and `iat` against this server's clock.
  static let webIdentityClockSkew: TimeInterval = 300

  /// `WebIdentityToken`'s maximum length in the STS model.
  static let maximumWebIdentityTokenSize = 20_000

  func assumeRoleWithWebIdentity(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let roleARN = input.string("RoleArn") ?? ""
    let sessionName = input.string("RoleSessionName") ?? ""
    let tokenText = input.string("WebIdentityToken") ?? ""
    try validateName(sessionName, member: "roleSessionName")
    try validateFederationCredential(tokenText, member: "webIdentityToken", maximum: Self.maximumWebIdentityTokenSize)
    let (policy, policyARNs) = try sessionPolicies(input)
    let packedPercent = packedPolicyPercent(policy: policy, arns: policyARNs, tags: [])
    if packedPercent > 100 { throw .packedPolicyTooLarge(percent: packedPercent) }

    // The token first: an invalid one says nothing about the account's roles.
    let token: JSONWebToken
    do {
      token = try JSONWebToken(tokenText)
    } catch {
      throw .invalidIdentityToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
    }
    guard let issuer = token.issuer else {
      throw .invalidIdentityToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
    }

    let snapshot = directory.snapshot
    let denied = AWSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
    guard let parsedRole = ARN(roleARN), parsedRole.service == "iam", parsedRole.resource.hasPrefix("role/") else {
      throw .validationError("Request ARN is invalid")
    }
    let accountID = String(parsedRole.account)
    guard let provider = Self.provider(issuer: issuer, in: snapshot.accounts[accountID]) else {
      throw .invalidIdentityToken("No OpenIDConnect provider found in your account for \(issuer)")
    }
    let claims = try verifiedClaims(token, provider: provider)

    guard let role = try role(roleARN, in: snapshot) else { throw denied }
    guard let trust = authorizer.policy(role.assumeRolePolicyDocument, kind: .trust, name: "\(role.name) trust policy")
    else { throw denied }
    let federated = Caller(
      accountID: role.accountID, principal: RequestPrincipal(provider.arn), userName: nil, userID: provider.arn,
      accessKeyID: "", sourceIP: caller.sourceIP, secureTransport: caller.secureTransport, region: caller.region,
      time: caller.time, userAgent: caller.userAgent)
    var context = requestContext(input, role: role, tags: [], transitiveKeys: [])
    context["sts:RoleSessionName"] = .single(sessionName)
    context["aws:FederatedProvider"] = .single(provider.arn)
    context["\(provider.url):aud"] = .single(claims.audience)
    context["\(provider.url):sub"] = .single(claims.subject)
    if token.authorizedParty != nil { context["\(provider.url):oaud"] = .multiple(token.audiences) }
    let amr = token.authenticationMethods
    if !amr.isEmpty { context["\(provider.url):amr"] = .multiple(amr) }
    let decision = authorizer.decide(
      federated, action: "sts:AssumeRoleWithWebIdentity", resource: role.arn, resourceAccount: role.accountID,
      resourcePolicy: trust, context: context, snapshot: snapshot)
    guard decision.isAllowed else { throw denied }

    let duration = input.int("DurationSeconds") ?? 3600
    try validateDuration(duration, in: 900...43200)
    if duration > role.maxSessionDuration {
      throw .validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    }

    let issued = now()
    let sessionARN = "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/\(sessionName)"
    let (session, credentials) = issueCredentials(accountID: role.accountID) { keyID, secret in
      var token = SessionToken(
        accessKeyID: keyID, secretAccessKey: secret, accountID: role.accountID, principalARN: sessionARN,
        principalID: role.id, roleSessionName: sessionName, issuedAt: issued,
        expiration: issued.addingTimeInterval(TimeInterval(duration)), sessionPolicy: policy,
        sessionPolicyARNs: policyARNs)
      token.federatedProvider = provider.arn
      return token
    }
    let hasPacked = policy != nil || !policyARNs.isEmpty
    return .object([
      "Credentials": credentials,
      "SubjectFromWebIdentityToken": .string(claims.subject),
      "AssumedRoleUser": .structure(["AssumedRoleId": .string(session.userID), "Arn": .string(sessionARN)]),
      "PackedPolicySize": hasPacked ? .int(packedPercent) : nil,
      "Provider": .string(issuer),
      "Audience": .string(claims.audience),
    ])
  }

  /// The OIDC provider of `account` whose URL is the token's `iss` (scheme and trailing `/`
  /// aside).
  static func provider(issuer: String, in account: AccountDirectory?) -> OpenIDConnectProvider? {
    guard let account, issuer.lowercased().hasPrefix("https://") else { return nil }
    var url = String(issuer.dropFirst("https://".count))
    while url.hasSuffix("/") { url.removeLast() }
    guard let provider = account.oidcProviders[url.lowercased()], provider.url.lowercased() == url.lowercased() else {
      return nil
    }
    return provider
  }

  /// The claims a verified token vouches for.
  struct WebIdentityClaims {
    var subject: String
    /// The client id the token is for (`azp`, or the `aud` value the provider lists).
    var audience: String
  }

  /// Checks signature, audience and times; returns the claims conditions use.
  func verifiedClaims(_ token: JSONWebToken, provider: OpenIDConnectProvider) throws(AWSError) -> WebIdentityClaims {
    guard let keys = oidcKeys.keySet(for: provider.url) else { throw .couldNotRetrieveVerificationKey() }
    do {
      try token.verify(with: keys)
    } catch .noKey {
      throw .couldNotRetrieveVerificationKey()
    } catch .unsupportedAlgorithm(let alg) {
      throw .invalidIdentityToken("The ID Token uses the unsupported signing algorithm \(alg)")
    } catch {
      throw .invalidIdentityToken("The ID Token signature could not be verified")
    }
    // Audience: the token must be for one of the provider's client ids, in `aud` or in `azp`
    // (the party it was issued to, as Google sets it). When `azp` is present it is the
    // audience conditions see as `HOST/PATH:aud`.
    let party = token.authorizedParty.flatMap { provider.clientIDs.contains($0) ? $0 : nil }
    guard let match = party ?? token.audiences.first(where: provider.clientIDs.contains) else {
      throw .invalidIdentityToken("Incorrect token audience")
    }
    let audience = token.authorizedParty ?? match
    let current = now().timeIntervalSince1970
    guard let expiry = token.date("exp") else { throw .idpRejectedClaim("The ID Token has no expiration (exp) claim") }
    if current - Self.webIdentityClockSkew >= expiry {
      throw .webIdentityTokenExpired(
        "Token expired: current date/time \(Int(current)) must be before the expiration date/time\(Int(expiry))")
    }
    if let notBefore = token.date("nbf"), current + Self.webIdentityClockSkew < notBefore {
      throw .invalidIdentityToken("The ID Token is not valid yet: its nbf claim is in the future")
    }
    if let issuedAt = token.date("iat"), current + Self.webIdentityClockSkew < issuedAt {
      throw .invalidIdentityToken("The ID Token was issued in the future: its iat claim is after the current time")
    }
    guard let subject = token.subject, !subject.isEmpty else {
      throw .idpRejectedClaim("The ID Token has no subject (sub) claim")
    }
    return WebIdentityClaims(subject: subject, audience: audience)
  }
}

extension AWSError {
  /// A web identity token that is not acceptable (`InvalidIdentityToken`, 400).
  static func invalidIdentityToken(_ message: String) -> AWSError {
    AWSError(code: "InvalidIdentityToken", message: message, status: 400)
  }

  /// No signing key for the token: no key set in place for the provider, or none matching.
  static func couldNotRetrieveVerificationKey() -> AWSError {
    .invalidIdentityToken(
      "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
    )
  }

  /// The identity provider's claims are refused (`IDPRejectedClaim`, 403).
  static func idpRejectedClaim(_ message: String) -> AWSError {
    AWSError(code: "IDPRejectedClaim", message: message, status: 403)
  }

  /// An expired web identity token: `ExpiredTokenException` (400), not `ExpiredToken`.
  static func webIdentityTokenExpired(_ message: String) -> AWSError {
    AWSError(code: "ExpiredTokenException", message: message, status: 400)
  }
}
