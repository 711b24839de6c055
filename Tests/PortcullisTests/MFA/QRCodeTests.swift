import Foundation
@testable import Services
import Testing

/// The QR code of `CreateVirtualMFADevice`: symbols bit for bit as a reference encoder makes
/// them, the smallest version for the data, the lowest-penalty mask, and a valid PNG file.
@Suite("QR codes and PNG images")
struct QRCodeTests {
  struct Reference: Decodable, Sendable, CustomTestStringConvertible {
    var text: String
    var level: String
    var mask: Int
    var version: Int
    var rows: [String]
    var testDescription: String { "\(text.prefix(24)) \(level) mask \(mask)" }

    var errorCorrection: QRCode.ErrorCorrection {
      ["L": .low, "M": .medium, "Q": .quartile, "H": .high][level]!
    }
  }

  /// Symbols made once with Python's `qrcode` 8.0 (byte mode, fixed mask), versions 1 to 13:
  /// Tests/PortcullisTests/Fixtures/qrcode-reference.json.
  static let references: [Reference] = {
    let url =
      Bundle.module.url(forResource: "Fixtures/qrcode-reference", withExtension: "json")
      ?? Bundle.module.url(forResource: "qrcode-reference", withExtension: "json", subdirectory: "Fixtures")
    guard let url, let data = try? Data(contentsOf: url) else { return [] }
    struct File: Decodable { var cases: [Reference] }
    return (try? JSONDecoder().decode(File.self, from: data).cases) ?? []
  }()

  @Test("the reference fixtures are present")
  func fixturesLoad() {
    #expect(Self.references.count >= 8)
  }

  @Test("a symbol matches the reference encoder's module for module", arguments: references)
  func matchesReference(_ reference: Reference) throws {
    let code = try QRCode(bytes: Array(reference.text.utf8), errorCorrection: reference.errorCorrection, mask: reference.mask)
    #expect(code.version == reference.version)
    #expect(code.rows == reference.rows)
  }

  /// Byte-mode capacities from ISO/IEC 18004 Table 7: the largest count each version holds.
  @Test(
    "the smallest version that holds the data is chosen",
    arguments: [
      (1, QRCode.ErrorCorrection.low, 17), (1, .medium, 14), (1, .quartile, 11), (1, .high, 7),
      (2, .medium, 26), (7, .medium, 122), (10, .medium, 213), (10, .high, 119), (27, .quartile, 805),
      (40, .low, 2953), (40, .medium, 2331), (40, .quartile, 1663), (40, .high, 1273),
    ])
  func smallestVersion(version: Int, level: QRCode.ErrorCorrection, capacity: Int) throws {
    let full = try QRCode(bytes: Array(repeating: 0x61, count: capacity), errorCorrection: level)
    #expect(full.version == version)
    #expect(full.size == 17 + 4 * version)
    if version < 40 {
      let over = try QRCode(bytes: Array(repeating: 0x61, count: capacity + 1), errorCorrection: level)
      #expect(over.version == version + 1)
    }
  }

