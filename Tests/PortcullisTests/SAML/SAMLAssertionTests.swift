import Crypto
import Directory
import Foundation
import Testing
import _CryptoExtras

@testable import Services

/// Signed SAML responses: what verifies, what is refused, and that statements are read from
/// the verified assertion only. (The end-to-end suite signs with lxml and `cryptography`, an
/// independent implementation; these tests sign with this module's own canonicalizer.)
@Suite("SAML assertion signatures")
struct SAMLAssertionTests {
  static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

  static let template = """
    <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0">
      <saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">https://idp.example.com/saml</saml:Issuer>
      <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0">
        <saml:Issuer>https://idp.example.com/saml</saml:Issuer>SIGNATURE
        <saml:Subject>
          <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">alice</saml:NameID>
          <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
            <saml:SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml" NotOnOrAfter="2030-01-01T00:00:00Z"/>
          </saml:SubjectConfirmation>
        </saml:Subject>
        <saml:AttributeStatement>
          <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
            <saml:AttributeValue>alice</saml:AttributeValue>
          </saml:Attribute>
        </saml:AttributeStatement>
      </saml:Assertion>
    </samlp:Response>
    """

  /// `template` with an enveloped RSA-SHA256 signature over `referencing` in the assertion.
  static func signed(referencing id: String = "_a1", with key: _RSA.Signing.PrivateKey = key) throws -> String {
    let unsigned = try XMLDocumentParser.parse(template.replacingOccurrences(of: "SIGNATURE", with: ""))
    let assertion = try #require(unsigned.descendantsAndSelf.first { $0.localName == "Assertion" })
    let digest = Data(SHA256.hash(data: XMLCanonicalizer().canonicalize(assertion))).base64EncodedString()
    let exc = "http://www.w3.org/2001/10/xml-exc-c14n#"
    let signature = """
      <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="\(exc)"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#\(id)"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="\(exc)"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>\(digest)</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>VALUE</ds:SignatureValue></ds:Signature>
      """
    let withSignature = template.replacingOccurrences(of: "SIGNATURE", with: signature)
    let parsed = try XMLDocumentParser.parse(withSignature)
    let signedInfo = try #require(parsed.descendantsAndSelf.first { $0.localName == "SignedInfo" })
    let value = try key.signature(
      for: SHA256.hash(data: XMLCanonicalizer().canonicalize(signedInfo)), padding: .insecurePKCS1v1_5)
    return withSignature.replacingOccurrences(of: "VALUE", with: value.rawRepresentation.base64EncodedString())
  }

  static func verifier(_ key: _RSA.Signing.PrivateKey = key) -> XMLSignatureVerifier {
    var verifier = XMLSignatureVerifier(certificates: [])
    verifier.keys = [key.publicKey]
    return verifier
  }

  @Test("a signed assertion verifies, and its statements are read")
  func verifies() throws {
    let assertion = try SAMLAssertion.verified(Self.signed(), verifier: Self.verifier())
    #expect(assertion.id == "_a1")
    #expect(assertion.issuer == "https://idp.example.com/saml")
    #expect(assertion.nameID == "alice")
    #expect(assertion.nameIDFormat == "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
    #expect(assertion.confirmations.first?.recipient == "https://signin.aws.amazon.com/saml")
    #expect(assertion.attributes["https://aws.amazon.com/SAML/Attributes/RoleSessionName"] == ["alice"])
  }

  @Test("changing one character of the signed content breaks the digest")
  func tampered() throws {
    let forged = try Self.signed().replacingOccurrences(of: ">alice</saml:AttributeValue>", with: ">mallory</saml:AttributeValue>")
    #expect(throws: SAMLAssertion.Failure.self) { try SAMLAssertion.verified(forged, verifier: Self.verifier()) }
  }

