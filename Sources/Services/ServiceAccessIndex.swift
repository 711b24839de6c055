import Audit
import Foundation
import Synchronization

/// Who last tried which action of which service, from the audit trail: what the
/// service-last-accessed reports (`GenerateServiceLastAccessedDetails`) are made of.
///
/// Reading every segment for every report would grow with the trail; this index keeps only the
/// newest attempt per (account, principal, service namespace, action), fed with each record as
/// the trail writer queues it (`follow(_:)`) and rebuilt from the segment files at start.
///
/// What counts, as AWS's "last accessed" does: every *authenticated* attempt, allowed or
/// denied — AWS's own documentation warns that an entry may be a request that was denied. A
/// request whose signature or credentials failed names no principal and counts for no one.
///
/// Principals are keyed by their unique id (user `AIDA…`, role `AROA…`), not their ARN: a role
/// session's record carries the role's id but an ARN without the role's path, and a user or role
/// deleted and created again under the same name must not inherit the old one's history (IAM's
/// own last-used data follows the id too).
public final class ServiceAccessIndex: Sendable {
  /// One attempt: when and from which Region.
  public struct Access: Sendable, Equatable {
    public var time: Date
    public var region: String

    public init(time: Date, region: String) {
      self.time = time
      self.region = region
    }
  }

  /// A principal of one account, by unique id.
  struct PrincipalKey: Hashable {
    var accountID: String
    var principalID: String
  }

  /// Namespace → action → newest attempt, per principal.
  private let accesses = Mutex<[PrincipalKey: [String: [String: Access]]]>([:])
  /// The trail being followed (see `catchUp()`).
  private let trail = Mutex<TrailWriter?>(nil)

  /// Errors that mean the request was never authenticated; the caller in such a record is at
  /// most a claim (an access key id), not a principal that tried the service.
  static let authenticationFailures: Set<String> = [
    "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
    "ExpiredToken", "InvalidAccessKeyId", "AuthFailure",
  ]

  public init() {}

  /// Indexes what `trail` already holds and every record it queues from now on.
  public func follow(_ trail: TrailWriter) {
    // Observe first, then read the files: a record in both is counted twice, which the newest-
    // wins merge makes harmless; in the other order one could be missed.
    trail.observe { [self] record in observe(record) }
    self.trail.withLock { $0 = trail }
    rebuild(from: trail.files)
  }

  /// Indexes every record in the segment files of `files`.
  public func rebuild(from files: TrailFiles) {
    for name in files.segmentNames() {
      guard let data = try? Data(contentsOf: files.segments.appendingPathComponent(name)) else { continue }
      for record in TrailSegment.read(Array(data)).records { observe(record) }
    }
  }

  /// Indexes one CloudTrail record if it is an authenticated API call by a user or a role session.
  public func observe(_ record: TrailJSON) {
    guard let use = Self.use(in: record) else { return }
    accesses.withLock { all in
      let newer = all[use.principal]?[use.namespace]?[use.action].map { $0.time <= use.access.time } ?? true
      if newer { all[use.principal, default: [:]][use.namespace, default: [:]][use.action] = use.access }
    }
  }

  /// The principal, namespace, action and attempt a record stands for, or nil when it is not a
  /// counted attempt.
  static func use(in record: TrailJSON) -> (principal: PrincipalKey, namespace: String, action: String, access: Access)? {
    guard record["eventType"]?.stringValue == "AwsApiCall",
      let source = record["eventSource"]?.stringValue, source.hasSuffix(".amazonaws.com"),
      let action = record["eventName"]?.stringValue, action != "unknown",
      let time = record["eventTime"]?.stringValue.flatMap(AuditEvent.parseTimestamp),
      let identity = record["userIdentity"], let accountID = identity["accountId"]?.stringValue
    else { return nil }
    if let code = record["errorCode"]?.stringValue, authenticationFailures.contains(code) { return nil }
    let principalID: String?
    switch identity["type"]?.stringValue {
    case "IAMUser": principalID = identity["principalId"]?.stringValue
    case "AssumedRole":
      let issuer = identity["sessionContext"]?["sessionIssuer"]
      principalID = issuer?["type"]?.stringValue == "Role" ? issuer?["principalId"]?.stringValue : nil
    default: principalID = nil  // the root user, federated users and anonymous callers are not entities
    }
    guard let principalID else { return nil }
    let namespace = String(source.dropLast(".amazonaws.com".count))
    let region = record["awsRegion"]?.stringValue ?? "us-east-1"
    return (PrincipalKey(accountID: accountID, principalID: principalID), namespace, action, Access(time: time, region: region))
  }

  /// Takes in what the followed trail has queued but not yet written, so a report sees every
  /// request answered before it was asked for.
  public func catchUp() {
    trail.withLock { $0 }?.flush()
  }

  /// Namespace → action → newest attempt of the principal with unique id `principalID`.
  public func accesses(accountID: String, principalID: String) -> [String: [String: Access]] {
    accesses.withLock { $0[PrincipalKey(accountID: accountID, principalID: principalID)] ?? [:] }
  }
}
