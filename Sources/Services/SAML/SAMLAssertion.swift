import Foundation

/// The statements of a SAML 2.0 assertion whose signature has been verified.
///
/// `SAMLAssertion.verified(_:certificates:)` is the only way to make one: it parses the
/// `samlp:Response`, requires exactly one `saml:Assertion` (directly in the response),
/// verifies the response's signature, the assertion's, or both (at least one must be
/// present, and every one present must verify), and reads the statements from that very
/// assertion node — never from a node found again by id, so a wrapped copy cannot be read.
struct SAMLAssertion {
  /// A `SubjectConfirmation` with the bearer method and its data's constraints.
  struct BearerConfirmation {
    var recipient: String?
    var notBefore: Date?
    var notOnOrAfter: Date?
  }

  var id: String
  var issuer: String
  /// The `Issuer` of the enclosing response, when it names one.
  var responseIssuer: String?
  var nameID: String?
  var nameIDFormat: String?
  var confirmations: [BearerConfirmation]
  var notBefore: Date?
  var notOnOrAfter: Date?
  /// Every `Audience` of every `AudienceRestriction` (each restriction must be met on its own).
  var audienceRestrictions: [[String]]
  /// The earliest `SessionNotOnOrAfter` of the authentication statements.
  var sessionNotOnOrAfter: Date?
  /// Attribute `Name` to its values, in document order.
  var attributes: [String: [String]]
  /// When the IdP issued the response (its `IssueInstant`, else the assertion's).
  var issueInstant: Date?

  /// Why an assertion was refused; `message` is what `InvalidIdentityToken` says.
  struct Failure: Error {
    var message: String
    /// The signature did not verify (as opposed to a malformed document).
    var isSignature = false
  }

  static let successStatus = "urn:oasis:names:tc:SAML:2.0:status:Success"
  static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

  static func verified(_ responseXML: String, certificates: [Data]) throws(Failure) -> SAMLAssertion {
    try verified(responseXML, verifier: XMLSignatureVerifier(certificates: certificates))
  }

  static func verified(_ responseXML: String, verifier: XMLSignatureVerifier) throws(Failure) -> SAMLAssertion {
    let root: XMLElementNode
    do {
      root = try XMLDocumentParser.parse(responseXML)
    } catch {
      throw Failure(message: "Invalid SAML response: \(error.message)")
    }
    let p = XMLNamespace.samlProtocol
    let a = XMLNamespace.samlAssertion
    let ds = XMLNamespace.dsig
    guard root.is(p, "Response") else { throw Failure(message: "Invalid SAML response: expected a samlp:Response") }
    let everything = root.descendantsAndSelf
    if everything.contains(where: { $0.is(a, "EncryptedAssertion") }) {
      throw Failure(message: "Invalid SAML response: encrypted assertions are not supported")
    }
    let assertions = everything.filter { $0.is(a, "Assertion") }
    guard assertions.count == 1, let assertion = assertions.first, assertion.parent === root else {
      throw Failure(message: "Invalid SAML response: it must contain exactly one Assertion")
    }
    if let status = root.child(p, "Status")?.child(p, "StatusCode")?.attribute("Value"), status != successStatus {
      throw Failure(message: "Invalid SAML response: its status is \(status)")
    }

    // Signatures: every one present verifies, and the assertion is covered by at least one.
    var ids: [String: Int] = [:]
    for node in everything { if let id = node.attribute("ID") { ids[id, default: 0] += 1 } }
    let responseSignatures = root.children(ds, "Signature")
    let assertionSignatures = assertion.children(ds, "Signature")
    let signatureCount = everything.filter { $0.is(ds, "Signature") }.count
    guard responseSignatures.count <= 1, assertionSignatures.count <= 1,
      signatureCount == responseSignatures.count + assertionSignatures.count
    else { throw Failure(message: "Response signature invalid", isSignature: true) }
    guard !responseSignatures.isEmpty || !assertionSignatures.isEmpty else {
      throw Failure(message: "Response signature invalid: the response is not signed", isSignature: true)
    }
    for (signature, element) in [(responseSignatures.first, root), (assertionSignatures.first, assertion)] {
      guard let signature else { continue }
      do {
        try verifier.verify(signature, signing: element, ids: ids)
      } catch {
        throw Failure(message: "Response signature invalid", isSignature: true)
      }
    }
    var result = try read(assertion, responseIssuer: root.child(a, "Issuer")?.text)
    let responseIssued = try date(root.attribute("IssueInstant"))
    let assertionIssued = try date(assertion.attribute("IssueInstant"))
    result.issueInstant = responseIssued ?? assertionIssued
    return result
  }

  /// The statements of `node`, a verified assertion.
  private static func read(_ node: XMLElementNode, responseIssuer: String?) throws(Failure) -> SAMLAssertion {
    let a = XMLNamespace.samlAssertion
    guard let id = node.attribute("ID"), let issuer = node.child(a, "Issuer")?.text.trimmed, !issuer.isEmpty else {
      throw Failure(message: "Invalid SAML response: the assertion has no ID or no Issuer")
    }
    var result = SAMLAssertion(
      id: id, issuer: issuer, responseIssuer: responseIssuer?.trimmed, confirmations: [], audienceRestrictions: [],
      attributes: [:])
    if let subject = node.child(a, "Subject") {
      if let nameID = subject.child(a, "NameID") {
        result.nameID = nameID.text.trimmed
        result.nameIDFormat = nameID.attribute("Format")
      }
      for confirmation in subject.children(a, "SubjectConfirmation") where confirmation.attribute("Method") == bearer {
        let data = confirmation.child(a, "SubjectConfirmationData")
        result.confirmations.append(
          BearerConfirmation(
            recipient: data?.attribute("Recipient"), notBefore: try date(data?.attribute("NotBefore")),
            notOnOrAfter: try date(data?.attribute("NotOnOrAfter"))))
      }
    }
    if let conditions = node.child(a, "Conditions") {
      result.notBefore = try date(conditions.attribute("NotBefore"))
      result.notOnOrAfter = try date(conditions.attribute("NotOnOrAfter"))
      for restriction in conditions.children(a, "AudienceRestriction") {
        result.audienceRestrictions.append(restriction.children(a, "Audience").map(\.text.trimmed))
      }
    }
    for statement in node.children(a, "AuthnStatement") {
      if let end = try date(statement.attribute("SessionNotOnOrAfter")) {
        result.sessionNotOnOrAfter = min(result.sessionNotOnOrAfter ?? end, end)
      }
    }
    for statement in node.children(a, "AttributeStatement") {
      for attribute in statement.children(a, "Attribute") {
        guard let name = attribute.attribute("Name") else { continue }
        result.attributes[name, default: []] += attribute.children(a, "AttributeValue").map(\.text.trimmed)
      }
    }
    return result
  }

  private static func date(_ text: String?) throws(Failure) -> Date? {
    guard let text else { return nil }
    guard let date = SAMLDate.parse(text.trimmed) else {
      throw Failure(message: "Invalid SAML response: `\(text)` is not a date and time")
    }
    return date
  }
}

extension String {
  fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
