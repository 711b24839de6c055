/// Writes an `AWSError` as the XML error document of an AWS Query service:
///
/// ```xml
/// <ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
///   <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>…</Message></Error>
///   <RequestId>…</RequestId>
/// </ErrorResponse>
/// ```
/// (without the whitespace). The HTTP status is the error's `status`; the caller sets it.
public struct QueryErrorEncoder: Sendable {
  /// The namespace of the service's documents.
  public let xmlNamespace: String

  /// Creates an encoder for `model`'s service.
  public init(model: ServiceModel) {
    self.xmlNamespace = model.metadata.xmlNamespace
  }

  /// Creates an encoder for documents in `xmlNamespace`.
  public init(xmlNamespace: String) {
    self.xmlNamespace = xmlNamespace
  }

  /// The error document for `error`.
  public func encode(_ error: AWSError, requestId: String) -> String {
    var xml = XMLWriter()
    xml.open("ErrorResponse", namespace: xmlNamespace)
    xml.open("Error")
    xml.element("Type", error.isSenderFault ? "Sender" : "Receiver")
    xml.element("Code", error.code)
    xml.element("Message", error.message)
    xml.close("Error")
    xml.element("RequestId", requestId)
    xml.close("ErrorResponse")
    return xml.text
  }
}