  @Test("data too long for version 40 is refused")
  func tooLong() {
    #expect(throws: QRCode.EncodingError.tooLong(byteCount: 2954)) {
      try QRCode(bytes: Array(repeating: 0x61, count: 2954), errorCorrection: .low)
    }
    #expect(throws: QRCode.EncodingError.tooLong(byteCount: 15)) {
      try QRCode(bytes: Array(repeating: 0x61, count: 15), errorCorrection: .medium, versions: 1...1)
    }
  }

  @Test("the automatic mask is the one with the lowest penalty", arguments: ["hello", "otpauth://totp/x@1?secret=AB", String(repeating: "q", count: 90)])
  func automaticMask(_ text: String) throws {
    let chosen = try QRCode(text: text)
    let penalties = try (0..<8).map { try QRCode(bytes: Array(text.utf8), mask: $0).penalty }
    #expect(chosen.penalty == penalties.min())
    #expect(chosen.mask == penalties.firstIndex(of: penalties.min()!))
  }

  /// The worked example of ISO/IEC 18004 Annex I and of many tutorials: `HELLO WORLD` in
  /// alphanumeric mode, version 1-M, gives these data codewords and these 10 ECC codewords.
  @Test("Reed–Solomon codewords match the standard's worked example")
  func reedSolomon() {
    let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    let ecc = QRReedSolomon.remainder(of: data, generator: QRReedSolomon.generator(degree: 10))
    #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
  }

  @Test("alignment pattern centres follow Annex E", arguments: [(1, []), (2, [6, 18]), (7, [6, 22, 38]), (32, [6, 34, 60, 86, 112, 138]), (40, [6, 30, 58, 86, 114, 142, 170])])
  func alignmentPositions(version: Int, centres: [Int]) throws {
    let code = try QRCode(bytes: [], versions: version...version)
    #expect(code.alignmentPositions == centres)
  }

  @Test(
    "penalty rule 1: a run of five or more costs 3 plus the length beyond five",
    arguments: [("1111", 0), ("11111", 3), ("1111111", 5), ("000001111101", 6), ("1010101010", 0)])
  func runPenalty(line: String, expected: Int) {
    #expect(QRCode.runPenalty(line.map { $0 == "1" }) == expected)
  }

  @Test(
    "penalty rule 3: 1:1:3:1:1 with four light modules on either side costs 40 each",
    arguments: [("10111010000", 40), ("00001011101", 40), ("000010111010000", 80), ("1011101000", 0), ("10111011000", 0)])
  func finderLikePenalty(line: String, expected: Int) {
    #expect(QRCode.finderLikePenalty(line.map { $0 == "1" }) == expected)
  }

  // MARK: PNG

  /// The chunks of a PNG file: type, data, and whether the CRC-32 matched.
  static func chunks(_ png: Data) -> [(type: String, body: [UInt8], crcOK: Bool)] {
    let bytes = [UInt8](png)
    var result: [(String, [UInt8], Bool)] = []
    var offset = 8
    func be32(_ at: Int) -> UInt32 { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
    while offset + 12 <= bytes.count {
      let length = Int(be32(offset))
      let typed = Array(bytes[(offset + 4)..<(offset + 8 + length)])
      let crc = be32(offset + 8 + length)
      result.append((String(decoding: typed.prefix(4), as: UTF8.self), Array(typed.dropFirst(4)), crc == PNGImage.crc32(typed)))
      offset += 12 + length
    }
    return result
  }

  @Test("CRC-32 and Adler-32 match their published check values")
  func checksums() {
    #expect(PNGImage.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(PNGImage.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
  }

  @Test("a PNG starts with the signature and holds IHDR, IDAT and IEND with valid CRCs")
  func pngStructure() throws {
    let png = PNGImage(try QRCode(text: "hello"), scale: 3).data
    #expect([UInt8](png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let chunks = Self.chunks(png)
    #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
    #expect(chunks.allSatisfy { $0.crcOK })
    // (21 modules + 2 × 4 quiet) × 3 pixels = 87; 1-bit grayscale, no interlace.
    #expect(chunks.first?.body == [0, 0, 0, 87, 0, 0, 0, 87, 1, 0, 0, 0, 0])
  }

  @Test("the IDAT zlib stream holds the scanlines in stored blocks with their Adler-32")
  func pngZlibStream() throws {
    let image = PNGImage(try QRCode(bytes: Array(repeating: 0x61, count: 2000), errorCorrection: .low), scale: 8)
    let idat = try #require(Self.chunks(image.data).first { $0.type == "IDAT" }).body
    #expect(idat.prefix(2) == [0x78, 0x01])
    #expect((Int(idat[0]) << 8 | Int(idat[1])) % 31 == 0)
    var inflated: [UInt8] = []
    var offset = 2
    var final = false
    while !final {
      final = idat[offset] & 1 == 1
      #expect(idat[offset] & 0b110 == 0)  // BTYPE 00: stored
      let length = Int(idat[offset + 1]) | Int(idat[offset + 2]) << 8
      let complement = Int(idat[offset + 3]) | Int(idat[offset + 4]) << 8
      #expect(length ^ complement == 0xFFFF)
      inflated += idat[(offset + 5)..<(offset + 5 + length)]
      offset += 5 + length
    }
    #expect(inflated == image.scanlines)
    #expect(inflated.count > 65_535)  // more than one block
    let adler = idat[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    #expect(adler == PNGImage.adler32(inflated))
    #expect(offset + 4 == idat.count)
  }

  @Test("modules are drawn black at scale inside a white quiet zone of four modules")
  func pngPixels() throws {
    let code = try QRCode(text: "hello")
    let image = PNGImage(code, scale: 2)
    #expect(image.width == (21 + 8) * 2)
    // The quiet zone is white; the finder's top-left module (dark) starts at (8, 8).
    #expect(!image.pixels[0])
    #expect(!image.pixels[7 * image.width + 7])
    #expect(image.pixels[8 * image.width + 8] && image.pixels[9 * image.width + 9])
    for y in 0..<21 {
      for x in 0..<21 { #expect(image.pixels[(8 + 2 * y) * image.width + 8 + 2 * x] == code[x, y]) }
    }
    // Scanline bits: 0 is black in grayscale.
    #expect(image.scanlines[0] == 0 && image.scanlines[1] == 0xFF && image.scanlines[2] == 0xFF)
  }
}
