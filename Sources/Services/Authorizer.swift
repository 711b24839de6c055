import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Synchronization

/// Authorizes every API call with the policy engine — the same engine users test their
/// policies with. There is no other permission check anywhere.
///
/// Compiled policies are cached by document text, and each principal's compiled identity slot
/// by the directory sequence number it was built from, so a request compiles nothing in the
/// common case.
public final class Authorizer: Sendable {
  private let compiled = Mutex<[String: Policy]>([:])
  private let slots = Mutex<[SlotKey: (sequence: Int64, identity: PolicySlot, boundary: PolicySlot?)]>([:])
  private let baseContexts = Mutex<[BaseContextKey: RequestContext]>([:])
  /// Each account's compiled SCP/RCP chains and organization keys (`Authorizer+Organizations`).
  let organizationPlacements = OrganizationPlacementCache()

  /// A principal's identity slot in the cache: its account and user id.
  private struct SlotKey: Hashable {
    let accountID: String
    let userID: String
  }

  /// Everything `makeBaseContext` reads. Times are kept to the second, as the context shows
  /// them, so one entry serves a busy caller for a whole second.
  private struct BaseContextKey: Hashable {
    let sourceIP: String
    let secureTransport: Bool
    let region: String
    let floorSecond: Double
    let epochSecond: Int
    let userID: String
    let accountID: String
    let arn: String
    let userAgent: String?
    let userName: String?
    /// The user's tags, key and value alternating, in order.
    let tags: [String]
  }

  /// Called with every decision's outcome (for metrics).
  private let onDecision: (@Sendable (Decision.Outcome) -> Void)?

  /// Seals the details of each denial into its `AccessDenied` message (see
  /// `AuthorizationMessage`); without a ring the message carries none.
  public let messageKeys: SessionKeyRing?

  public init(onDecision: (@Sendable (Decision.Outcome) -> Void)? = nil, messageKeys: SessionKeyRing? = nil) {
    self.onDecision = onDecision
    self.messageKeys = messageKeys
  }

  /// Allows the call or throws AWS's `AccessDenied`.
  /// - Parameters:
  ///   - action: the IAM action (`iam:CreateUser`).
  ///   - resource: the resource ARN the action applies to.
  ///   - context: condition keys specific to the action (`iam:PolicyARN`, `aws:RequestTag/...`).
  public func authorize(
    _ caller: Caller, action: String, resource: String, context: [String: ContextValue] = [:],
    snapshot: DirectorySnapshot
  ) throws(AWSError) {
    let decision = decide(caller, action: action, resource: resource, context: context, snapshot: snapshot)
    onDecision?(decision.outcome)
    guard !decision.isAllowed else { return }
    let reason = decision.awsReason(action: action).map { " \($0)" } ?? ""
    let encoded = encodedMessage(decision, caller, action: action, resource: resource, context: context, snapshot: snapshot)
    throw .accessDenied(
      "User: \(caller.arn) is not authorized to perform: \(action) on resource: \(resource)\(reason)\(encoded)")
  }

  /// ` Encoded authorization failure message: …` for a denial, or nothing without a ring.
  private func encodedMessage(
    _ decision: Decision, _ caller: Caller, action: String, resource: String, context: [String: ContextValue],
    snapshot: DirectorySnapshot
  ) -> String {
    guard let messageKeys else { return "" }
    var requestContext = callerContext(caller, snapshot: snapshot)
    for (key, value) in context { requestContext[key] = value }
    let request = AuthorizationRequest(principal: caller.principal, action: action, resource: resource, context: requestContext)
    let message = AuthorizationMessage(
      decision: decision, request: request, principalID: caller.userID, principalName: caller.userName,
      keyNames: Array(context.keys))
    return " Encoded authorization failure message: \(message.encoded(with: messageKeys))"
  }

  /// The engine's decision for the call.
  public func decide(
    _ caller: Caller, action: String, resource: String, context: [String: ContextValue] = [:],
    snapshot: DirectorySnapshot
  ) -> Decision {
    // One path for every caller: a user's policies, or a role session's role and session
    // policies (see Authorizer+Sessions).
    decide(
      caller, action: action, resource: resource, resourceAccount: nil, resourcePolicy: nil, context: context,
      snapshot: snapshot)
  }

  /// The global condition keys every request carries.
  ///
  /// Built once per caller and second (a context of a dozen keys, each lowercased and hashed
  /// in, costs more than the policy evaluation) and then reused; the cache key holds every
  /// input, the user's current tags included.
  func baseContext(_ caller: Caller, snapshot: DirectorySnapshot) -> RequestContext {
    let seconds = caller.time.timeIntervalSince1970
    guard seconds.isFinite, abs(seconds) < 1e15 else { return makeBaseContext(caller, snapshot: snapshot) }
    var tags: [String] = []
    if let name = caller.userName, let user = snapshot.accounts[caller.accountID]?.users[name.lowercased()] {
      for tag in user.tags {
        tags.append(tag.key)
        tags.append(tag.value)
      }
    }
    let key = BaseContextKey(
      sourceIP: caller.sourceIP, secureTransport: caller.secureTransport, region: caller.region,
      floorSecond: seconds.rounded(.down), epochSecond: Int(seconds), userID: caller.userID,
      accountID: caller.accountID, arn: caller.arn, userAgent: caller.userAgent, userName: caller.userName,
      tags: tags)
    if let cached = baseContexts.withLock({ $0[key] }) { return cached }
    let context = makeBaseContext(caller, snapshot: snapshot)
    baseContexts.withLock { cache in
      if cache.count >= 4096 { cache.removeAll(keepingCapacity: true) }
      cache[key] = context
    }
    return context
  }

