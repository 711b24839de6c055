/// Reads a filter pattern one Unicode scalar at a time and knows the lexical forms: selectors,
/// operators, quoted and unquoted strings, `%regex%` and numbers. The grammar above it lives in
/// `FilterPattern+Parser.swift`.
struct PatternScanner {
  let scalars: [Unicode.Scalar]
  var offset = 0

  init(_ text: String) {
    scalars = Array(text.unicodeScalars)
  }

  var atEnd: Bool { offset >= scalars.count }
  var current: Unicode.Scalar? { atEnd ? nil : scalars[offset] }

  func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    offset + ahead < scalars.count ? scalars[offset + ahead] : nil
  }

  /// Up to `count` scalars from here, for error messages.
  func rest(_ count: Int) -> String {
    var out = String.UnicodeScalarView()
    out.append(contentsOf: scalars[offset..<min(scalars.count, offset + count)])
    return String(out)
  }

  mutating func skipSpaces() {
    while let c = current, c.properties.isWhitespace { offset += 1 }
  }

  /// Consumes `text` if the input continues with it.
  mutating func take(_ text: String) -> Bool {
    let wanted = Array(text.unicodeScalars)
    guard offset + wanted.count <= scalars.count, Array(scalars[offset..<offset + wanted.count]) == wanted else {
      return false
    }
    offset += wanted.count
    return true
  }

  /// Consumes a keyword (case-insensitively) that is not the start of a longer word.
  mutating func takeKeyword(_ word: String) -> Bool {
    let wanted = Array(word.uppercased().unicodeScalars)
    guard offset + wanted.count <= scalars.count else { return false }
    for (i, w) in wanted.enumerated() where String(scalars[offset + i]).uppercased() != String(w) { return false }
    if let after = peek(wanted.count), Self.isWordScalar(after) { return false }
    offset += wanted.count
    return true
  }

  static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
    (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c))) || c == "_" || c == "-"
  }

  // MARK: selectors

  /// `$` followed by `.name`, `[n]` and `[*]` steps.
  mutating func selector() throws(FilterPatternError) -> JSONSelector {
    let start = offset
    guard take("$") else {
      throw FilterPatternError(offset: offset, reason: "expected a selector starting with `$`, found `\(rest(8))`")
    }
    var steps: [JSONSelector.Step] = []
    while let c = current {
      if c == "." {
        offset += 1
        let nameStart = offset
        while let n = current, Self.isWordScalar(n) || !n.isASCII && n.properties.isAlphabetic { offset += 1 }
        guard offset > nameStart else {
          throw FilterPatternError(offset: offset, reason: "expected a property name after `.`")
        }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[nameStart..<offset])
        steps.append(.member(String(name)))
      } else if c == "[" {
        if steps.isEmpty {
          throw FilterPatternError(offset: offset, reason: "an array element must follow a property, as in `$.items[0]`")
        }
        offset += 1
        if take("*") {
          steps.append(.anyElement)
        } else {
          let digitsStart = offset
          while let d = current, ("0"..."9").contains(d) { offset += 1 }
          var digits = String.UnicodeScalarView()
          digits.append(contentsOf: scalars[digitsStart..<offset])
          guard let index = Int(String(digits)) else {
            throw FilterPatternError(offset: digitsStart, reason: "expected an array index (a number or `*`) inside `[]`")
          }
          steps.append(.index(index))
        }
        guard take("]") else { throw FilterPatternError(offset: offset, reason: "expected `]`") }
      } else {
        break
      }
    }
    if steps.isEmpty {
      throw FilterPatternError(offset: start, reason: "a selector names a property, as in `$.eventName`")
    }
    return JSONSelector(steps: steps)
  }

  // MARK: values

  /// A double-quoted string; `\"` and `\\` escape.
  mutating func quotedString() throws(FilterPatternError) -> String {
    let start = offset
    offset += 1  // the opening quote
    var out = String.UnicodeScalarView()
    while let c = current {
      offset += 1
      if c == "\"" { return String(out) }
      if c == "\\", let next = current {
        offset += 1
        out.append(next)
      } else {
        out.append(c)
      }
    }
    throw FilterPatternError(offset: start, reason: "unterminated string")
  }

  /// An unquoted value runs to the next space, parenthesis, brace or `&&`/`||`.
  mutating func unquotedValue() -> String {
    var out = String.UnicodeScalarView()
    while let c = current, !c.properties.isWhitespace, c != ")", c != "(", c != "}", c != "{", c != "\"" {
      if (c == "&" && peek(1) == "&") || (c == "|" && peek(1) == "|") { break }
      out.append(c)
      offset += 1
    }
    return String(out)
  }

  /// The body of a `%regex%` value, without the percent signs.
  mutating func regexBody() throws(FilterPatternError) -> String {
    let start = offset
    offset += 1
    var out = String.UnicodeScalarView()
    while let c = current {
      offset += 1
      if c == "%" { return String(out) }
      if c == "\\", let next = current {
        out.append(c)
        out.append(next)
        offset += 1
      } else {
        out.append(c)
      }
    }
    throw FilterPatternError(offset: start, reason: "unterminated regular expression: a closing `%` is missing")
  }

  /// AWS's number syntax: an optional sign, digits, an optional fraction, an optional exponent.
  static func number(_ text: String) -> Double? {
    var u = Substring(text).utf8[...]
    if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
    func digits(_ u: inout Substring.UTF8View.SubSequence) -> Int {
      var n = 0
      while let f = u.first, f >= 48 && f <= 57 {
        u = u.dropFirst()
        n += 1
      }
      return n
    }
    guard digits(&u) > 0 else { return nil }
    if u.first == UInt8(ascii: ".") {
      u = u.dropFirst()
      guard digits(&u) > 0 else { return nil }
    }
    if let e = u.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      u = u.dropFirst()
      if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
      guard digits(&u) > 0 else { return nil }
    }
    guard u.isEmpty else { return nil }
    return Double(text.hasPrefix("+") ? String(text.dropFirst()) : text)
  }
}
