import Foundation

/// Exclusive XML canonicalization without comments
/// (`http://www.w3.org/2001/10/xml-exc-c14n#`) of one element subtree.
///
/// What an XML signature digests is not the bytes of the document but this canonical form of
/// the signed element, so it must match what the signer produced byte for byte. The rules
/// (W3C "Exclusive XML Canonicalization 1.0" over "Canonical XML 1.0"):
/// - an element renders the namespace declarations it visibly uses (its own prefix, or the
///   default namespace when it has none, and its attributes' prefixes), plus the prefixes of
///   the `InclusiveNamespaces` list that are in scope, and only when the nearest rendered
///   ancestor did not already render the same binding; `xmlns=""` only undoes a rendered default;
/// - namespace declarations sorted by prefix, then attributes by (namespace URI, local name);
/// - empty elements as start and end tags; comments dropped; CDATA as escaped text;
/// - `&`, `<`, `>` and CR escaped in text; `&`, `<`, `"`, TAB, LF and CR in attribute values.
struct XMLCanonicalizer {
  /// Prefixes treated as in inclusive canonicalization (`#default` names the default namespace).
  var inclusivePrefixes: Set<String> = []
  /// An element left out with its subtree: the enveloped signature.
  var excluded: XMLElementNode?

  /// The canonical form of `element` and its subtree.
  func canonicalize(_ element: XMLElementNode) -> Data {
    var output = ""
    render(element, rendered: ["": ""], into: &output)
    return Data(output.utf8)
  }

  private func render(_ element: XMLElementNode, rendered: [String: String], into output: inout String) {
    var utilized: Set<String> = [element.prefix]
    for attribute in element.attributes where !attribute.prefix.isEmpty && attribute.prefix != "xml" {
      utilized.insert(attribute.prefix)
    }
    for prefix in inclusivePrefixes {
      let key = prefix == "#default" ? "" : prefix
      if element.inScope[key] != nil { utilized.insert(key) }
    }
    var declarations: [(prefix: String, uri: String)] = []
    var nowRendered = rendered
    for prefix in utilized where prefix != "xml" {
      let uri = element.inScope[prefix] ?? ""
      // A prefixed binding to "" does not exist; only the default namespace can be undone.
      if !prefix.isEmpty && uri.isEmpty { continue }
      if rendered[prefix] != uri {
        declarations.append((prefix, uri))
        nowRendered[prefix] = uri
      }
    }
    declarations.sort { $0.prefix < $1.prefix }
    let attributes = element.attributes.sorted {
      ($0.namespaceURI, $0.localName) < ($1.namespaceURI, $1.localName)
    }

    output += "<"
    output += element.qualifiedName
    for declaration in declarations {
      output += declaration.prefix.isEmpty ? " xmlns=\"" : " xmlns:\(declaration.prefix)=\""
      Self.escapeAttribute(declaration.uri, into: &output)
      output += "\""
    }
    for attribute in attributes {
      output += " \(attribute.qualifiedName)=\""
      Self.escapeAttribute(attribute.value, into: &output)
      output += "\""
    }
    output += ">"
    for child in element.children {
      switch child {
      case .element(let node):
        if let excluded, node === excluded { continue }
        render(node, rendered: nowRendered, into: &output)
      case .text(let text):
        Self.escapeText(text, into: &output)
      case .comment:
        break
      case .processingInstruction(let target, let data):
        output += data.isEmpty ? "<?\(target)?>" : "<?\(target) \(data)?>"
      }
    }
    output += "</\(element.qualifiedName)>"
  }

  static func escapeText(_ text: String, into output: inout String) {
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\r": output += "&#xD;"
      default: output.unicodeScalars.append(scalar)
      }
    }
  }

  static func escapeAttribute(_ value: String, into output: inout String) {
    for scalar in value.unicodeScalars {
      switch scalar {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case "\"": output += "&quot;"
      case "\t": output += "&#x9;"
      case "\n": output += "&#xA;"
      case "\r": output += "&#xD;"
      default: output.unicodeScalars.append(scalar)
      }
    }
  }
}
