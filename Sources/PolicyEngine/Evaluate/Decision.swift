/// The outcome of authorizing one request, with the reason that decided it.
///
/// `Decision` is what enforcement needs and costs no allocation; `Explanation` adds every
/// matching statement and the context keys the policies wanted but did not get.
public struct Decision: Sendable, Equatable {
  /// The three outcomes of IAM evaluation.
  public enum Outcome: String, Sendable, Equatable, Codable {
    case allow = "Allow"
    case explicitDeny = "ExplicitDeny"
    case implicitDeny = "ImplicitDeny"
  }

  /// Why the outcome is what it is.
  public enum Reason: Sendable, Equatable {
    /// An identity policy allowed, within any boundary and session policy.
    case allowedByIdentityPolicy
    /// A resource-based policy allowed on its own (same account) or with the identity side
    /// (cross-account).
    case allowedByResourcePolicy
    /// The account root user acting in its own account.
    case rootUser
    /// A Deny statement of this kind matched.
    case explicitDeny(PolicySlotKind)
    /// No statement of this kind allowed (for SCPs and RCPs, at `Decision.level`).
    case noAllow(PolicySlotKind)
  }

  /// Allow, explicit deny or implicit deny.
  public var outcome: Outcome
  /// The reason.
  public var reason: Reason
  /// For SCP and RCP denials, the level of the chain (0 is the organization root).
  public var level: Int?
  /// The label of that level, when the slot has one.
  public var levelLabel: String?
  /// The statement that decided: the Deny that matched, or the Allow that granted.
  public var statement: MatchedStatement?

  /// Whether the request is allowed.
  public var isAllowed: Bool { outcome == .allow }

  /// AWS's explanation clause for an `AccessDenied` message, e.g. `because no identity-based
  /// policy allows the s3:GetObject action` or `with an explicit deny in a service control
  /// policy`; `nil` when allowed.
  public func awsReason(action: String) -> String? {
    switch reason {
    case .explicitDeny(let kind):
      let p = kind.awsPhrase
      return "with an explicit deny in \(p.article) \(p.noun)"
    case .noAllow(let kind):
      return "because no \(kind.awsPhrase.noun) allows the \(action) action"
    default:
      return nil
    }
  }

  /// A one-line account of the decision in our words, e.g. `denied by the permissions boundary`.
  public var summary: String {
    let where_ = statement.map { s in
      " (\(s.policyName.isEmpty ? "policy \(s.policyIndex + 1)" : s.policyName), statement \(s.sid.map { "`\($0)`" } ?? "\(s.statementIndex + 1)"))"
    } ?? ""
    let levelText = level.map { l in levelLabel.map { " at \($0)" } ?? " at level \(l)" } ?? ""
    switch reason {
    case .allowedByIdentityPolicy: return "allowed by an identity-based policy\(where_)"
    case .allowedByResourcePolicy: return "allowed by the resource-based policy\(where_)"
    case .rootUser: return "allowed: the account root user acts in its own account"
    case .explicitDeny(let kind):
      return "explicitly denied by \(kind.awsPhrase.article) \(kind.awsPhrase.noun)\(levelText)\(where_)"
    case .noAllow(.permissionsBoundary): return "denied by the permissions boundary: it does not allow the action"
    case .noAllow(.session): return "denied by the session policy: it does not allow the action"
    case .noAllow(.serviceControl): return "no service control policy\(levelText) allows the action"
    case .noAllow(.resourceControl): return "no resource control policy\(levelText) allows the action"
    case .noAllow(.resource): return "no resource-based policy allows the action for this principal"
    case .noAllow(.identity): return "no identity-based policy allows the action"
    }
  }
}

/// A statement that matched the request, named so a person can find it.
public struct MatchedStatement: Sendable, Equatable {
  /// Which kind of policy it is in.
  public var slot: PolicySlotKind
  /// The slot's label (e.g. an SCP level's OU).
  public var label: String?
  /// The policy's name, when it has one.
  public var policyName: String
  /// The policy's position in its slot (0-based).
  public var policyIndex: Int
  /// The statement's position in its policy (0-based).
  public var statementIndex: Int
  /// The statement's `Sid`.
  public var sid: String?
  /// The statement's effect.
  public var effect: Effect
  /// For resource-based policies, how the principal matched.
  public var principalMatch: PrincipalMatch?
}

/// Everything known about a decision: what `Decision` says, plus every statement that matched
/// and the context keys conditions looked for but did not find.
public struct Explanation: Sendable, Equatable {
  /// The decision (identical to what `CompiledPolicySet.decide` returns).
  public var decision: Decision
  /// All statements whose action, resource, principal and conditions matched, by slot.
  public var matchedStatements: [MatchedStatement]
  /// Condition keys that were absent from the request where a condition needed them.
  public var missingContextKeys: [String]
}
