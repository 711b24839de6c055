/// The kinds of policy AWS combines when it evaluates a request.
public enum PolicySlotKind: String, Sendable, Equatable, Codable, CaseIterable {
  case identity = "IdentityPolicy"
  case resource = "ResourcePolicy"
  case permissionsBoundary = "PermissionsBoundary"
  case session = "SessionPolicy"
  case serviceControl = "ServiceControlPolicy"
  case resourceControl = "ResourceControlPolicy"

  /// The noun AWS uses in `AccessDenied` messages, with its article.
  public var awsPhrase: (article: String, noun: String) {
    switch self {
    case .identity: ("an", "identity-based policy")
    case .resource: ("a", "resource-based policy")
    case .permissionsBoundary: ("a", "permissions boundary")
    case .session: ("a", "session policy")
    case .serviceControl: ("a", "service control policy")
    case .resourceControl: ("a", "resource control policy")
    }
  }
}

/// The compiled policies of one kind that take part in a decision — the caller's identity
/// policies, a permissions boundary, one level of an SCP chain... — with their statements
/// indexed by action, separately for Deny and Allow.
///
/// Build a slot once per set of policies and reuse it: the server keeps one per principal in
/// its directory snapshot.
public struct PolicySlot: Sendable {
  /// What kind of policy the slot holds.
  public let kind: PolicySlotKind
  /// A label for explanations (e.g. the OU id of an SCP level).
  public let label: String?
  /// The policies, in the order given.
  public let policies: [Policy]
  let statements: [CompiledStatement]
  let allowIndex: StatementIndex
  let denyIndex: StatementIndex

  /// Compiles the slot's index over `policies`.
  public init(kind: PolicySlotKind, policies: [Policy], label: String? = nil) {
    self.kind = kind
    self.label = label
    self.policies = policies
    var statements: [CompiledStatement] = []
    for (policyIndex, policy) in policies.enumerated() {
      for var statement in policy.statements {
        statement.origin.policyIndex = policyIndex
        statements.append(statement)
      }
    }
    self.statements = statements
    let allows = statements.indices.filter { statements[$0].effect == .allow }
    let denies = statements.indices.filter { statements[$0].effect == .deny }
    allowIndex = StatementIndex(statements, positions: allows)
    denyIndex = StatementIndex(statements, positions: denies)
  }

  /// Describes statement `position` for explanations.
  func describe(_ position: Int, match: PrincipalMatch? = nil) -> MatchedStatement {
    let statement = statements[position]
    let policy = policies[statement.origin.policyIndex]
    return MatchedStatement(
      slot: kind, label: label, policyName: policy.name, policyIndex: statement.origin.policyIndex,
      statementIndex: statement.origin.statementIndex, sid: statement.sid, effect: statement.effect,
      principalMatch: match)
  }
}