  @Test("a signature by a key that is not the provider's is refused")
  func otherKey() throws {
    let stranger = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    #expect(throws: SAMLAssertion.Failure.self) {
      try SAMLAssertion.verified(Self.signed(with: stranger), verifier: Self.verifier())
    }
  }

  @Test("a signature that references another element than its parent is refused")
  func wrongReference() throws {
    let xml = try Self.signed(referencing: "_r1")
    let root = try XMLDocumentParser.parse(xml)
    let assertion = try #require(root.descendantsAndSelf.first { $0.localName == "Assertion" })
    let signature = try #require(assertion.children(XMLNamespace.dsig, "Signature").first)
    var ids: [String: Int] = [:]
    for node in root.descendantsAndSelf { if let id = node.attribute("ID") { ids[id, default: 0] += 1 } }
    #expect(throws: XMLSignatureVerifier.Failure.unsupported("the signature must reference the element that contains it")) {
      try Self.verifier().verify(signature, signing: assertion, ids: ids)
    }
  }

  @Test("an unsigned response, and a response with a second assertion, are refused")
  func unsignedAndWrapped() throws {
    let unsigned = Self.template.replacingOccurrences(of: "SIGNATURE", with: "")
    #expect(throws: SAMLAssertion.Failure.self) { try SAMLAssertion.verified(unsigned, verifier: Self.verifier()) }
    let signed = try Self.signed()
    let extra = #"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_evil"/>"#
    let wrapped = signed.replacingOccurrences(of: "</samlp:Response>", with: "\(extra)</samlp:Response>")
    #expect(throws: SAMLAssertion.Failure.self) { try SAMLAssertion.verified(wrapped, verifier: Self.verifier()) }
  }

  @Test("metadata yields the entity id, the signing certificates and validUntil")
  func metadata() throws {
    let metadata = try SAMLMetadata(SAMLTestFixtures.metadata())
    #expect(metadata.entityID == "https://idp.example.com/saml")
    #expect(metadata.signingCertificates == [Data(base64Encoded: SAMLTestFixtures.certificate)!])
    #expect(metadata.validUntil == Date(timeIntervalSince1970: 1_893_456_000))
    #expect(try SAMLMetadata(SAMLTestFixtures.metadata(use: nil)).signingCertificates.count == 1)
    #expect(throws: XMLParseError.self) { try SAMLMetadata(SAMLTestFixtures.metadata(use: "encryption")) }
  }

  @Test(
    "audiences and recipients AWS accepts",
    arguments: [
      ("https://signin.aws.amazon.com/saml", true), ("urn:amazon:webservices", true),
      ("https://eu-west-1.signin.aws.amazon.com/saml", true), ("https://signin.aws.amazon.com/saml/", false),
      ("https://evil.example.com/.signin.aws.amazon.com/saml", false), ("http://signin.aws.amazon.com/saml", false),
      ("https://sp.example.com/acs", false),
    ])
  func signInEndpoints(_ url: String, _ accepted: Bool) {
    #expect(STSService.isAWSSignInEndpoint(url) == accepted)
  }

  @Test(
    "SubjectType is persistent, transient or the NameID format",
    arguments: [
      ("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "persistent"),
      ("urn:oasis:names:tc:SAML:2.0:nameid-format:transient", "transient"),
      ("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
    ])
  func subjectTypes(_ format: String, _ type: String) {
    #expect(STSService.samlSubjectType(format) == type)
  }

  @Test("NameQualifier is base64(SHA-1(issuer + account + \"/\" + provider name))")
  func nameQualifier() {
    let provider = SAMLProvider(
      accountID: "123456789012", name: "MyIdP", metadataDocument: "", entityID: "https://idp.example.com/saml",
      signingCertificates: [], validUntil: nil, createDate: Date())
    let expected = Data(Insecure.SHA1.hash(data: Data("https://idp.example.com/saml123456789012/MyIdP".utf8)))
      .base64EncodedString()
    #expect(STSService.samlNameQualifier(issuer: provider.entityID, provider: provider) == expected)
  }
}
