import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension STSService {
  static func registerAssumeRole(_ h: inout [String: Handler]) {
    h["AssumeRole"] = { s, i, c in try s.assumeRole(i, c) }
  }

  /// `AssumeRole`: credentials for a session of the role, if its trust policy lets the caller in.
  ///
  /// Authorization is one engine decision for `sts:AssumeRole` on the role, with the trust
  /// policy as the resource policy: in the role's account a trust policy naming the caller (or
  /// the role of the calling session) suffices, one naming only the account delegates to the
  /// caller's identity policies, and across accounts both must allow. Session tags also need
  /// `sts:TagSession`, and a source identity `sts:SetSourceIdentity`, from the same policies.
  func assumeRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let requestedARN = input.string("RoleArn") ?? ""
    let sessionName = input.string("RoleSessionName") ?? ""
    try validateName(sessionName, member: "roleSessionName")
    if caller.isRoot { throw .accessDenied("Roles may not be assumed by root accounts.") }
    let inherited = caller.session
    let isChained = caller.isRoleSession

    // Session tags: the caller's transitive tags pass on and cannot be overridden.
    let requestTags = input.tags() ?? []
    let requestTransitive = input.strings("TransitiveTagKeys") ?? []
    try validateSessionTags(requestTags, transitiveKeys: requestTransitive, inherited: inherited?.transitiveTags ?? [])
    let tags = (inherited?.transitiveTags ?? []) + requestTags
    var transitiveKeys = inherited?.transitiveTags.map(\.key) ?? []
    transitiveKeys += requestTransitive.filter { key in !transitiveKeys.contains { $0.lowercased() == key.lowercased() } }

    // Source identity: set once, then kept down the chain.
    let requestedSource = input.string("SourceIdentity")
    if let requestedSource {
      // The name pattern has no `:`, so AWS's reserved `aws:` prefix cannot get through either.
      try validateName(requestedSource, member: "sourceIdentity")
      if let current = inherited?.sourceIdentity, current != requestedSource {
        throw .validationError("the source identity of a session cannot be changed: it is `\(current)`")
      }
    }
    let sourceIdentity = inherited?.sourceIdentity ?? requestedSource

    // Session policies.
    let (policy, policyARNs) = try sessionPolicies(input)
    let packedPercent = packedPolicyPercent(policy: policy, arns: policyARNs, tags: requestTags)
    if packedPercent > 100 { throw .packedPolicyTooLarge(percent: packedPercent) }

    // The role and the decision.
    let snapshot = directory.snapshot
    let denied = AWSError.accessDenied(
      "User: \(caller.arn) is not authorized to perform: sts:AssumeRole on resource: \(requestedARN)")
    // A role that does not exist is refused like one that does not trust the caller, so the
    // answer says nothing about another account's roles.
    guard let role = try role(requestedARN, in: snapshot) else { throw denied }
    let mfaProvedNow = try proveMFA(input, caller)
    var context = requestContext(input, role: role, tags: requestTags, transitiveKeys: requestTransitive)
    context["sts:RoleSessionName"] = .single(sessionName)
    if let mfaProvedNow {
      context["aws:MultiFactorAuthPresent"] = .single("true")
      context["aws:MultiFactorAuthAge"] = .single(String(max(0, Int(caller.time.timeIntervalSince(mfaProvedNow)))))
    }
    // Fails closed: a trust policy that no longer compiles trusts no one (without it the
    // engine would let identity policies alone decide).
    guard let trust = authorizer.policy(role.assumeRolePolicyDocument, kind: .trust, name: "\(role.name) trust policy")
    else { throw denied }
    func allows(_ action: String) -> Bool {
      authorizer.decide(
        caller, action: action, resource: role.arn, resourceAccount: role.accountID, resourcePolicy: trust,
        context: context, snapshot: snapshot
      ).isAllowed
    }
    guard allows("sts:AssumeRole") else { throw denied }
    if !requestTags.isEmpty || !requestTransitive.isEmpty, !allows("sts:TagSession") {
      throw .accessDenied("User: \(caller.arn) is not authorized to perform: sts:TagSession on resource: \(requestedARN)")
    }
    if requestedSource != nil, inherited?.sourceIdentity == nil, !allows("sts:SetSourceIdentity") {
      throw .accessDenied(
        "User: \(caller.arn) is not authorized to perform: sts:SetSourceIdentity on resource: \(requestedARN)")
    }

    // Duration: checked once the caller is known to be trusted, so a refusal does not reveal
    // the role's MaxSessionDuration.
    let duration = input.int("DurationSeconds") ?? 3600
    try validateDuration(duration, in: 900...43200)
    if isChained && duration > 3600 {
      throw .validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
    }
    if duration > role.maxSessionDuration {
      throw .validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    }

    let issued = now()
    let sessionARN = "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/\(sessionName)"
    let (session, credentials) = issueCredentials(accountID: role.accountID) { keyID, secret in
      SessionToken(
        accessKeyID: keyID, secretAccessKey: secret, accountID: role.accountID, principalARN: sessionARN,
        principalID: role.id, roleSessionName: sessionName, sourceIdentity: sourceIdentity, issuedAt: issued,
        expiration: issued.addingTimeInterval(TimeInterval(duration)),
        // MFA proved for the calling session still counts for the chained one.
        mfaAuthenticatedAt: mfaProvedNow ?? inherited?.mfaAuthenticatedAt, sessionPolicy: policy,
        sessionPolicyARNs: policyARNs, tags: tags, transitiveTagKeys: transitiveKeys)
    }
    let hasPacked = policy != nil || !policyARNs.isEmpty || !requestTags.isEmpty
    return .object([
      "Credentials": credentials,
      "AssumedRoleUser": .structure(["AssumedRoleId": .string(session.userID), "Arn": .string(sessionARN)]),
      "PackedPolicySize": hasPacked ? .int(packedPercent) : nil,
      "SourceIdentity": .str(sourceIdentity),
    ])
  }

  /// The role `arn` names, exactly (path and name as the role has them); `nil` if there is none.
  /// - Throws: `ValidationError` when `arn` is not a role ARN at all.
  func role(_ arn: String, in snapshot: DirectorySnapshot) throws(AWSError) -> Role? {
    guard let parsed = ARN(arn), parsed.service == "iam", parsed.resource.hasPrefix("role/") else {
      throw .validationError("Request ARN is invalid")
    }
    let name = String(parsed.resource.split(separator: "/").last ?? "")
    guard let role = snapshot.accounts[String(parsed.account)]?.roles[name.lowercased()], role.arn == arn else {
      return nil
    }
    return role
  }

  /// The request's own condition keys: `sts:ExternalId`, `sts:SourceIdentity`, the session tags
  /// as `aws:RequestTag/*` and `aws:TagKeys`, `sts:TransitiveTagKeys`, and the role's tags as
  /// `aws:ResourceTag/*`.
  func requestContext(_ input: ModelValue, role: Role, tags: [Tag], transitiveKeys: [String]) -> [String: ContextValue] {
    var c: [String: ContextValue] = [:]
    if let externalID = input.string("ExternalId") { c["sts:ExternalId"] = .single(externalID) }
    if let source = input.string("SourceIdentity") { c["sts:SourceIdentity"] = .single(source) }
    if !tags.isEmpty { c["aws:TagKeys"] = .multiple(tags.map(\.key)) }
    for tag in tags { c["aws:RequestTag/\(tag.key)"] = .single(tag.value) }
    if !transitiveKeys.isEmpty { c["sts:TransitiveTagKeys"] = .multiple(transitiveKeys) }
    for tag in role.tags { c["aws:ResourceTag/\(tag.key)"] = .single(tag.value) }
    return c
  }
}
