import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// `GetFederationToken`: credentials for a federated user, `arn:aws:sts::ACCOUNT:federated-user/NAME`,
/// whose permissions are the session policies passed here intersected with the calling IAM
/// user's own (see `Authorizer.federatingSlots`). Without a session policy the federated user
/// has no permissions, only what resource-based policies naming it grant.
///
/// Only long-term credentials may call it (a user's or root's access key); the root user's
/// federated users last at most an hour. Their credentials can call no IAM operation and no STS
/// operation but `GetCallerIdentity`.
extension STSService {
  static func registerFederationToken(_ h: inout [String: Handler]) {
    h["GetFederationToken"] = { s, i, c in try s.getFederationToken(i, c) }
  }

  func getFederationToken(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    if caller.session != nil { throw .accessDenied("Cannot call GetFederationToken with session credentials") }
    let name = input.string("Name") ?? ""
    try validateFederatedUserName(name)
    let tags = input.tags() ?? []
    try validateSessionTags(tags, transitiveKeys: [], inherited: [])
    let (policy, policyARNs) = try sessionPolicies(input)
    let packedPercent = packedPolicyPercent(policy: policy, arns: policyARNs, tags: tags)
    if packedPercent > 100 { throw .packedPolicyTooLarge(percent: packedPercent) }
    var duration = input.int("DurationSeconds") ?? 43200
    try validateDuration(duration, in: 900...129_600)
    // The root user's federated users are capped at an hour rather than refused, as in AWS.
    if caller.isRoot { duration = min(duration, 3600) }

    let federatedARN = "arn:aws:sts::\(caller.accountID):federated-user/\(name)"
    let snapshot = directory.snapshot
    var context: [String: ContextValue] = [:]
    if !tags.isEmpty { context["aws:TagKeys"] = .multiple(tags.map(\.key)) }
    for tag in tags { context["aws:RequestTag/\(tag.key)"] = .single(tag.value) }
    try authorizer.authorize(
      caller, action: "sts:GetFederationToken", resource: federatedARN, context: context, snapshot: snapshot)
    if !tags.isEmpty {
      try authorizer.authorize(caller, action: "sts:TagSession", resource: federatedARN, context: context, snapshot: snapshot)
    }

    let issued = now()
    let federatedID = "\(caller.accountID):\(name)"
    let (_, credentials) = issueCredentials(accountID: caller.accountID) { keyID, secret in
      var token = SessionToken(
        accessKeyID: keyID, secretAccessKey: secret, accountID: caller.accountID, principalARN: federatedARN,
        principalID: federatedID, issuedAt: issued, expiration: issued.addingTimeInterval(TimeInterval(duration)),
        sessionPolicy: policy, sessionPolicyARNs: policyARNs, tags: tags)
      token.federatingUserName = caller.userName
      token.federatingUserID = caller.userID
      return token
    }
    let hasPacked = policy != nil || !policyARNs.isEmpty || !tags.isEmpty
    return .object([
      "Credentials": credentials,
      "FederatedUser": .structure(["FederatedUserId": .string(federatedID), "Arn": .string(federatedARN)]),
      "PackedPolicySize": hasPacked ? .int(packedPercent) : nil,
    ])
  }

  /// A federated user's name: 2 to 32 of `[\w+=,.@-]`, worded as the wire validation words it.
  func validateFederatedUserName(_ name: String) throws(AWSError) {
    if name.count > 32 {
      throw .validationError(violations: [
        ConstraintViolation(path: "name", value: .shown(name), constraint: "Member must have length less than or equal to 32")
      ])
    }
    try validateName(name, member: "name")
  }
}
