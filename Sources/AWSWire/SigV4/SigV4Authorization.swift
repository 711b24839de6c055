import Foundation

/// What a request claims about its own signature: who signed it, when, for which scope, over which
/// headers, and the signature itself. Read from the `Authorization` header or, for a presigned
/// URL, from the `X-Amz-*` query parameters (see `SigV4Verifier.authorization(of:)`).
///
/// Nothing here is trusted until `SigV4Verifier.verify` has checked it against the secret.
public struct SigV4Authorization: Sendable, Equatable {
  /// The access key ID from the credential scope, e.g. `AKIDEXAMPLE`.
  public var accessKeyID: String
  /// The credential scope's date, `yyyyMMdd`.
  public var date: String
  /// When the request says it was signed (`X-Amz-Date`, else the `Date` header).
  public var requestTime: Date
  /// The credential scope's region. Any region is accepted: a self-hosted server answers for all.
  public var region: String
  /// The credential scope's service, e.g. `iam` or `sts`.
  public var service: String
  /// The signed header names, lowercase, in the order the client listed them.
  public var signedHeaders: [String]
  /// The signature, lowercase hex.
  public var signature: String
  /// The session token (`X-Amz-Security-Token`) of temporary credentials, if any.
  public var securityToken: String?
  /// Whether the signature came in the query string (a presigned URL) rather than a header.
  public var isPresigned: Bool
  /// A presigned URL's lifetime in seconds (`X-Amz-Expires`); nil for header signatures, and for a
  /// presigned URL without one, which then lives as long as the clock skew allows.
  public var expires: Int?
  /// The payload hash the client declared instead of hashing the body: the
  /// `X-Amz-Content-Sha256` header, or `UNSIGNED-PAYLOAD`, implied for presigned S3 URLs. Nil
  /// when the signature covers the hash of the body itself.
  public var contentSHA256: String?

  /// Creates an authorization from its parts.
  public init(
    accessKeyID: String, date: String, requestTime: Date, region: String, service: String,
    signedHeaders: [String], signature: String, securityToken: String? = nil,
    isPresigned: Bool = false,
    expires: Int? = nil, contentSHA256: String? = nil
  ) {
    self.accessKeyID = accessKeyID
    self.date = date
    self.requestTime = requestTime
    self.region = region
    self.service = service
    self.signedHeaders = signedHeaders
    self.signature = signature
    self.securityToken = securityToken
    self.isPresigned = isPresigned
    self.expires = expires
    self.contentSHA256 = contentSHA256
  }

  /// The request time as it appears in the string to sign, `yyyyMMdd'T'HHmmss'Z'`.
  public var timestamp: String { SigV4Timestamp.formatBasic(requestTime) }

  /// `date/region/service/aws4_request`.
  public var credentialScope: String { "\(date)/\(region)/\(service)/aws4_request" }

  /// Whether the signature covers the body. It does not under `UNSIGNED-PAYLOAD` (S3 uploads,
  /// presigned S3 URLs), so a service whose body carries the operation should refuse such a
  /// request rather than act on a body anyone could have swapped.
  public var isPayloadSigned: Bool { contentSHA256 != SigV4Authorization.unsignedPayload }

  /// The declared payload hash that says the body is not signed.
  static let unsignedPayload = "UNSIGNED-PAYLOAD"
  /// The only algorithm SigV4 defines.
  static let algorithm = "AWS4-HMAC-SHA256"
}
