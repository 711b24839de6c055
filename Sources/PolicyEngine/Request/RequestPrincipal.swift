/// Who is making a request, as the engine needs to know it: the ARN and what kind of principal
/// it names. Parsed once per request so that principal matching is comparisons only.
public struct RequestPrincipal: Sendable, Equatable {
  /// The kinds of principal IAM distinguishes.
  public enum Kind: Sendable, Equatable {
    /// An IAM user (`arn:aws:iam::A:user/path/name`).
    case user(name: String)
    /// An IAM role itself (`arn:aws:iam::A:role/path/name`), as services see it.
    case role(name: String)
    /// A role session (`arn:aws:sts::A:assumed-role/ROLE/SESSION`).
    case assumedRole(roleName: String, sessionName: String)
    /// A federated user (`arn:aws:sts::A:federated-user/NAME`).
    case federatedUser(name: String)
    /// The account root user (`arn:aws:iam::A:root`).
    case root
    /// An AWS service principal such as `ec2.amazonaws.com`.
    case service(String)
    /// An unauthenticated caller.
    case anonymous
    /// Any other ARN (e.g. an identity provider as a federated principal).
    case other
  }

  /// The principal's ARN, or the service name for service principals; empty when anonymous.
  public var arn: String
  /// The account the principal belongs to; empty for services and anonymous callers.
  public var account: String
  /// The partition, `aws` unless the ARN says otherwise.
  public var partition: String
  /// What kind of principal this is.
  public var kind: Kind

  /// An unauthenticated caller.
  public static let anonymous = RequestPrincipal(arn: "", account: "", partition: "aws", kind: .anonymous)

  init(arn: String, account: String, partition: String, kind: Kind) {
    self.arn = arn
    self.account = account
    self.partition = partition
    self.kind = kind
  }

  /// Parses a principal: an IAM or STS ARN, or a service name (`ec2.amazonaws.com`).
  public init(_ text: String) {
    guard let parsed = ARN(text) else {
      self.init(arn: text, account: "", partition: "aws", kind: text.isEmpty ? .anonymous : .service(text))
      return
    }
    let resource = parsed.resource
    let kind: Kind
    if parsed.service == "iam" && resource == "root" {
      kind = .root
    } else if parsed.service == "iam" && resource.hasPrefix("user/") {
      kind = .user(name: String(resource.split(separator: "/").last ?? ""))
    } else if parsed.service == "iam" && resource.hasPrefix("role/") {
      kind = .role(name: String(resource.split(separator: "/").last ?? ""))
    } else if parsed.service == "sts" && resource.hasPrefix("assumed-role/") {
      let parts = resource.split(separator: "/", omittingEmptySubsequences: false)
      kind = parts.count >= 3
        ? .assumedRole(roleName: String(parts[1]), sessionName: parts[2...].joined(separator: "/"))
        : .other
    } else if parsed.service == "sts" && resource.hasPrefix("federated-user/") {
      kind = .federatedUser(name: String(resource.dropFirst("federated-user/".count)))
    } else {
      kind = .other
    }
    self.init(arn: text, account: String(parsed.account), partition: String(parsed.partition), kind: kind)
  }

  /// The ARN of the role for a role session (without the role's path, which a session ARN
  /// does not carry); the principal's own ARN otherwise.
  public var roleARN: String? {
    switch kind {
    case .assumedRole(let role, _): "arn:\(partition):iam::\(account):role/\(role)"
    case .role: arn
    default: nil
    }
  }

  /// The ARN of the account's root user.
  public var accountRootARN: String { "arn:\(partition):iam::\(account):root" }

  /// The value of `aws:PrincipalType`.
  public var principalType: String? {
    switch kind {
    case .user: "User"
    case .role, .assumedRole: "AssumedRole"
    case .federatedUser: "FederatedUser"
    case .root: "Account"
    case .anonymous: "Anonymous"
    case .service, .other: nil
    }
  }

  /// Whether the principal is an AWS service.
  public var isService: Bool {
    if case .service = kind { return true }
    return false
  }
}
