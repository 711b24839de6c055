import AWSWire

/// The `AWSError` that `body` throws, or nil when it succeeds: lets a test compare a failure's
/// code and message, or see that there was none, in one expectation.
func captureAWSError(_ body: () throws(AWSError) -> Void) -> AWSError? {
  do {
    try body()
    return nil
  } catch {
    return error
  }
}
