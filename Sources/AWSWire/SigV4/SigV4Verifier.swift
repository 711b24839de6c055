import Crypto
import Foundation

/// Verifies AWS Signature Version 4, as IAM and STS do: the request's own claims are read
/// (`authorization(of:)`), the caller looks up the secret of the access key they name, and
/// `verify` checks the time against the clock and recomputes the signature.
///
/// The clock is injected so tests can pin it. Signing keys are cached across calls (and across
/// copies of the verifier, which share the cache).
public struct SigV4Verifier: Sendable {
  /// How far `X-Amz-Date` may be from the server's clock, either way. AWS allows 15 minutes.
  public let maximumSkew: TimeInterval
  private let now: @Sendable () -> Date
  private let signingKeys: SigV4SigningKeyCache

  /// Creates a verifier that allows `maximumSkew` either way of the clock `now`.
  public init(maximumSkew: TimeInterval = 15 * 60, now: @escaping @Sendable () -> Date = { Date() })
  {
    self.maximumSkew = maximumSkew
    self.now = now
    self.signingKeys = SigV4SigningKeyCache()
  }

  /// Reads the `Authorization` header, or a presigned URL's `X-Amz-*` query parameters.
  ///
  /// Throws `MissingAuthenticationToken` when the request has neither, `IncompleteSignature`
  /// when a part is missing or malformed, and `SignatureDoesNotMatch` for a credential scope that
  /// contradicts the request or signed headers that leave out `host`, each with AWS's message.
  /// Checks nothing that needs the clock or the secret.
  public func authorization(of request: SignedRequest) throws(AWSError) -> SigV4Authorization {
    try SigV4Authorization(parsing: request)
  }

  /// Checks `authorization` (read from `request`) against the clock and the secret.
  ///
  /// Fails with `SignatureDoesNotMatch` when the request time is more than `maximumSkew` from
  /// the clock ("Signature expired: …" / "Signature not yet current: …") or the signature is not
  /// the one `secretAccessKey` gives; with `AccessDenied` ("Request has expired") for a presigned
  /// URL past its `X-Amz-Expires`; with `XAmzContentSHA256Mismatch` when the body does not hash
  /// to the declared `X-Amz-Content-Sha256`; and with `InvalidArgument` for a streaming
  /// (chunk-signed) payload, which is not checked here and so is refused. The signatures are
  /// compared in constant time.
  public func verify(
    _ request: SignedRequest, _ authorization: SigV4Authorization, secretAccessKey: String
  ) throws(AWSError) {
    try checkTime(of: authorization)
    try checkSignature(of: request, authorization, secretAccessKey: secretAccessKey)
  }

  /// Reads, checks the time, looks up the secret and verifies, in AWS's order: a stale request
  /// is reported as stale before the access key is looked at.
  ///
  /// `secretAccessKey` returns the secret of the access key (and session token) the request
  /// names, or nil when there is no such key, which fails with `InvalidClientTokenId`.
  public func authenticate(
    _ request: SignedRequest,
    secretAccessKey: (SigV4Authorization) throws(AWSError) -> String?
  ) throws(AWSError) -> SigV4Authorization {
    let authorization = try self.authorization(of: request)
    try checkTime(of: authorization)
    guard let secret = try secretAccessKey(authorization) else { throw .invalidClientTokenId() }
    try checkSignature(of: request, authorization, secretAccessKey: secret)
    return authorization
  }

  private func checkTime(of authorization: SigV4Authorization) throws(AWSError) {
    let current = now()
    let skew = "\(Int(maximumSkew / 60)) min."
    let signed = authorization.requestTime
    if signed > current + maximumSkew {
      throw .signatureNotYetCurrent(
        authorization.timestamp, latest: SigV4Timestamp.formatBasic(current + maximumSkew),
        now: SigV4Timestamp.formatBasic(current), skew: skew)
    }
    if let expires = authorization.expires {
      // A presigned URL lives for the lifetime it was signed with, however long ago that was.
      if current > signed + TimeInterval(expires) { throw .requestExpired }
    } else if signed < current - maximumSkew {
      throw .signatureExpired(
        authorization.timestamp, earliest: SigV4Timestamp.formatBasic(current - maximumSkew),
        now: SigV4Timestamp.formatBasic(current), skew: skew)
    }
  }

  private func checkSignature(
    of request: SignedRequest, _ authorization: SigV4Authorization, secretAccessKey: String
  ) throws(AWSError) {
    guard
      let provided = SigV4Encoding.bytes(fromHex: authorization.signature, count: SHA256.byteCount)
    else {
      throw .signatureDoesNotMatch()
    }
    // An HMAC already keyed with the signing key (cached with it); each check uses a copy.
    let authenticator = signingKeys.authenticator(
      secretAccessKey: secretAccessKey, date: authorization.date, region: authorization.region,
      service: authorization.service)
    // swift-crypto compares MACs in constant time (`==` against bytes is its `safeCompare`, as
    // in `isValidAuthenticationCode`), so how much of a guessed signature matched never shows
    // in how long the answer took.
    func signs(_ canonical: SigV4CanonicalRequest) -> Bool {
      var mac = authenticator
      mac.update(data: canonical.stringToSignBytes(for: authorization))
      return mac.finalize() == provided
    }
    let normalized = SigV4CanonicalRequest(request: request, authorization: authorization)
    if !signs(normalized) {
      // botocore signs a query string it was handed already encoded just as it stands, without
      // re-encoding it. Accepting that form too is safe: it is the bytes received, so a signature
      // over it covers exactly the request the service will read.
      let asSent = SigV4CanonicalRequest(
        request: request, authorization: authorization, queryForm: .asSent)
      guard asSent.query != normalized.query, signs(asSent) else { throw .signatureDoesNotMatch() }
    }

    // The signature covers the declared hash, not the body: the body must still hash to it, or
    // anyone could replace the body of a signed request.
    if let declared = authorization.contentSHA256, declared != SigV4Authorization.unsignedPayload {
      guard let hash = SigV4Encoding.bytes(fromHex: declared, count: SHA256.byteCount) else {
        throw .unsupportedContentSHA256
      }
      guard hash == Array(SHA256.hash(data: request.body)) else { throw .contentSHA256Mismatch }
    }
  }
}
