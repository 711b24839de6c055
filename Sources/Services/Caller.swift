import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Who made a request, as authentication established it, with the request facts that become
/// global condition keys.
public struct Caller: Sendable {
  /// The caller's account.
  public var accountID: String
  /// The principal as the policy engine sees it.
  public var principal: RequestPrincipal
  /// The IAM user's name, for a user's long-term key.
  public var userName: String?
  /// The principal's unique id (`aws:userid`): the user id, or the account id for root.
  public var userID: String
  /// The access key used.
  public var accessKeyID: String
  /// The client's address (`aws:SourceIp`).
  public var sourceIP: String
  /// Whether the request came over TLS (`aws:SecureTransport`).
  public var secureTransport: Bool
  /// The region from the credential scope (`aws:RequestedRegion`).
  public var region: String
  /// The request time.
  public var time: Date
  public var userAgent: String?
  /// What temporary credentials carry (role, session policies, tags, MFA state, expiry); `nil`
  /// for a long-term access key. Set by `Caller(session:...)` (`STS/Caller+Session.swift`).
  public var session: CallerSession? = nil

  public init(
    accountID: String, principal: RequestPrincipal, userName: String?, userID: String, accessKeyID: String,
    sourceIP: String, secureTransport: Bool, region: String, time: Date, userAgent: String? = nil
  ) {
    self.accountID = accountID
    self.principal = principal
    self.userName = userName
    self.userID = userID
    self.accessKeyID = accessKeyID
    self.sourceIP = sourceIP
    self.secureTransport = secureTransport
    self.region = region
    self.time = time
    self.userAgent = userAgent
  }

  /// Whether the caller is the account's root user.
  public var isRoot: Bool { principal.kind == .root }

  /// The caller's ARN as AWS prints it in `AccessDenied` messages.
  public var arn: String { principal.arn }
}
