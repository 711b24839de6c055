import Foundation

/// What `AssumeRoleWithSAML` needs from an IdP's SAML 2.0 metadata document: its entity id
/// (the `Issuer` of its assertions), its signing certificates and the document's `validUntil`.
struct SAMLMetadata {
  var entityID: String
  /// DER certificates from the `IDPSSODescriptor`'s `KeyDescriptor`s for signing (`use`
  /// `signing`, or no `use`, which means both signing and encryption).
  var signingCertificates: [Data]
  var validUntil: Date?

  /// Parses and checks `document`; the error message says what is wrong, for `InvalidInput`.
  init(_ document: String) throws(XMLParseError) {
    let root = try XMLDocumentParser.parse(document)
    let md = XMLNamespace.samlMetadata
    guard root.is(md, "EntityDescriptor") else {
      throw XMLParseError(message: "the document element must be an md:EntityDescriptor")
    }
    guard let entityID = root.attribute("entityID"), !entityID.isEmpty else {
      throw XMLParseError(message: "the EntityDescriptor has no entityID")
    }
    let descriptors = root.children(md, "IDPSSODescriptor")
    guard !descriptors.isEmpty else { throw XMLParseError(message: "the metadata has no IDPSSODescriptor") }
    var certificates: [Data] = []
    for descriptor in descriptors {
      for key in descriptor.children(md, "KeyDescriptor") {
        let use = key.attribute("use")
        guard use == nil || use == "signing" else { continue }
        for info in key.children(XMLNamespace.dsig, "KeyInfo") {
          for data in info.children(XMLNamespace.dsig, "X509Data") {
            for certificate in data.children(XMLNamespace.dsig, "X509Certificate") {
              let text = XMLSignatureVerifier.strippingWhitespace(certificate.text)
              guard let der = Data(base64Encoded: text), X509SubjectPublicKeyInfo.extract(from: Array(der)) != nil
              else { throw XMLParseError(message: "an X509Certificate is not a valid certificate") }
              if !certificates.contains(der) { certificates.append(der) }
            }
          }
        }
      }
    }
    guard !certificates.isEmpty else {
      throw XMLParseError(message: "the IDPSSODescriptor has no signing certificate")
    }
    self.entityID = entityID
    self.signingCertificates = certificates
    self.validUntil = root.attribute("validUntil").flatMap(SAMLDate.parse)
  }
}

/// `xs:dateTime` values as SAML writes them (UTC, `Z` or an offset, optional fractions).
enum SAMLDate {
  static func parse(_ text: String) -> Date? {
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = fractional.date(from: text) { return date }
    let plain = ISO8601DateFormatter()
    plain.formatOptions = [.withInternetDateTime]
    return plain.date(from: text)
  }
}
