/// Builds compact JSON text (no whitespace) as bytes, escaping strings as RFC 8259 requires.
struct JSONWriter {
  private(set) var bytes: [UInt8] = []

  init() {
    bytes.reserveCapacity(512)
  }

  /// The document.
  var text: String { String(decoding: bytes, as: UTF8.self) }

  mutating func raw(_ text: String) {
    bytes.append(contentsOf: text.utf8)
  }

  mutating func byte(_ ascii: Unicode.Scalar) {
    bytes.append(UInt8(ascii: ascii))
  }

  /// A quoted, escaped string.
  mutating func string(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
      case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
      case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
      case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
      case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: #"\u00"#.utf8)
        bytes.append(hex[Int(byte >> 4)])
        bytes.append(hex[Int(byte & 0xF)])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// A number; JSON has no infinities or NaN, so those are written as the strings AWS's JSON
  /// protocols use (`"Infinity"`, `"-Infinity"`, `"NaN"`).
  mutating func number(_ value: Double) {
    if value.isNaN {
      string("NaN")
    } else if value.isInfinite {
      string(value < 0 ? "-Infinity" : "Infinity")
    } else if value == value.rounded(.towardZero), abs(value) < 1e15 {
      raw(String(Int64(value)))
    } else {
      raw(String(value))
    }
  }
}
