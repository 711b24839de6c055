/// Builds an XML document as compact text — no declaration, no whitespace between elements —
/// which is how the tests compare it and how SDK parsers read it either way.
struct XMLWriter {
  /// The document so far, as UTF-8. Built as bytes: appending to a `String` piece by piece
  /// costs a uniqueness check, a capacity check and an ASCII-flag update on every piece.
  private var bytes: [UInt8] = []

  init() {
    bytes.reserveCapacity(1024)
  }

  /// The document.
  var text: String { String(decoding: bytes, as: UTF8.self) }

  /// `<name>` or `<name xmlns="namespace">`.
  mutating func open(_ name: String, namespace: String? = nil) {
    bytes.append(UInt8(ascii: "<"))
    bytes.append(contentsOf: name.utf8)
    if let namespace {
      bytes.append(contentsOf: " xmlns=\"".utf8)
      appendEscaped(namespace, quotes: true)
      bytes.append(UInt8(ascii: "\""))
    }
    bytes.append(UInt8(ascii: ">"))
  }

  /// `</name>`.
  mutating func close(_ name: String) {
    bytes.append(UInt8(ascii: "<"))
    bytes.append(UInt8(ascii: "/"))
    bytes.append(contentsOf: name.utf8)
    bytes.append(UInt8(ascii: ">"))
  }

  /// `<name/>`: what IAM writes for an empty list (`<Users/>`).
  mutating func empty(_ name: String) {
    bytes.append(UInt8(ascii: "<"))
    bytes.append(contentsOf: name.utf8)
    bytes.append(UInt8(ascii: "/"))
    bytes.append(UInt8(ascii: ">"))
  }

  /// `<name>escaped content</name>`.
  mutating func element(_ name: String, _ content: String) {
    open(name)
    appendEscaped(content, quotes: false)
    close(name)
  }

  /// Appends `escape(content, quotes:)`, copying the text as it is when nothing in it needs
  /// escaping (no `&`, `<`, `>`, quote, control character, or any byte that could start
  /// U+FFFE or U+FFFF).
  private mutating func appendEscaped(_ content: String, quotes: Bool) {
    let plain = content.utf8.allSatisfy { byte in
      switch byte {
      case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), 0xEF: false
      case UInt8(ascii: "\""): !quotes
      case UInt8(ascii: "\t"), UInt8(ascii: "\n"): true
      case 0..<0x20: false
      default: true
      }
    }
    if plain {
      bytes.append(contentsOf: content.utf8)
    } else {
      bytes.append(contentsOf: Self.escape(content, quotes: quotes).utf8)
    }
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