  /// The global condition keys, built from scratch.
  func makeBaseContext(_ caller: Caller, snapshot: DirectorySnapshot) -> RequestContext {
    var c = RequestContext()
    c["aws:SourceIp"] = .single(caller.sourceIP)
    c["aws:SecureTransport"] = .single(caller.secureTransport ? "true" : "false")
    c["aws:RequestedRegion"] = .single(caller.region)
    c["aws:CurrentTime"] = .single(Self.iso8601(caller.time))
    c["aws:EpochTime"] = .single(String(Int(caller.time.timeIntervalSince1970)))
    c["aws:userid"] = .single(caller.userID)
    c["aws:PrincipalAccount"] = .single(caller.accountID)
    c["aws:PrincipalArn"] = .single(caller.arn)
    if let agent = caller.userAgent { c["aws:UserAgent"] = .single(agent) }
    if let name = caller.userName {
      c["aws:username"] = .single(name)
      if let user = snapshot.accounts[caller.accountID]?.users[name.lowercased()] {
        for tag in user.tags { c["aws:PrincipalTag/\(tag.key)"] = .single(tag.value) }
      }
    }
    return c
  }

  /// `2024-01-02T03:04:05Z`; formatted by hand (a Foundation date formatter costs more than
  /// the rest of the request together).
  static func iso8601(_ date: Date) -> String {
    TimestampFormat.iso8601.format(date)
  }

  /// The caller's identity policies (its own and its groups') and boundary, compiled.
  func identitySlots(_ caller: Caller, snapshot: DirectorySnapshot) -> (PolicySlot, PolicySlot?) {
    guard let name = caller.userName, let account = snapshot.accounts[caller.accountID],
      let user = account.users[name.lowercased()]
    else {
      return (PolicySlot(kind: .identity, policies: []), nil)
    }
    let cacheKey = SlotKey(accountID: caller.accountID, userID: user.id)
    if let cached = slots.withLock({ $0[cacheKey] }), cached.sequence == snapshot.sequence {
      return (cached.identity, cached.boundary)
    }
    var policies: [Policy] = []
    for (policyName, document) in user.inlinePolicies.sorted(by: { $0.key < $1.key }) {
      if let p = policy(document, kind: .userInline, name: policyName) { policies.append(p) }
    }
    for arn in user.attachedPolicies {
      if let p = managedPolicy(arn, snapshot: snapshot) { policies.append(p) }
    }
    for groupName in user.groups {
      guard let group = account.groups[groupName.lowercased()] else { continue }
      for (policyName, document) in group.inlinePolicies.sorted(by: { $0.key < $1.key }) {
        if let p = policy(document, kind: .groupInline, name: policyName) { policies.append(p) }
      }
      for arn in group.attachedPolicies {
        if let p = managedPolicy(arn, snapshot: snapshot) { policies.append(p) }
      }
    }
    let identity = PolicySlot(kind: .identity, policies: policies)
    let boundary = user.permissionsBoundary.flatMap { managedPolicy($0, snapshot: snapshot) }.map {
      PolicySlot(kind: .permissionsBoundary, policies: [$0])
    }
    slots.withLock { cache in
      if cache.count > 100_000 { cache.removeAll() }
      cache[cacheKey] = (snapshot.sequence, identity, boundary)
    }
    return (identity, boundary)
  }

  /// The default version of a customer or AWS managed policy, compiled.
  func managedPolicy(_ arn: String, snapshot: DirectorySnapshot) -> Policy? {
    if arn.hasPrefix("arn:aws:iam::aws:policy") {
      guard let managed = AWSManagedPolicies.shared.policy(arn: arn) else { return nil }
      return policy(managed.document, kind: .managed, name: managed.name)
    }
    guard let parsed = ARN(arn), let account = snapshot.accounts[String(parsed.account)] else { return nil }
    let name = String(parsed.resource.split(separator: "/").last ?? "")
    guard let managed = account.policies[name.lowercased()] else { return nil }
    return policy(managed.defaultDocument, kind: .managed, name: managed.name)
  }

  /// Compiles a stored document once. Stored documents were validated when written; one that
  /// no longer parses grants nothing.
  func policy(_ document: String, kind: PolicyKind, name: String) -> Policy? {
    let key = "\(kind.rawValue)\u{0}\(name)\u{0}\(document)"
    if let cached = compiled.withLock({ $0[key] }) { return cached }
    // Stored policies are not re-checked against size quotas: quotas can change, and AWS's
    // own managed policies (ReadOnlyAccess is ~86,000 characters) are far over the customer
    // quota. A document that does not parse grants nothing (and as a boundary allows nothing).
    guard let policy = try? Policy(json: document, kind: kind, name: name, enforcingSizeLimit: false) else {
      return nil
    }
    compiled.withLock { cache in
      if cache.count > 50_000 { cache.removeAll() }
      cache[key] = policy
    }
    return policy
  }
}
