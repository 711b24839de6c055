import Foundation

/// A strict, small XML parser producing `XMLElementNode` trees.
///
/// Written by hand rather than over FoundationXML's `XMLParser` so that what reaches the
/// canonicalizer is exactly what XML 1.0 says the document contains (line ends normalized,
/// attribute values normalized, character references expanded, CDATA as text), and so that no
/// libxml2 feature — external entities, DTD loading — can ever be switched on by a document.
/// A `<!DOCTYPE` anywhere is refused: SAML messages never need one.
struct XMLDocumentParser {
  /// Deeper nesting than this is refused (no SAML message comes close).
  static let maximumDepth = 64

  private var bytes: [UInt8]
  private var index = 0

  /// Parses `text` and returns its document element.
  static func parse(_ text: String) throws(XMLParseError) -> XMLElementNode {
    var parser = XMLDocumentParser(bytes: Self.normalizingLineEnds(Array(text.utf8)))
    return try parser.document()
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  /// XML 1.0 §2.11: `\r\n` and a lone `\r` become `\n` before anything else.
  static func normalizingLineEnds(_ input: [UInt8]) -> [UInt8] {
    guard input.contains(13) else { return input }
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    var i = 0
    while i < input.count {
      if input[i] == 13 {
        output.append(10)
        if i + 1 < input.count, input[i + 1] == 10 { i += 1 }
      } else {
        output.append(input[i])
      }
      i += 1
    }
    return output
  }

  // MARK: document

  private mutating func document() throws(XMLParseError) -> XMLElementNode {
    if hasPrefix([0xEF, 0xBB, 0xBF]) { index += 3 }
    var root: XMLElementNode?
    while index < bytes.count {
      if skipWhitespace() { continue }
      if hasPrefix("<?") {
        _ = try processingInstruction()
      } else if hasPrefix("<!--") {
        try comment()
      } else if hasPrefix("<!") {
        throw XMLParseError(message: "document type declarations are not allowed")
      } else if hasPrefix("<"), root == nil {
        root = try element(parent: nil, scope: ["xml": XMLNamespace.xml, "": ""], depth: 0)
      } else {
        throw XMLParseError(message: "content outside the document element")
      }
    }
    guard let root else { throw XMLParseError(message: "no document element") }
    return root
  }

  // MARK: elements

  private mutating func element(
    parent: XMLElementNode?, scope: [String: String], depth: Int
  ) throws(XMLParseError) -> XMLElementNode {
    guard depth < Self.maximumDepth else { throw XMLParseError(message: "elements nested too deeply") }
    index += 1  // <
    let name = try self.name()
    var raw: [(name: String, value: String)] = []
    var selfClosing = false
    while true {
      let hadSpace = skipWhitespace()
      guard index < bytes.count else { throw XMLParseError(message: "unterminated start tag <\(name)>") }
      if bytes[index] == UInt8(ascii: ">") {
        index += 1
        break
      }
      if hasPrefix("/>") {
        index += 2
        selfClosing = true
        break
      }
      guard hadSpace else { throw XMLParseError(message: "malformed start tag <\(name)>") }
      let attributeName = try self.name()
      skipWhitespace()
      try expect(UInt8(ascii: "="))
      skipWhitespace()
      let value = try attributeValue()
      if raw.contains(where: { $0.name == attributeName }) {
        throw XMLParseError(message: "duplicate attribute \(attributeName)")
      }
      raw.append((attributeName, value))
    }

    // Namespace declarations first: they apply to the element's own name and attributes.
    var inScope = scope
    for (attributeName, value) in raw {
      if attributeName == "xmlns" {
        inScope[""] = value
      } else if attributeName.hasPrefix("xmlns:") {
        let declared = String(attributeName.dropFirst(6))
        guard !value.isEmpty, declared != "xml", declared != "xmlns" else {
          throw XMLParseError(message: "invalid namespace declaration \(attributeName)")
        }
        inScope[declared] = value
      }
    }
    let (prefix, localName) = Self.split(name)
    guard let namespace = inScope[prefix] else { throw XMLParseError(message: "unbound prefix \(prefix)") }
    var attributes: [XMLAttribute] = []
    for (attributeName, value) in raw where attributeName != "xmlns" && !attributeName.hasPrefix("xmlns:") {
      let (attributePrefix, attributeLocal) = Self.split(attributeName)
      var attributeNamespace = ""
      if !attributePrefix.isEmpty {
        guard let bound = inScope[attributePrefix] else {
          throw XMLParseError(message: "unbound prefix \(attributePrefix)")
        }
        attributeNamespace = bound
      }
      if attributes.contains(where: { $0.localName == attributeLocal && $0.namespaceURI == attributeNamespace }) {
        throw XMLParseError(message: "duplicate attribute \(attributeName)")
      }
      attributes.append(
        XMLAttribute(prefix: attributePrefix, localName: attributeLocal, namespaceURI: attributeNamespace, value: value))
    }
    let node = XMLElementNode(
      prefix: prefix, localName: localName, namespaceURI: namespace, inScope: inScope, attributes: attributes)
    node.parent = parent
    if selfClosing { return node }

    var text: [UInt8] = []
    func flush() {
      if !text.isEmpty {
        node.children.append(.text(String(decoding: text, as: UTF8.self)))
        text.removeAll()
      }
    }
    while true {
      guard index < bytes.count else { throw XMLParseError(message: "unterminated element <\(name)>") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "<") {
        if hasPrefix("</") {
          flush()
          index += 2
          let closing = try self.name()
          skipWhitespace()
          try expect(UInt8(ascii: ">"))
          guard closing == name else { throw XMLParseError(message: "</\(closing)> does not close <\(name)>") }
          return node
        } else if hasPrefix("<!--") {
          flush()
          try comment()
          node.children.append(.comment)
        } else if hasPrefix("<![CDATA[") {
          index += 9
          guard let end = find("]]>") else { throw XMLParseError(message: "unterminated CDATA section") }
          text += bytes[index..<end]
          index = end + 3
        } else if hasPrefix("<!") {
          throw XMLParseError(message: "document type declarations are not allowed")
        } else if hasPrefix("<?") {
          flush()
          let (target, data) = try processingInstruction()
          node.children.append(.processingInstruction(target: target, data: data))
        } else {
          flush()
          let child = try element(parent: node, scope: inScope, depth: depth + 1)
          node.children.append(.element(child))
        }
      } else if byte == UInt8(ascii: "&") {
        text += try reference()
      } else {
        if byte == UInt8(ascii: ">"), index >= 2, bytes[index - 1] == UInt8(ascii: "]"), bytes[index - 2] == UInt8(ascii: "]") {
          throw XMLParseError(message: "`]]>` in character data")
        }
        text.append(byte)
        index += 1
      }
    }
  }

  private static func split(_ name: String) -> (prefix: String, local: String) {
    guard let colon = name.firstIndex(of: ":") else { return ("", name) }
    return (String(name[..<colon]), String(name[name.index(after: colon)...]))
  }

  // MARK: lexical pieces

  private mutating func name() throws(XMLParseError) -> String {
    let start = index
    while index < bytes.count {
      let b = bytes[index]
      if b == 32 || b == 9 || b == 10 || b == 13 || b == UInt8(ascii: "/") || b == UInt8(ascii: ">")
        || b == UInt8(ascii: "=") || b == UInt8(ascii: "<") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'")
        || b == UInt8(ascii: "&")
      {
        break
      }
      index += 1
    }
    let name = String(decoding: bytes[start..<index], as: UTF8.self)
    let colons = name.filter { $0 == ":" }.count
    guard !name.isEmpty, colons <= 1, !name.hasPrefix(":"), !name.hasSuffix(":"),
      let first = name.unicodeScalars.first, !("0"..."9").contains(first), first != "-", first != "."
    else {
      throw XMLParseError(message: "invalid name `\(name)`")
    }
    return name
  }

  /// A quoted attribute value, references expanded and whitespace normalized (XML 1.0 §3.3.3:
  /// literal tab and newline become spaces; characters from references stay as they are).
  private mutating func attributeValue() throws(XMLParseError) -> String {
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
      throw XMLParseError(message: "attribute value not quoted")
    }
    let quote = bytes[index]
    index += 1
    var value: [UInt8] = []
    while true {
      guard index < bytes.count else { throw XMLParseError(message: "unterminated attribute value") }
      let b = bytes[index]
      if b == quote {
        index += 1
        return String(decoding: value, as: UTF8.self)
      } else if b == UInt8(ascii: "<") {
        throw XMLParseError(message: "`<` in an attribute value")
      } else if b == UInt8(ascii: "&") {
        value += try reference()
      } else {
        value.append(b == 9 || b == 10 ? 32 : b)
        index += 1
      }
    }
  }

