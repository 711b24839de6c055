import Foundation

/// A black-and-white PNG image (1-bit grayscale), written without an image library: the
/// signature, `IHDR`, one `IDAT` holding a zlib stream of stored (uncompressed) deflate
/// blocks, and `IEND`, each chunk with its CRC-32 (PNG specification, RFC 1950, RFC 1951).
///
/// Stored blocks keep the writer small and obviously correct; a QR code of an `otpauth://`
/// URI is a few kilobytes this way, which is fine for a response field.
public struct PNGImage: Sendable {
  public let width: Int
  public let height: Int
  /// Row-major, `true` for a black pixel.
  public let pixels: [Bool]

  public init(width: Int, height: Int, pixels: [Bool]) {
    precondition(width > 0 && height > 0 && pixels.count == width * height, "pixels must fill width × height")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// `code` drawn `scale` pixels per module, inside the four-module light quiet zone that
  /// readers need around a symbol (§6.3.8).
  public init(_ code: QRCode, scale: Int = 4, quietZone: Int = 4) {
    precondition(scale >= 1 && quietZone >= 0, "scale must be positive")
    let side = (code.size + 2 * quietZone) * scale
    var pixels = [Bool](repeating: false, count: side * side)
    for y in 0..<side {
      let moduleY = y / scale - quietZone
      guard (0..<code.size).contains(moduleY) else { continue }
      for x in 0..<side {
        let moduleX = x / scale - quietZone
        if (0..<code.size).contains(moduleX) && code[moduleX, moduleY] { pixels[y * side + x] = true }
      }
    }
    self.init(width: side, height: side, pixels: pixels)
  }

  /// The eight bytes every PNG file starts with.
  public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The PNG file.
  public var data: Data {
    var file = Self.signature
    var header: [UInt8] = []
    header.appendBigEndian(UInt32(width))
    header.appendBigEndian(UInt32(height))
    // Bit depth 1, colour type 0 (grayscale), deflate, adaptive filtering, no interlace.
    header += [1, 0, 0, 0, 0]
    Self.appendChunk("IHDR", header, to: &file)
    Self.appendChunk("IDAT", Self.zlibStored(scanlines), to: &file)
    Self.appendChunk("IEND", [], to: &file)
    return Data(file)
  }

  /// Each row: filter type 0 (none), then pixels 8 to a byte, most significant bit first,
  /// 1 for white (grayscale value) and 0 for black.
  var scanlines: [UInt8] {
    let rowBytes = (width + 7) / 8
    var result = [UInt8]()
    result.reserveCapacity(height * (rowBytes + 1))
    for y in 0..<height {
      result.append(0)
      var row = [UInt8](repeating: 0xFF, count: rowBytes)
      for x in 0..<width where pixels[y * width + x] {
        row[x / 8] &= ~(0x80 >> UInt8(x % 8))
      }
      result += row
    }
    return result
  }

  /// Length, type, data and the CRC-32 of type and data.
  static func appendChunk(_ type: String, _ body: [UInt8], to file: inout [UInt8]) {
    file.appendBigEndian(UInt32(body.count))
    let typed = Array(type.utf8) + body
    file += typed
    file.appendBigEndian(crc32(typed))
  }

  /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4), at most 65,535
  /// bytes each, ending with the Adler-32 of the data.
  static func zlibStored(_ bytes: [UInt8]) -> [UInt8] {
    // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
    var result: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
      let end = min(start + 65_535, bytes.count)
      let length = UInt16(end - start)
      result.append(end == bytes.count ? 1 : 0)  // BFINAL on the last block, BTYPE 00
      result += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
      result += bytes[start..<end]
      start = end
    } while start < bytes.count
    result.appendBigEndian(adler32(bytes))
    return result
  }

  /// CRC-32 as PNG and zlib define it (polynomial 0xEDB88320, reflected).
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
    }
    return crc ^ 0xFFFF_FFFF
  }

  private static let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  /// Adler-32 (RFC 1950 §8.2).
  static func adler32(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in bytes {
      a = (a + UInt32(byte)) % 65_521
      b = (b + a) % 65_521
    }
    return b << 16 | a
  }
}

extension [UInt8] {
  fileprivate mutating func appendBigEndian(_ value: UInt32) {
    append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
  }
}
