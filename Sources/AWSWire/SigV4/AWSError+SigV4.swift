import Foundation

// The errors of SigV4 verification, worded as AWS words them. AWS's JSON services name the
// signature failures `InvalidSignatureException`; the Query services (IAM, STS) call the same
// thing `SignatureDoesNotMatch`, so that is the code used for all of them.
extension AWSError {
  /// `X-Amz-Date` more than the allowed skew before the server's clock.
  static func signatureExpired(_ timestamp: String, earliest: String, now: String, skew: String)
    -> AWSError
  {
    .signatureDoesNotMatch(
      "Signature expired: \(timestamp) is now earlier than \(earliest) (\(now) - \(skew))")
  }

  /// `X-Amz-Date` more than the allowed skew after the server's clock.
  static func signatureNotYetCurrent(_ timestamp: String, latest: String, now: String, skew: String)
    -> AWSError
  {
    .signatureDoesNotMatch(
      "Signature not yet current: \(timestamp) is still later than \(latest) (\(now) + \(skew))")
  }

  /// A presigned URL used after `X-Amz-Date` + `X-Amz-Expires` (S3's wording; STS has none of
  /// its own, since it ignores `X-Amz-Expires`).
  static let requestExpired = AWSError.accessDenied("Request has expired")

  /// A body that does not hash to the `X-Amz-Content-Sha256` the signature covers.
  static let contentSHA256Mismatch = AWSError(
    code: "XAmzContentSHA256Mismatch",
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    status: 400)

  /// An `X-Amz-Content-Sha256` that is neither a hash nor `UNSIGNED-PAYLOAD`: the streaming
  /// (chunk-signed) forms, which this verifier does not check and so refuses.
  static let unsupportedContentSHA256 = AWSError(
    code: "InvalidArgument",
    message: "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.",
    status: 400)

  /// SignedHeaders that leave out `host`, so the request could be replayed against another host.
  static let hostNotSigned = AWSError.signatureDoesNotMatch(
    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")

  /// Both an `Authorization` header and `X-Amz-Algorithm` in the query.
  static let bothAuthorizationKinds = AWSError.signatureDoesNotMatch(
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")

  /// An `X-Amz-Date` (or `Date`) that does not parse.
  static func malformedDate(_ value: String) -> AWSError {
    .incompleteSignature(
      "Date must be in ISO-8601 'basic format'. Got '\(value)'. See http://en.wikipedia.org/wiki/ISO_8601"
    )
  }

  /// An algorithm other than `AWS4-HMAC-SHA256`.
  static func unsupportedAlgorithm(_ algorithm: String) -> AWSError {
    .incompleteSignature(
      "Unsupported AWS 'algorithm': '\(algorithm)' (only AWS4-HMAC-SHA256 for now). ")
  }

  /// A credential that is not `keyid/date/region/service/aws4_request`.
  static func malformedCredential(_ credential: String) -> AWSError {
    .incompleteSignature(
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'"
    )
  }
}