  /// `&name;` for XML's five predefined entities, or a character reference. Any other
  /// entity is undeclared (there is no DTD) and so an error.
  private mutating func reference() throws(XMLParseError) -> [UInt8] {
    guard let end = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
      throw XMLParseError(message: "malformed reference")
    }
    let body = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
    index = end + 1
    switch body {
    case "lt": return [UInt8(ascii: "<")]
    case "gt": return [UInt8(ascii: ">")]
    case "amp": return [UInt8(ascii: "&")]
    case "quot": return [UInt8(ascii: "\"")]
    case "apos": return [UInt8(ascii: "'")]
    default: break
    }
    var scalarValue: UInt32?
    if body.hasPrefix("#x") {
      scalarValue = UInt32(body.dropFirst(2), radix: 16)
    } else if body.hasPrefix("#") {
      scalarValue = UInt32(body.dropFirst(), radix: 10)
    } else {
      throw XMLParseError(message: "undeclared entity &\(body);")
    }
    guard let scalarValue, let scalar = Unicode.Scalar(scalarValue),
      scalarValue == 9 || scalarValue == 10 || scalarValue == 13 || scalarValue >= 32
    else {
      throw XMLParseError(message: "invalid character reference &\(body);")
    }
    return Array(String(Character(scalar)).utf8)
  }

  private mutating func comment() throws(XMLParseError) {
    index += 4
    guard let end = find("-->") else { throw XMLParseError(message: "unterminated comment") }
    index = end + 3
  }

  private mutating func processingInstruction() throws(XMLParseError) -> (String, String) {
    index += 2
    guard let end = find("?>") else { throw XMLParseError(message: "unterminated processing instruction") }
    let content = String(decoding: bytes[index..<end], as: UTF8.self)
    index = end + 2
    let target = String(content.prefix { !$0.isWhitespace })
    let data = String(content.dropFirst(target.count).drop { $0.isWhitespace })
    guard !target.isEmpty else { throw XMLParseError(message: "processing instruction without a target") }
    return (target, data)
  }

  @discardableResult
  private mutating func skipWhitespace() -> Bool {
    let start = index
    while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 || bytes[index] == 10 || bytes[index] == 13 {
      index += 1
    }
    return index > start
  }

  private mutating func expect(_ byte: UInt8) throws(XMLParseError) {
    guard index < bytes.count, bytes[index] == byte else {
      throw XMLParseError(message: "expected `\(Character(Unicode.Scalar(byte)))`")
    }
    index += 1
  }

  private func hasPrefix(_ text: String) -> Bool { hasPrefix(Array(text.utf8)) }

  private func hasPrefix(_ prefix: [UInt8]) -> Bool {
    guard index + prefix.count <= bytes.count else { return false }
    for (offset, byte) in prefix.enumerated() where bytes[index + offset] != byte { return false }
    return true
  }

  /// The index where `text` next occurs at or after the current position.
  private func find(_ text: String) -> Int? {
    let needle = Array(text.utf8)
    var i = index
    while i + needle.count <= bytes.count {
      if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
      i += 1
    }
    return nil
  }
}
