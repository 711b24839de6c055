/// The byte-level encodings SigV4 is defined over: RFC 3986 percent-encoding and lowercase hex.
///
/// Everything here works on bytes rather than `String`s, because a signature covers exact bytes:
/// a value that is not valid UTF-8 must still re-encode to what the client signed.
enum SigV4Encoding {
  /// Percent-encodes every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`), with
  /// uppercase hex, as SigV4 requires; `/` is kept when `keepingSlashes` (for paths).
  static func percentEncode(_ bytes: some Sequence<UInt8>, keepingSlashes: Bool = false) -> String {
    var out: [UInt8] = []
    for byte in bytes {
      if isUnreserved(byte) || (keepingSlashes && byte == UInt8(ascii: "/")) {
        out.append(byte)
      } else {
        out.append(UInt8(ascii: "%"))
        out.append(upperHexDigits[Int(byte >> 4)])
        out.append(upperHexDigits[Int(byte & 0x0F)])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes `%XY` escapes and `+` (as a space) in a query-string component.
  ///
  /// `+` means space because the service reads the query as a form (Query protocol), and the
  /// verifier must read it the same way: otherwise a signature over one meaning would authorize
  /// another. botocore also sends `+` for a space when it serializes `params`. A malformed escape
  /// is kept literally, as form decoders do, so it re-encodes as `%25`.
  static func formDecode(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = bytes.startIndex
    while index != bytes.endIndex {
      let byte = bytes[index]
      if byte == UInt8(ascii: "%") {
        let first = bytes.index(after: index)
        if first != bytes.endIndex, bytes.index(after: first) != bytes.endIndex,
          let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)])
        {
          out.append(high << 4 | low)
          index = bytes.index(first, offsetBy: 2)
          continue
        }
        out.append(byte)
      } else if byte == UInt8(ascii: "+") {
        out.append(UInt8(ascii: " "))
      } else {
        out.append(byte)
      }
      index = bytes.index(after: index)
    }
    return out
  }

  /// Lowercase hex, as SigV4 writes hashes and signatures.
  static func hex(_ bytes: some Sequence<UInt8>) -> String {
    var out: [UInt8] = []
    for byte in bytes {
      out.append(lowerHexDigits[Int(byte >> 4)])
      out.append(lowerHexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the lowercase hex of `bytes` to `out`.
  static func appendHex(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
    for byte in bytes {
      out.append(lowerHexDigits[Int(byte >> 4)])
      out.append(lowerHexDigits[Int(byte & 0x0F)])
    }
  }

  /// The bytes of a hex string of exactly `count` bytes, either case; nil for anything else.
  static func bytes(fromHex text: String, count: Int) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count == count * 2 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(count)
    var index = 0
    while index < digits.count {
      guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else {
        return nil
      }
      out.append(high << 4 | low)
      index += 2
    }
    return out
  }

  private static let upperHexDigits = Array("0123456789ABCDEF".utf8)
  private static let lowerHexDigits = Array("0123456789abcdef".utf8)

  private static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "_"),
      UInt8(ascii: "~"):
      true
    default:
      false
    }
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
