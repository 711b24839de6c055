extension AWSError {
  /// An `X-Amz-Target` that names no operation of the service (the JSON protocols' common
  /// error; AWS's message is empty in practice, so ours says what happened).
  public static func unknownOperation() -> AWSError {
    AWSError(code: "UnknownOperationException", message: "the target names no operation of this service")
  }

  /// A JSON request body that cannot be read as the operation's input: not JSON, or a value of
  /// the wrong type. AWS's wording is not observable; the message is ours.
  public static func serializationException(_ message: String) -> AWSError {
    AWSError(code: "SerializationException", message: message)
  }

  /// The error with `fields` added to its JSON body.
  public func with(fields more: [String: String]) -> AWSError {
    var copy = self
    copy.fields.merge(more) { _, new in new }
    return copy
  }
}
