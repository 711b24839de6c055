import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// The STS API: temporary credentials for role sessions (`AssumeRole`) and MFA-backed user
/// sessions (`GetSessionToken`), and who-am-I (`GetCallerIdentity`, `GetAccessKeyInfo`).
///
/// Credentials are not stored: each session token is sealed under `keyRing` and carries
/// everything about its session (`SessionToken`), so issuing one writes nothing and any node
/// with the same ring accepts it.
public final class STSService: Sendable {
  /// Checks an MFA code (`TokenCode`) for the device `serialNumber` of `caller`; `true` when
  /// valid. The MFA devices' part of the server supplies it; until then no code is valid, so a
  /// request that offers MFA fails rather than passing unverified.
  public typealias MFAVerifier = @Sendable (_ caller: Caller, _ serialNumber: String, _ tokenCode: String) -> Bool

  public let directory: Directory
  public let authorizer: Authorizer
  /// Seals the session tokens this service issues.
  public let keyRing: SessionKeyRing
  let verifyMFA: MFAVerifier
  let now: @Sendable () -> Date
  /// OIDC providers' signing keys, for `AssumeRoleWithWebIdentity`.
  public let oidcKeys: OIDCSigningKeys

  public init(
    directory: Directory, authorizer: Authorizer, keyRing: SessionKeyRing,
    verifyMFA: @escaping MFAVerifier = { _, _, _ in false }, now: @escaping @Sendable () -> Date = Date.init,
    oidcKeys: OIDCSigningKeys = OIDCSigningKeys(directory: nil)
  ) {
    self.oidcKeys = oidcKeys
    self.directory = directory
    self.authorizer = authorizer
    self.keyRing = keyRing
    self.verifyMFA = verifyMFA
    self.now = now
  }

  // Untyped throws: typed-throwing closures in this table crash the 6.3 compiler (SILGen).
  typealias Handler = @Sendable (STSService, ModelValue, Caller) throws -> ModelValue

  /// Operation name to handler.
  static let handlers: [String: Handler] = {
    var h: [String: Handler] = [:]
    registerCallerIdentity(&h)
    registerAssumeRole(&h)
    registerSessionToken(&h)
    registerWebIdentity(&h)
    registerSAML(&h)
    registerFederationToken(&h)
    registerDecodeAuthorizationMessage(&h)
    return h
  }()

  /// The operations this service implements.
  public static var operations: [String] { handlers.keys.sorted() }

  /// Runs `operation` for `caller`.
  public func handle(_ operation: String, input: ModelValue, caller: Caller) throws(AWSError) -> ModelValue {
    guard let handler = Self.handlers[operation] else { throw .stsInvalidAction(operation) }
    // `GetSessionToken` credentials may call no STS operation but these two, as in AWS.
    if caller.session?.kind == .sessionToken, operation != "AssumeRole", operation != "GetCallerIdentity" {
      throw .accessDenied("Cannot call \(operation) with session credentials")
    }
    // Federated users (`GetFederationToken`) may call no STS operation but GetCallerIdentity.
    if case .federatedUser? = caller.session?.kind, operation != "GetCallerIdentity" {
      throw .accessDenied("Cannot call \(operation) with session credentials")
    }
    do {
      return try handler(self, input, caller)
    } catch let error as AWSError {
      throw error
    } catch {
      throw .serviceFailure()
    }
  }

  // MARK: shared helpers

  /// Authorizes `sts:ACTION` on `resource` with the caller's own policies (no resource policy).
  func authorize(_ caller: Caller, _ action: String, _ resource: String, snapshot: DirectorySnapshot) throws(AWSError) {
    try authorizer.authorize(caller, action: "sts:\(action)", resource: resource, snapshot: snapshot)
  }


  /// Issues credentials in `accountID`: a fresh `ASIA…` key id naming the account, a fresh
  /// secret, and the session `makeSession` describes with them, sealed as the token. Returns the
  /// payload and the `Credentials` shape.
  func issueCredentials(
    accountID: String, _ makeSession: (_ keyID: String, _ secret: String) -> SessionToken
  ) -> (SessionToken, ModelValue) {
    let session = makeSession(TemporaryAccessKeyID.make(accountID: accountID), Identifiers.secretAccessKey())
    let credentials: ModelValue = .structure([
      "AccessKeyId": .string(session.accessKeyID), "SecretAccessKey": .string(session.secretAccessKey),
      "SessionToken": .string(session.seal(with: keyRing)), "Expiration": .timestamp(session.expiration),
    ])
    return (session, credentials)
  }

  /// Checks `SerialNumber` and `TokenCode` when either is given; returns when MFA was proved
  /// (now), or `nil` when the request offers none.
  func proveMFA(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> Date? {
    let serial = input.string("SerialNumber")
    let code = input.string("TokenCode")
    guard serial != nil || code != nil else { return nil }
    guard let serial, let code, verifyMFA(caller, serial, code) else { throw .mfaFailed() }
    return now()
  }

  /// Checks `DurationSeconds` against `range`, worded as the wire validation words it.
  func validateDuration(_ value: Int, in range: ClosedRange<Int>) throws(AWSError) {
    let constraint: String
    if value < range.lowerBound {
      constraint = "Member must have value greater than or equal to \(range.lowerBound)"
    } else if value > range.upperBound {
      constraint = "Member must have value less than or equal to \(range.upperBound)"
    } else {
      return
    }
    throw .validationError(violations: [
      ConstraintViolation(path: "durationSeconds", value: .shown(String(value)), constraint: constraint)
    ])
  }
}
