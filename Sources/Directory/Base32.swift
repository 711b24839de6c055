import Foundation

/// Base32 as RFC 4648 §6 defines it (alphabet `A–Z2–7`), the encoding authenticator apps expect
/// for TOTP seeds.
public enum Base32 {
  static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

  /// Encodes `data`, padded with `=` to a multiple of eight characters as RFC 4648 requires.
  public static func encode(_ data: Data, padded: Bool = true) -> String {
    var out: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for byte in data {
      buffer = (buffer << 8) | UInt32(byte)
      bits += 8
      while bits >= 5 {
        out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
        bits -= 5
      }
    }
    if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
    if padded { while out.count % 8 != 0 { out.append(UInt8(ascii: "=")) } }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes `text` (case-insensitive, padding optional, spaces ignored); `nil` when it holds a
  /// character outside the alphabet.
  public static func decode(_ text: String) -> Data? {
    var out = Data()
    var buffer: UInt32 = 0
    var bits = 0
    for scalar in text.uppercased().utf8 {
      if scalar == UInt8(ascii: "=") || scalar == UInt8(ascii: " ") { continue }
      guard let value = alphabet.firstIndex(of: scalar) else { return nil }
      buffer = (buffer << 5) | UInt32(value)
      bits += 5
      if bits >= 8 {
        out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
        bits -= 8
      }
    }
    return out
  }
}
