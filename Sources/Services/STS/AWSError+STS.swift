import AWSWire

/// The errors STS returns beyond the common ones, worded as STS words them.
extension AWSError {
  /// A session token past its expiration.
  public static func expiredToken(
    _ message: String = "The security token included in the request is expired"
  ) -> AWSError {
    AWSError(code: "ExpiredToken", message: message, status: 403)
  }

  /// Session policies and tags too large for a session token; `percent` is how much of the
  /// allotted space they would take.
  public static func packedPolicyTooLarge(percent: Int) -> AWSError {
    AWSError(
      code: "PackedPolicyTooLarge",
      message: "Packed policy consumes \(percent)% of allotted space, please use smaller policy.", status: 400)
  }

  /// An STS `Action` this server does not implement.
  static func stsInvalidAction(_ action: String) -> AWSError {
    .invalidAction(action, version: "2011-06-15")
  }

  /// A wrong or missing MFA code.
  static func mfaFailed() -> AWSError {
    .accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ")
  }
}
