import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Everything a set of temporary credentials stands for, carried inside its own session token.
///
/// The token is the payload sealed (encrypted and authenticated, AES-GCM) under the server's
/// `SessionKeyRing`, so any node holding the ring verifies it and learns who the caller is
/// without a lookup — there is no session table. The secret access key travels inside too: the
/// node that opens the token checks the request's SigV4 signature with it.
///
/// A token cannot be revoked before it expires (neither can AWS's, short of a policy denying
/// `aws:TokenIssueTime` before a date); keep sessions short.
public struct SessionToken: Codable, Sendable, Equatable {
  /// The temporary access key id, `ASIA…`.
  public var accessKeyID: String
  /// The temporary secret access key.
  public var secretAccessKey: String
  /// The account of the session's principal.
  public var accountID: String
  /// The session's principal: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` for a role
  /// session, the user's (or root's) own ARN for `GetSessionToken` credentials.
  public var principalARN: String
  /// The role's unique id (`AROA…`) for a role session; the user's id (`AIDA…`), or the account
  /// id for root, for `GetSessionToken` credentials.
  public var principalID: String
  /// The IAM user's name, for a user's `GetSessionToken` credentials.
  public var userName: String?
  /// `RoleSessionName`, for a role session.
  public var roleSessionName: String?
  /// `SourceIdentity`, kept unchanged down a chain of role sessions.
  public var sourceIdentity: String?
  /// When the credentials were issued (`aws:TokenIssueTime`).
  public var issuedAt: Date
  /// When the credentials stop working.
  public var expiration: Date
  /// When MFA was last proved for this session, if ever (`aws:MultiFactorAuthAge`).
  public var mfaAuthenticatedAt: Date?
  /// The inline session policy (`Policy`), as passed.
  public var sessionPolicy: String?
  /// The managed session policies (`PolicyArns`).
  public var sessionPolicyARNs: [String]
  /// Session tags (`aws:PrincipalTag/…`), inherited transitive tags included.
  public var tags: [Tag]
  /// The keys of `tags` that pass on to sessions this one assumes.
  public var transitiveTagKeys: [String]
  /// For a federated user (`GetFederationToken`): the IAM user whose policies bound the session
  /// (`nil` when root asked), and its unique id (or the account id for root), so credentials of
  /// a deleted user's federated users stop working.
  public var federatingUserName: String? = nil
  public var federatingUserID: String? = nil
  /// For a web identity role session: the OIDC provider's ARN (`aws:FederatedProvider`).
  public var federatedProvider: String? = nil
  /// Console credentials from the sign-in endpoint (`SignInService`): the user's own
  /// permissions, like `GetSessionToken`'s, but usable with IAM without MFA, as a console
  /// session is.
  public var consoleSignIn: Bool? = nil

  /// Creates a payload.
  public init(
    accessKeyID: String, secretAccessKey: String, accountID: String, principalARN: String, principalID: String,
    userName: String? = nil, roleSessionName: String? = nil, sourceIdentity: String? = nil, issuedAt: Date,
    expiration: Date, mfaAuthenticatedAt: Date? = nil, sessionPolicy: String? = nil, sessionPolicyARNs: [String] = [],
    tags: [Tag] = [], transitiveTagKeys: [String] = []
  ) {
    self.accessKeyID = accessKeyID
    self.secretAccessKey = secretAccessKey
    self.accountID = accountID
    self.principalARN = principalARN
    self.principalID = principalID
    self.userName = userName
    self.roleSessionName = roleSessionName
    self.sourceIdentity = sourceIdentity
    self.issuedAt = issuedAt
    self.expiration = expiration
    self.mfaAuthenticatedAt = mfaAuthenticatedAt
    self.sessionPolicy = sessionPolicy
    self.sessionPolicyARNs = sessionPolicyARNs
    self.tags = tags
    self.transitiveTagKeys = transitiveTagKeys
  }

  /// Whether MFA was proved for the session (`aws:MultiFactorAuthPresent`).
  public var isMFAAuthenticated: Bool { mfaAuthenticatedAt != nil }

  /// Whether this is a role session (from `AssumeRole`), not `GetSessionToken` credentials.
  public var isRoleSession: Bool { roleSessionName != nil }

  /// The principal's unique id as `aws:userid` and `GetCallerIdentity` show it: `AROA…:SESSION`
  /// for a role session, the user's id (or account id) otherwise.
  public var userID: String {
    roleSessionName.map { "\(principalID):\($0)" } ?? principalID
  }

  // MARK: sealing

  /// The token string handed to the client: base64 of the ring's sealed payload (key id byte,
  /// nonce, ciphertext, tag).
  public func seal(with ring: SessionKeyRing) -> String {
    // INVARIANT: a struct of strings, dates and arrays of them always encodes.
    let payload = try! Self.encoder.encode(self)
    return ring.seal(payload).base64EncodedString()
  }

  /// Opens a token string and checks that it is current.
  /// - Parameters:
  ///   - accessKeyID: the key id the request was signed with; the token must have been issued
  ///     with it (a token is never valid with another key's signature).
  ///   - now: the request time.
  /// - Throws: `InvalidClientTokenId` for anything that is not a token this ring sealed
  ///   (altered, truncated, sealed with a retired key, or issued for another key id);
  ///   `ExpiredToken` once `expiration` has passed.
  public static func open(
    _ token: String, with ring: SessionKeyRing, accessKeyID: String? = nil, now: Date
  ) throws(AWSError) -> SessionToken {
    guard let sealed = Data(base64Encoded: token), let payload = ring.open(sealed),
      let session = try? decoder.decode(SessionToken.self, from: payload)
    else {
      throw .invalidClientTokenId()
    }
    if let accessKeyID, accessKeyID != session.accessKeyID { throw .invalidClientTokenId() }
    // Checked only after authentication: an expiry claim from a forged token means nothing.
    guard now < session.expiration else { throw .expiredToken() }
    return session
  }

  // Short keys keep the token small; the payload is private to this server, so they need only
  // be stable across its versions. New members must be optional (older tokens lack them).
  enum CodingKeys: String, CodingKey {
    case accessKeyID = "k"
    case secretAccessKey = "s"
    case accountID = "a"
    case principalARN = "p"
    case principalID = "i"
    case userName = "u"
    case roleSessionName = "n"
    case sourceIdentity = "si"
    case issuedAt = "iat"
    case expiration = "exp"
    case mfaAuthenticatedAt = "mfa"
    case sessionPolicy = "sp"
    case sessionPolicyARNs = "spa"
    case tags = "t"
    case transitiveTagKeys = "tt"
    case federatingUserName = "fu"
    case federatingUserID = "fui"
    case federatedProvider = "fp"
    case consoleSignIn = "cs"
  }

  private static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.dateEncodingStrategy = .secondsSince1970
    return e
  }()

  private static let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .secondsSince1970
    return d
  }()
}
