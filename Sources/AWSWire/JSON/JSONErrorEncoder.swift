/// Writes an `AWSError` as the body of an AWS JSON 1.0/1.1 error response:
///
/// ```json
/// {"__type":"ConstraintViolationException","Message":"…","Reason":"MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"}
/// ```
/// botocore takes the code from `__type` and the message from `message` or `Message`; the
/// error shape's other members (`fields`) sit beside them, where SDKs read modeled members. The
/// HTTP status is the error's `status`; the caller sets it, with the content type
/// `application/x-amz-json-1.1`.
public struct JSONErrorEncoder: Sendable {
  /// Creates an encoder.
  public init() {}

  /// The error body for `error`.
  public func encode(_ error: AWSError) -> String {
    var json = JSONWriter()
    json.byte("{")
    json.string("__type")
    json.byte(":")
    json.string(error.code)
    json.byte(",")
    json.string("Message")
    json.byte(":")
    json.string(error.message)
    for key in error.fields.keys.sorted() where key != "__type" && key != "Message" {
      json.byte(",")
      json.string(key)
      json.byte(":")
      json.string(error.fields[key]!)
    }
    json.byte("}")
    return json.text
  }
}
