/// The symbol's capacity and the codeword sequence: data in byte mode, padded, split into
/// blocks, each with its Reed–Solomon codewords, and interleaved (ISO/IEC 18004 §7.4–7.6).
extension QRCode {
  /// Error correction codewords per block, by level (L, M, Q, H) and version (index 0 unused);
  /// ISO/IEC 18004 Table 9.
  static let eccCodewordsPerBlock: [[Int]] = [
    [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
    [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  ]

  /// Error correction blocks, by level and version; ISO/IEC 18004 Table 9.
  static let errorCorrectionBlocks: [[Int]] = [
    [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
    [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
    [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
    [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
  ]

  /// Modules left for data and error correction once the function patterns and the format
  /// and version information are placed (the remainder bits included).
  static func rawDataModules(version: Int) -> Int {
    var result = (16 * version + 128) * version + 64
    if version >= 2 {
      let alignments = version / 7 + 2
      result -= (25 * alignments - 10) * alignments - 55
      if version >= 7 { result -= 36 }
    }
    return result
  }

  /// Data codewords a symbol of `version` and `level` holds.
  static func dataCodewords(version: Int, level: ErrorCorrection) -> Int {
    let l = level.tableIndex
    return rawDataModules(version: version) / 8 - eccCodewordsPerBlock[l][version] * errorCorrectionBlocks[l][version]
  }

  /// Bits of the byte mode's character count indicator (Table 3).
  static func countBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

  /// The smallest version from `versions` whose data capacity holds `count` bytes in byte mode.
  static func smallestVersion(for count: Int, level: ErrorCorrection, in versions: ClosedRange<Int>) -> Int? {
    versions.first { version in
      4 + countBits(version: version) + 8 * count <= 8 * dataCodewords(version: version, level: level)
        && count < 1 << countBits(version: version)
    }
  }

  /// The data codewords: mode indicator 0100 (byte), count, the bytes, a terminator of up to
  /// four zero bits, zero bits to a byte boundary, then the pad bytes 0xEC and 0x11 in turn.
  static func dataCodewords(_ bytes: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
    let capacity = dataCodewords(version: version, level: level)
    var bits = BitBuffer()
    bits.append(0b0100, count: 4)
    bits.append(bytes.count, count: countBits(version: version))
    for byte in bytes { bits.append(Int(byte), count: 8) }
    bits.append(0, count: min(4, capacity * 8 - bits.count))
    bits.append(0, count: (8 - bits.count % 8) % 8)
    var codewords = bits.bytes
    var pad: UInt8 = 0xEC
    while codewords.count < capacity {
      codewords.append(pad)
      pad = pad == 0xEC ? 0x11 : 0xEC
    }
    return codewords
  }

  /// The final sequence: data split into blocks (the shorter blocks first), each block's
  /// error correction computed, then data codewords interleaved across blocks, then the
  /// error correction codewords likewise.
  static func interleavedCodewords(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
    let l = level.tableIndex
    let blockCount = errorCorrectionBlocks[l][version]
    let eccLength = eccCodewordsPerBlock[l][version]
    let shortLength = data.count / blockCount
    let longBlocks = data.count % blockCount
    let generator = QRReedSolomon.generator(degree: eccLength)
    var dataBlocks: [[UInt8]] = []
    var eccBlocks: [[UInt8]] = []
    var start = 0
    for index in 0..<blockCount {
      let length = shortLength + (index >= blockCount - longBlocks ? 1 : 0)
      let block = Array(data[start..<(start + length)])
      start += length
      dataBlocks.append(block)
      eccBlocks.append(QRReedSolomon.remainder(of: block, generator: generator))
    }
    var result: [UInt8] = []
    result.reserveCapacity(rawDataModules(version: version) / 8)
    for i in 0...shortLength {
      for block in dataBlocks where i < block.count { result.append(block[i]) }
    }
    for i in 0..<eccLength {
      for block in eccBlocks { result.append(block[i]) }
    }
    return result
  }
}

/// Bits appended most significant first, read back as bytes.
struct BitBuffer {
  private(set) var bytes: [UInt8] = []
  private(set) var count = 0

  /// Appends the low `count` bits of `value`.
  mutating func append(_ value: Int, count bitCount: Int) {
    for shift in stride(from: bitCount - 1, through: 0, by: -1) {
      if count % 8 == 0 { bytes.append(0) }
      if (value >> shift) & 1 == 1 { bytes[count / 8] |= 0x80 >> UInt8(count % 8) }
      count += 1
    }
  }
}
