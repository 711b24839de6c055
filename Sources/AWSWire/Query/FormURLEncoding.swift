/// `application/x-www-form-urlencoded`, the encoding of a Query request's POST body and of a
/// GET request's query string: `name=value` pairs joined by `&`, percent-encoded, `+` for space.
public enum FormURLEncoding {
  /// The parameters in `text`, in order, duplicates kept.
  ///
  /// Decoding is lenient, as servers' are: a malformed escape (`%zz`, a trailing `%`) is kept
  /// literally, a pair without `=` has an empty value, empty pairs (`a=1&&b=2`) are skipped, and
  /// bytes that are not UTF-8 become U+FFFD.
  public static func decode(_ text: String) -> [(String, String)] {
    decode(bytes: Array(text.utf8))
  }

  /// The parameters in a raw body.
  public static func decode(bytes: [UInt8]) -> [(String, String)] {
    var pairs: [(String, String)] = []
    for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
      if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
        pairs.append(
          (unescape(pair[pair.startIndex..<equals]), unescape(pair[(equals + 1)..<pair.endIndex])))
      } else {
        pairs.append((unescape(pair), ""))
      }
    }
    return pairs
  }

  /// Percent-encodes `pairs` with the unreserved set of RFC 3986 (as SigV4 and botocore do),
  /// so a decoded body encodes back to what a client would send.
  public static func encode(_ pairs: [(String, String)]) -> String {
    pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
  }

  private static func unescape(_ bytes: ArraySlice<UInt8>) -> String {
    // Nothing escaped: the bytes are the text (invalid UTF-8 is repaired the same way below).
    if !bytes.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) {
      return String(decoding: bytes, as: UTF8.self)
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let byte = bytes[i]
      if byte == UInt8(ascii: "+") {
        out.append(UInt8(ascii: " "))
      } else if byte == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
        let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2])
      {
        out.append(high << 4 | low)
        i += 2
      } else {
        out.append(byte)
      }
      i += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func escape(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
        UInt8(ascii: "."), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = Array("0123456789ABCDEF".utf8)
        out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
      }
    }
    return out
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
