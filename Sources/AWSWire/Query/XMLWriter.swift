/// Builds an XML document as compact text — no declaration, no whitespace between elements —
/// which is how the tests compare it and how SDK parsers read it either way.
struct XMLWriter {
  private(set) var text = ""

  /// `<name>` or `<name xmlns="namespace">`.
  mutating func open(_ name: String, namespace: String? = nil) {
    text += "<\(name)"
    if let namespace { text += " xmlns=\"\(Self.escape(namespace, quotes: true))\"" }
    text += ">"
  }

  /// `</name>`.
  mutating func close(_ name: String) {
    text += "</\(name)>"
  }

  /// `<name/>`: what IAM writes for an empty list (`<Users/>`).
  mutating func empty(_ name: String) {
    text += "<\(name)/>"
  }

  /// `<name>escaped content</name>`.
  mutating func element(_ name: String, _ content: String) {
    text += "<\(name)>\(Self.escape(content))</\(name)>"
  }

  /// Escapes character data (and attribute values when `quotes`).
  ///
  /// `\r` becomes `&#xD;` because XML parsers turn a literal CR into LF, which would change a
  /// value on its way to the client. Characters XML 1.0 cannot carry at all (most C0 controls,
  /// U+FFFE, U+FFFF) become U+FFFD so the document stays well-formed: an SDK that cannot parse a
  /// response cannot show its error message either.
  static func escape(_ content: String, quotes: Bool = false) -> String {
    var out = ""
    out.reserveCapacity(content.utf8.count)
    for scalar in content.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where quotes: out += "&quot;"
      case "\r": out += "&#xD;"
      case "\t", "\n": out.unicodeScalars.append(scalar)
      case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
