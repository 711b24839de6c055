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
  /// `"Principal": "*"`: every caller, services included.
  let matchesEveryone: Bool
  /// `{"AWS": "*"}`: every AWS identity and anonymous caller, but not services.
  let matchesEveryAWSPrincipal: Bool
  /// `AWS` identifiers, as written.
  let awsValues: Set<String>
  /// Role ARNs among `awsValues`, reduced to account and role name (sessions carry no path).
  let roles: Set<String>
  /// Service principals, lowercased.
  let serviceValues: Set<String>
  let matchesEveryService: Bool
  let federatedValues: Set<String>

  init(_ element: PrincipalElement) {
    isNegated = element.isNegated
    matchesEveryone = element.isEveryone
    var everyAWS = false
    var everyService = false
    var aws: Set<String> = []
    var roles: Set<String> = []
    var services: Set<String> = []
    var federated: Set<String> = []
    for entry in element.entries {
      for value in entry.values {
        switch entry.type {
        case .aws:
          if value == "*" {
            everyAWS = true
          } else {
            aws.insert(value)
            if let key = Self.roleKey(value) { roles.insert(key) }
          }
        case .service:
          if value == "*" { everyService = true } else { services.insert(value.lowercased()) }
        case .federated: federated.insert(value)
        case .canonicalUser:
          // S3 canonical user ids identify accounts outside IAM's ARNs; none of our principals
          // carries one, so they match nothing here.
          break
        }
      }
    }
    matchesEveryAWSPrincipal = everyAWS
    matchesEveryService = everyService
    awsValues = aws
    self.roles = roles
    serviceValues = services
    federatedValues = federated
  }

  /// `account/rolename` for a role ARN, else `nil`.
  static func roleKey(_ arn: String) -> String? {
    guard let a = ARN(arn), a.service == "iam", a.resource.hasPrefix("role/") else { return nil }
    return "\(a.partition):\(a.account)/\(a.resource.split(separator: "/").last ?? "")"
  }

  /// How the element matches `principal`, or `nil` if it does not.
  /// - Parameter denyingWithBoundary: the statement is a Deny and the caller has a permissions
  ///   boundary: AWS then applies a `NotPrincipal` Deny whatever it lists.
  func match(_ principal: RequestPrincipal, denyingWithBoundary: Bool = false) -> PrincipalMatch? {
    if isNegated {
      if denyingWithBoundary { return .direct }
      // NotPrincipal compares identities exactly: listing a role does not exempt its
      // sessions, nor listing an account its users.
      return isListedExactly(principal) ? nil : .direct
    }
    return positiveMatch(principal)
  }

  private func isListedExactly(_ principal: RequestPrincipal) -> Bool {
    if matchesEveryone { return true }
    switch principal.kind {
    case .service(let name): return matchesEveryService || serviceValues.contains(name.lowercased())
    case .anonymous: return matchesEveryAWSPrincipal
    case .root: return matchesEveryAWSPrincipal || awsValues.contains(principal.arn) || awsValues.contains(principal.account)
    default: return matchesEveryAWSPrincipal || awsValues.contains(principal.arn) || federatedValues.contains(principal.arn)
    }
  }

  private func positiveMatch(_ principal: RequestPrincipal) -> PrincipalMatch? {
    if matchesEveryone { return .direct }
    switch principal.kind {
    case .service(let name):
      return matchesEveryService || serviceValues.contains(name.lowercased()) ? .direct : nil
    case .anonymous:
      return matchesEveryAWSPrincipal ? .direct : nil
    default:
      break
    }
    if matchesEveryAWSPrincipal { return .direct }
    if awsValues.contains(principal.arn) || federatedValues.contains(principal.arn) { return .direct }
    if case .assumedRole = principal.kind, !roles.isEmpty, let roleARN = principal.roleARN,
      let key = Self.roleKey(roleARN), roles.contains(key)
    {
      return .role
    }
    if !principal.account.isEmpty
      && (awsValues.contains(principal.account) || awsValues.contains(principal.accountRootARN))
    {
      return principal.kind == .root ? .direct : .account
    }
    return nil
  }
}
