/// One request to authorize: who, which action, on which resource, with which context.
public struct AuthorizationRequest: Sendable, Equatable {
  /// The caller.
  public var principal: RequestPrincipal
  /// The action, e.g. `s3:GetObject` (matched case-insensitively).
  public var action: String
  /// The resource ARN (or `*` for actions without a resource).
  public var resource: String
  /// The request context.
  public var context: RequestContext
  /// The account that owns the resource; `nil` means the caller's account.
  public var resourceAccount: String?

  /// Creates a request. Context keys that follow from the principal (`aws:PrincipalArn`,
  /// `aws:PrincipalAccount`, `aws:username` for IAM users, `aws:PrincipalType`) are added
  /// unless the context already has them.
  public init(
    principal: RequestPrincipal, action: String, resource: String, context: RequestContext = RequestContext(),
    resourceAccount: String? = nil, derivingPrincipalKeys: Bool = true
  ) {
    self.principal = principal
    self.action = action
    self.resource = resource
    self.context = context
    self.resourceAccount = resourceAccount
    if derivingPrincipalKeys { derivePrincipalKeys() }
  }

  /// Whether the caller and the resource are in the same account.
  public var isSameAccount: Bool {
    guard let resourceAccount, !resourceAccount.isEmpty else { return true }
    return resourceAccount == principal.account
  }

  private mutating func derivePrincipalKeys() {
    func setDefault(_ key: String, _ value: String?) {
      guard let value, context.value(lowercasedKey: key) == nil else { return }
      context.storage[key] = .single(value)
    }
    switch principal.kind {
    case .service, .anonymous:
      setDefault("aws:principalisawsservice", principal.isService ? "true" : "false")
      return
    default: break
    }
    setDefault("aws:principalarn", principal.roleARN ?? principal.arn)
    setDefault("aws:principalaccount", principal.account)
    setDefault("aws:principaltype", principal.principalType)
    setDefault("aws:principalisawsservice", "false")
    if case .user(let name) = principal.kind { setDefault("aws:username", name) }
  }
}
