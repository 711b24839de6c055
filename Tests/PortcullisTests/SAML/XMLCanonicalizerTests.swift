import Foundation
import Testing

@testable import Services

/// Exclusive XML canonicalization (without comments), checked against the output of libxml2's
/// implementation (lxml `tostring(method="c14n", exclusive=True)`) for the same inputs.
@Suite("Exclusive XML canonicalization")
struct XMLCanonicalizerTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var input: String
    /// The local name of the element canonicalized (the document element when `nil`).
    var apex: String? = nil
    var inclusivePrefixes: Set<String> = []
    var expected: String
    var testDescription: String { expected }
  }

  static let cases: [Case] = [
    // Attributes sorted; empty elements get end tags.
    Case(input: #"<a b="2" a="1"><c/></a>"#, expected: #"<a a="1" b="2"><c></c></a>"#),
    // A subtree declares the namespaces it uses, sorted; unqualified attributes come first.
    Case(
      input: #"<r xmlns:x="urn:x" xmlns:y="urn:y"><x:e y:b="1" a="2" x:a="3"/></r>"#, apex: "e",
      expected: #"<x:e xmlns:x="urn:x" xmlns:y="urn:y" a="2" x:a="3" y:b="1"></x:e>"#),
    // `xmlns=""` survives only where it undoes a rendered default namespace.
    Case(
      input: #"<r xmlns="urn:d"><e xmlns=""><f/></e></r>"#, expected: #"<r xmlns="urn:d"><e xmlns=""><f></f></e></r>"#),
    // Unused declarations disappear; used ones move to where they are first used.
    Case(
      input: #"<r xmlns:p="urn:p" xmlns:unused="urn:u"><p:e><p:f/></p:e></r>"#,
      expected: #"<r><p:e xmlns:p="urn:p"><p:f></p:f></p:e></r>"#),
    // Text escaping; CDATA becomes text; comments are dropped.
    Case(
      input: #"<r>a &amp; b &lt; c &gt; d "q" 's'<![CDATA[<x>&]]><!-- gone --></r>"#,
      expected: #"<r>a &amp; b &lt; c &gt; d "q" 's'&lt;x&gt;&amp;</r>"#),
    // Attribute escaping of characters that came from references.
    Case(
      input: #"<r a="tab&#9;nl&#10;cr&#13;&quot;&lt;&amp;&gt;"/>"#,
      expected: #"<r a="tab&#x9;nl&#xA;cr&#xD;&quot;&lt;&amp;>"></r>"#),
    // Line ends normalized; a literal newline in an attribute value is a space.
    Case(input: "<r a=\"x\ny\">line1\r\nline2\rline3</r>", expected: "<r a=\"x y\">line1\nline2\nline3</r>"),
    // A prefix used only inside an attribute value is not visibly used…
    Case(
      input: #"<r xmlns:xs="urn:xs" xmlns:xsi="urn:xsi"><v xsi:type="xs:string">t</v></r>"#, apex: "v",
      expected: #"<v xmlns:xsi="urn:xsi" xsi:type="xs:string">t</v>"#),
    // …unless the InclusiveNamespaces PrefixList names it.
    Case(
      input: #"<r xmlns:xs="urn:xs" xmlns:xsi="urn:xsi"><v xsi:type="xs:string">t</v></r>"#, apex: "v",
      inclusivePrefixes: ["xs"], expected: #"<v xmlns:xs="urn:xs" xmlns:xsi="urn:xsi" xsi:type="xs:string">t</v>"#),
    // A redundant declaration below a rendered one is not repeated.
    Case(
      input: #"<r xmlns="urn:d"><e><f xmlns="urn:d">x</f></e></r>"#, apex: "e",
      expected: #"<e xmlns="urn:d"><f>x</f></e>"#),
    Case(input: "<r><?pi data?></r>", expected: "<r><?pi data?></r>"),
  ]

  @Test("canonical form matches libxml2's exclusive c14n", arguments: cases)
  func canonicalForm(_ c: Case) throws {
    let root = try XMLDocumentParser.parse(c.input)
    let apex = try #require(c.apex.map { name in root.descendantsAndSelf.first { $0.localName == name } } ?? root)
    let output = XMLCanonicalizer(inclusivePrefixes: c.inclusivePrefixes).canonicalize(apex)
    #expect(String(decoding: output, as: UTF8.self) == c.expected)
  }

  @Test("the excluded element (an enveloped signature) is left out with its subtree")
  func exclusion() throws {
    let root = try XMLDocumentParser.parse(#"<r ID="1"><a/><s><t>x</t></s><b/></r>"#)
    let signature = try #require(root.elements.first { $0.localName == "s" })
    let output = XMLCanonicalizer(excluded: signature).canonicalize(root)
    #expect(String(decoding: output, as: UTF8.self) == #"<r ID="1"><a></a><b></b></r>"#)
  }
}

/// The XML parser refuses what SAML never needs and attackers use.
@Suite("XML parsing for SAML")
struct XMLDocumentParserTests {
  @Test(
    "malformed or dangerous documents are refused",
    arguments: [
      #"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#,
      #"<r><!DOCTYPE x></r>"#,
      "<r>&undeclared;</r>",
      "<p:r/>",
      "<r><a></b></r>",
      #"<r a="1" a="2"/>"#,
      #"<r xmlns:p="urn:p" xmlns:q="urn:p" p:a="1" q:a="2"/>"#,
      "<r>",
      "<r/><s/>",
      #"<r a="<"/>"#,
      "<r>&#0;</r>",
      "",
    ])
  func refused(_ text: String) {
    #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(text) }
  }

  @Test("namespaces resolve through the scope, and references expand")
  func namespacesAndReferences() throws {
    let root = try XMLDocumentParser.parse(
      #"<?xml version="1.0"?><p:r xmlns:p="urn:p" xmlns="urn:d"><e p:a="&#x41;&lt;"/></p:r>"#)
    #expect(root.is("urn:p", "r"))
    let child = try #require(root.elements.first)
    #expect(child.is("urn:d", "e"))
    #expect(child.attributes.first?.namespaceURI == "urn:p")
    #expect(child.attributes.first?.value == "A<")
  }

  @Test("a certificate's SubjectPublicKeyInfo is found in its DER")
  func subjectPublicKeyInfo() throws {
    let der = try #require(Data(base64Encoded: SAMLTestFixtures.certificate))
    let spki = try #require(X509SubjectPublicKeyInfo.extract(from: Array(der)))
    #expect(spki.first == 0x30)
    #expect(X509SubjectPublicKeyInfo.extract(from: Array(der.dropLast())) == nil)
  }
}
