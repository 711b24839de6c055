import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Authorization for callers with temporary credentials, and with a resource-based policy —
/// what STS needs now (a role's trust policy decides `AssumeRole`, and role sessions assume
/// roles in chains), written so `Authorizer.decide` can adopt it for every service.
///
/// For a role session:
/// - identity slot: the role's inline and attached policies (not a user's);
/// - permissions boundary: the role's;
/// - session slot: the inline `Policy` and `PolicyArns` passed to `AssumeRole`, present only
///   when some were passed (then they must allow too; one that no longer resolves allows
///   nothing);
/// - context: `aws:PrincipalArn` is the role's ARN (not the session's), `aws:PrincipalTag/*` the
///   role's tags overridden by session tags, `aws:MultiFactorAuthPresent` (`true` or `false`,
///   and `aws:MultiFactorAuthAge` with MFA), `aws:TokenIssueTime`, `aws:SourceIdentity`.
///
/// A session whose role was deleted (or replaced under the same name) has no permissions.
extension Authorizer {
  /// The compiled policy slots of `caller`: a user's or a role session's identity policies,
  /// boundary, and session policies.
  func callerSlots(
    _ caller: Caller, snapshot: DirectorySnapshot
  ) -> (identity: PolicySlot, boundary: PolicySlot?, session: PolicySlot?) {
    if let session = caller.session, case .federatedUser(let userName, let userID) = session.kind {
      let (identity, boundary) = federatingSlots(caller, userName: userName, userID: userID, snapshot: snapshot)
      return (identity, boundary, self.sessionSlot(session, snapshot: snapshot))
    }
    guard let session = caller.session, case .assumedRole = session.kind else {
      let (identity, boundary) = identitySlots(caller, snapshot: snapshot)
      return (identity, boundary, nil)
    }
    let sessionSlot = self.sessionSlot(session, snapshot: snapshot)
    guard let role = caller.sessionRole(in: snapshot) else {
      return (PolicySlot(kind: .identity, policies: []), nil, sessionSlot)
    }
    let (identity, boundary) = roleSlots(role, snapshot: snapshot)
    return (identity, boundary, sessionSlot)
  }

  /// A federated user's outer bound: the identity policies and boundary of the IAM user who
  /// called `GetFederationToken` (none once that user is deleted or replaced), or everything
  /// for the root user's federated users; the session policies then narrow it.
  func federatingSlots(
    _ caller: Caller, userName: String?, userID: String, snapshot: DirectorySnapshot
  ) -> (PolicySlot, PolicySlot?) {
    guard let userName else {
      let everything = policy(
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#, kind: .managed,
        name: "root user")
      return (PolicySlot(kind: .identity, policies: everything.map { [$0] } ?? []), nil)
    }
    guard snapshot.accounts[caller.accountID]?.users[userName.lowercased()]?.id == userID else {
      return (PolicySlot(kind: .identity, policies: []), nil)
    }
    var parent = caller
    parent.userName = userName
    return identitySlots(parent, snapshot: snapshot)
  }

  /// A role's identity policies and permissions boundary, compiled.
  func roleSlots(_ role: Role, snapshot: DirectorySnapshot) -> (PolicySlot, PolicySlot?) {
    var policies: [Policy] = []
    for (name, document) in role.inlinePolicies.sorted(by: { $0.key < $1.key }) {
      if let p = policy(document, kind: .roleInline, name: name) { policies.append(p) }
    }
    for arn in role.attachedPolicies {
      if let p = managedPolicy(arn, snapshot: snapshot) { policies.append(p) }
    }
    let boundary = role.permissionsBoundary.flatMap { managedPolicy($0, snapshot: snapshot) }.map {
      PolicySlot(kind: .permissionsBoundary, policies: [$0])
    }
    return (PolicySlot(kind: .identity, policies: policies), boundary)
  }

  /// The session policies of `session`, compiled; `nil` when none were passed.
  func sessionSlot(_ session: CallerSession, snapshot: DirectorySnapshot) -> PolicySlot? {
    guard session.hasSessionPolicies else { return nil }
    var policies: [Policy] = []
    if let document = session.sessionPolicy, let p = policy(document, kind: .session, name: "session policy") {
      policies.append(p)
    }
    for arn in session.sessionPolicyARNs {
      if let p = managedPolicy(arn, snapshot: snapshot) { policies.append(p) }
    }
    // Fails closed: policies were passed, so an empty slot (none resolves any more) is still
    // present and allows nothing.
    return PolicySlot(kind: .session, policies: policies)
  }

  /// The global condition keys of `caller`'s requests, session keys included.
  func callerContext(_ caller: Caller, snapshot: DirectorySnapshot) -> RequestContext {
    var c = baseContext(caller, snapshot: snapshot)
    guard let session = caller.session else { return c }
    c["aws:TokenIssueTime"] = .single(Self.iso8601(session.issuedAt))
    // Temporary credentials always say whether MFA was used (long-term keys leave it absent).
    c["aws:MultiFactorAuthPresent"] = .single(session.mfaAuthenticatedAt == nil ? "false" : "true")
    if let mfa = session.mfaAuthenticatedAt {
      c["aws:MultiFactorAuthAge"] = .single(String(max(0, Int(caller.time.timeIntervalSince(mfa)))))
    }
    if let source = session.sourceIdentity { c["aws:SourceIdentity"] = .single(source) }
    if let provider = session.federatedProvider { c["aws:FederatedProvider"] = .single(provider) }
    if case .assumedRole = session.kind {
      let role = caller.sessionRole(in: snapshot)
      if let arn = role?.arn ?? caller.principal.roleARN { c["aws:PrincipalArn"] = .single(arn) }
      for tag in role?.tags ?? [] { c["aws:PrincipalTag/\(tag.key)"] = .single(tag.value) }
    }
    for tag in session.tags { c["aws:PrincipalTag/\(tag.key)"] = .single(tag.value) }
    return c
  }

  /// The engine's decision for a call by any caller, with the resource's own policy when it has
  /// one (a role's trust policy for `sts:AssumeRole`, kind `.trust`), and the account owning the
  /// resource when it is not the caller's.
  func decide(
    _ caller: Caller, action: String, resource: String, resourceAccount: String?, resourcePolicy: Policy?,
    context: [String: ContextValue], snapshot: DirectorySnapshot
  ) -> Decision {
    var requestContext = callerContext(caller, snapshot: snapshot)
    // SCPs of the caller's account, RCPs of the resource's, and the organization keys.
    let organization = organizationGuardrails(
      caller, action: action, resourceAccount: resourceAccount, snapshot: snapshot)
    for (key, value) in organization.context { requestContext[key] = value }
    for (key, value) in context { requestContext[key] = value }
    let request = AuthorizationRequest(
      principal: caller.principal, action: action, resource: resource, context: requestContext,
      resourceAccount: resourceAccount)
    let (identity, boundary, session) = callerSlots(caller, snapshot: snapshot)
    return CompiledPolicySet(
      identity: identity, resource: resourcePolicy.map { PolicySlot(kind: .resource, policies: [$0]) },
      permissionsBoundary: boundary, session: session,
      serviceControlLevels: organization.serviceControlLevels,
      resourceControlLevels: organization.resourceControlLevels
    ).decide(request)
  }
}
