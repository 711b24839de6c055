/// Where a policy document is attached, which decides its grammar and its size quota.
///
/// AWS checks a policy differently depending on its use: an identity policy may not name a
/// principal, a trust policy must, a trust policy may not name resources, and each kind has
/// its own size quota.
public enum PolicyKind: String, CaseIterable, Sendable, Codable {
  /// A customer managed (or AWS managed) policy.
  case managed
  /// An inline policy embedded in a user.
  case userInline
  /// An inline policy embedded in a group.
  case groupInline
  /// An inline policy embedded in a role.
  case roleInline
  /// A managed policy used as a permissions boundary.
  case permissionsBoundary
  /// A role's trust policy (`AssumeRolePolicyDocument`).
  case trust
  /// A resource-based policy (bucket policy, key policy, queue policy...).
  case resource
  /// An AWS Organizations service control policy.
  case serviceControl
  /// An AWS Organizations resource control policy.
  case resourceControl
  /// A session policy passed to `AssumeRole` or `GetFederationToken`.
  case session

  /// The grammar family the kind belongs to.
  public var grammar: PolicyGrammar {
    switch self {
    case .managed, .userInline, .groupInline, .roleInline, .permissionsBoundary, .session,
      .serviceControl:
      .identity
    case .trust: .trust
    case .resource, .resourceControl: .resource
    }
  }

  /// The size quota in characters, not counting white space outside strings, as IAM counts it;
  /// `nil` where the owning service sets the limit (resource policies).
  public var sizeLimit: Int? {
    switch self {
    case .managed, .permissionsBoundary: 6_144
    case .userInline: 2_048
    case .groupInline: 5_120
    case .roleInline: 10_240
    case .trust: 2_048
    case .serviceControl, .resourceControl: 5_120
    case .session: 2_048
    case .resource: nil
    }
  }

  /// The message AWS returns (with `LimitExceeded`) when a document of this kind exceeds its
  /// quota; inline policies name their user, group or role.
  public func sizeExceededMessage(limit: Int, entityName: String? = nil) -> String {
    let entity = entityName.map { " \($0)" } ?? ""
    return switch self {
    case .managed, .permissionsBoundary: "Cannot exceed quota for PolicySize: \(limit)"
    case .trust: "Cannot exceed quota for ACLSizePerRole: \(limit)"
    case .userInline: "Maximum policy size of \(limit) bytes exceeded for user\(entity)"
    case .groupInline: "Maximum policy size of \(limit) bytes exceeded for group\(entity)"
    case .roleInline: "Maximum policy size of \(limit) bytes exceeded for role\(entity)"
    case .serviceControl, .resourceControl: "The provided policy document exceeds the maximum size of \(limit) characters"
    case .session: "Packed policy consumes more than \(limit) characters"
    case .resource: "policy document too large"
    }
  }
}

/// The three grammars of the IAM policy language.
public enum PolicyGrammar: Sendable {
  /// No `Principal`/`NotPrincipal`; `Resource` or `NotResource` required.
  case identity
  /// `Principal` or `NotPrincipal` required; `Resource` optional (it defaults to the resource
  /// the policy is attached to).
  case resource
  /// A role trust policy: `Principal` required, no `Resource`, only `sts:` actions.
  case trust
}
