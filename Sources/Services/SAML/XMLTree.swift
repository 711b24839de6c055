import Foundation

/// A parsed XML document, small and exact enough for XML signatures: every element keeps its
/// namespace declarations, its prefix and the namespaces in scope, so exclusive
/// canonicalization (`XMLCanonicalizer`) can reproduce the bytes the signer digested.
///
/// This is not a general XML library. It refuses document type declarations outright (no
/// DTD, no entities beyond XML's five, so no XXE and no entity expansion bombs) and keeps
/// nothing it does not need.
final class XMLElementNode {
  /// The prefix as written (`""` for none).
  let prefix: String
  let localName: String
  /// The namespace the prefix resolves to (`""` for none).
  let namespaceURI: String
  /// Every namespace binding in scope here, prefix (`""` for the default) to URI; an
  /// undeclared default namespace (`xmlns=""`) is bound to `""`.
  let inScope: [String: String]
  /// Attributes other than namespace declarations, in document order.
  var attributes: [XMLAttribute]
  var children: [XMLChild] = []
  weak var parent: XMLElementNode?

  init(prefix: String, localName: String, namespaceURI: String, inScope: [String: String], attributes: [XMLAttribute]) {
    self.prefix = prefix
    self.localName = localName
    self.namespaceURI = namespaceURI
    self.inScope = inScope
    self.attributes = attributes
  }

  /// `prefix:localName`, or `localName` without a prefix.
  var qualifiedName: String { prefix.isEmpty ? localName : "\(prefix):\(localName)" }

  /// The value of the attribute `name` in no namespace (SAML's `ID`, `Algorithm`, `URI`…).
  func attribute(_ name: String) -> String? {
    attributes.first { $0.namespaceURI.isEmpty && $0.localName == name }?.value
  }

  /// Whether this element is `{namespace}name`.
  func `is`(_ namespace: String, _ name: String) -> Bool { namespaceURI == namespace && localName == name }

  /// Child elements, in document order.
  var elements: [XMLElementNode] {
    children.compactMap { if case .element(let e) = $0 { e } else { nil } }
  }

  /// Child elements named `{namespace}name`.
  func children(_ namespace: String, _ name: String) -> [XMLElementNode] {
    elements.filter { $0.is(namespace, name) }
  }

  /// The only child element `{namespace}name`; `nil` when there is none or more than one.
  func child(_ namespace: String, _ name: String) -> XMLElementNode? {
    let found = children(namespace, name)
    return found.count == 1 ? found[0] : nil
  }

  /// The concatenated text of the direct text children.
  var text: String {
    children.reduce(into: "") { text, child in if case .text(let t) = child { text += t } }
  }

  /// This element and every element below it, depth first, in document order.
  var descendantsAndSelf: [XMLElementNode] {
    var result: [XMLElementNode] = []
    var stack = [self]
    while let next = stack.popLast() {
      result.append(next)
      stack.append(contentsOf: next.elements.reversed())
    }
    return result
  }
}

/// An attribute: its prefix as written, and its namespace resolved (`""` for none).
struct XMLAttribute {
  var prefix: String
  var localName: String
  var namespaceURI: String
  var value: String

  var qualifiedName: String { prefix.isEmpty ? localName : "\(prefix):\(localName)" }
}

/// The content of an element. Comments are kept so that canonicalization can drop them
/// explicitly (the algorithms used here are the ones "without comments").
enum XMLChild {
  case element(XMLElementNode)
  case text(String)
  case comment
  case processingInstruction(target: String, data: String)
}

/// Why a document was refused.
struct XMLParseError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// Namespace names XML signatures and SAML use.
enum XMLNamespace {
  static let xml = "http://www.w3.org/XML/1998/namespace"
  static let xmlns = "http://www.w3.org/2000/xmlns/"
  static let dsig = "http://www.w3.org/2000/09/xmldsig#"
  static let excC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
  static let samlProtocol = "urn:oasis:names:tc:SAML:2.0:protocol"
  static let samlAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
  static let samlMetadata = "urn:oasis:names:tc:SAML:2.0:metadata"
}
