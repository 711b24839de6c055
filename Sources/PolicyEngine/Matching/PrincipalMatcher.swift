/// How a resource-based policy's `Principal` matched the caller. The evaluator needs to know,
/// because AWS lets some grants stand alone and makes others only delegate to the caller's own
/// policies.
public enum PrincipalMatch: Sendable, Equatable, Comparable {
  /// The statement names the caller's account (account id or `:root`): in the same account
  /// this only delegates to the caller's identity policies.
  case account
  /// The statement names the role whose session is calling: the grant is still limited by the
  /// session's permissions boundary and session policy.
  case role
  /// The statement names the caller itself (user ARN, session ARN, federated user, service) or
  /// everyone (`*`).
  case direct
}

/// A compiled `Principal`/`NotPrincipal` element.
struct PrincipalMatcher: Sendable {
  let isNegated: Bool
  let matchesEveryone: Bool
  /// `AWS` identifiers, as written.
  let awsValues: Set<String>
  /// Service and federated principals, lowercased, and canonical users.
  let serviceValues: Set<String>
  let federatedValues: Set<String>
  let canonicalUsers: Set<String>

  init(_ element: PrincipalElement) {
    isNegated = element.isNegated
    var everyone = false
    var aws: Set<String> = []
    var services: Set<String> = []
    var federated: Set<String> = []
    var canonical: Set<String> = []
    for entry in element.entries {
      for value in entry.values {
        switch entry.type {
        case .aws:
          if value == "*" { everyone = true } else { aws.insert(value) }
        case .service:
          if value == "*" { everyone = true } else { services.insert(value.lowercased()) }
        case .federated: federated.insert(value)
        case .canonicalUser:
          if value == "*" { everyone = true } else { canonical.insert(value) }
        }
      }
    }
    matchesEveryone = everyone
    awsValues = aws
    serviceValues = services
    federatedValues = federated
    canonicalUsers = canonical
  }

  /// How the element matches `principal`, or `nil` if it does not.
  func match(_ principal: RequestPrincipal) -> PrincipalMatch? {
    let positive = positiveMatch(principal)
    if isNegated {
      // NotPrincipal applies to everyone not listed; a session also counts as listed when its
      // role or its account is.
      return positive == nil ? .direct : nil
    }
    return positive
  }

  private func positiveMatch(_ principal: RequestPrincipal) -> PrincipalMatch? {
    switch principal.kind {
    case .service(let name):
      if matchesEveryone || serviceValues.contains(name.lowercased()) { return .direct }
      return nil
    case .anonymous:
      return matchesEveryone ? .direct : nil
    default:
      break
    }
    if matchesEveryone { return .direct }
    if awsValues.contains(principal.arn) || federatedValues.contains(principal.arn) { return .direct }
    if case .assumedRole = principal.kind, let roleARN = principal.roleARN {
      if awsValues.contains(roleARN) { return .role }
      // A role ARN with a path in the policy still names the role of this session.
      if let role = awsValues.first(where: { Self.isSameRole($0, roleARN) }), !role.isEmpty { return .role }
    }
    if !principal.account.isEmpty
      && (awsValues.contains(principal.account) || awsValues.contains(principal.accountRootARN))
    {
      return principal.kind == .root ? .direct : .account
    }
    return nil
  }

  /// Whether `written` (`arn:aws:iam::A:role/path/NAME`) names the role `roleARN`
  /// (`arn:aws:iam::A:role/NAME`, as derived from a session ARN).
  static func isSameRole(_ written: String, _ roleARN: String) -> Bool {
    guard let w = ARN(written), let r = ARN(roleARN), w.service == "iam", w.resource.hasPrefix("role/") else {
      return false
    }
    return w.account == r.account && w.partition == r.partition
      && w.resource.split(separator: "/").last == r.resource.split(separator: "/").last
  }
}
