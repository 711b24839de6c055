/// Byte-level fast paths for the text SigV4 reads on every request.
///
/// The `Character`-level APIs (`split`, `lowercased`, `==`) are correct for any text but cost
/// grapheme breaking and allocations. For ASCII text they give exactly the same answers as the
/// byte loops here (in ASCII no grapheme cluster holds a separator, and Unicode case mapping and
/// canonical equivalence are the ASCII ones), so each helper returns nil for text that is not
/// all ASCII and its caller keeps the general code for that case.
enum SigV4ASCII {
  /// Whether every byte of `text` is ASCII.
  static func isASCII(_ text: some StringProtocol) -> Bool {
    text.utf8.allSatisfy { $0 < 0x80 }
  }

  /// `text` split at every byte in `separators`, like `split(whereSeparator:)` over
  /// `Character`s; nil when `text` is not all ASCII.
  static func split(
    _ text: String, omittingEmptySubsequences: Bool = true,
    isSeparator: (UInt8) -> Bool
  ) -> [Substring]? {
    let utf8 = text.utf8
    var pieces: [Substring] = []
    var start = utf8.startIndex
    var index = start
    while index != utf8.endIndex {
      let byte = utf8[index]
      if byte >= 0x80 { return nil }
      if isSeparator(byte) {
        if !omittingEmptySubsequences || start != index { pieces.append(text[start..<index]) }
        start = utf8.index(after: index)
      }
      index = utf8.index(after: index)
    }
    if !omittingEmptySubsequences || start != index { pieces.append(text[start..<index]) }
    return pieces
  }

  /// `text` with `A`–`Z` lowercased; nil when `text` is not all ASCII.
  static func lowercased(_ text: some StringProtocol) -> String? {
    var needsChange = false
    for byte in text.utf8 {
      if byte >= 0x80 { return nil }
      if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { needsChange = true }
    }
    guard needsChange else { return String(text) }
    let count = text.utf8.count
    return String(unsafeUninitializedCapacity: count) { buffer in
      var i = 0
      for byte in text.utf8 {
        buffer[i] = lower(byte)
        i += 1
      }
      return count
    }
  }

  /// Whether `a.lowercased() == b.lowercased()`, without allocating when both are ASCII.
  static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
    let au = a.utf8
    let bu = b.utf8
    if au.count == bu.count {
      var ai = au.makeIterator()
      var bi = bu.makeIterator()
      while let x = ai.next(), let y = bi.next() {
        if x >= 0x80 || y >= 0x80 { return a.lowercased() == b.lowercased() }
        if x != y && lower(x) != lower(y) { return false }
      }
      return true
    }
    // Unicode case mapping can change a length (`İ` lowercases to two scalars), so different
    // lengths only settle it for ASCII.
    if isASCII(a) && isASCII(b) { return false }
    return a.lowercased() == b.lowercased()
  }

  @inline(__always)
  static func lower(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
  }

  /// SigV4's whitespace for Trimall: space and `\t`…`\r`.
  @inline(__always)
  static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
  }
}
