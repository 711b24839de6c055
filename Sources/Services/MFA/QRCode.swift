/// A QR code symbol (ISO/IEC 18004) of some bytes in byte mode: the smallest version that
/// holds them at the chosen error correction level, with the mask of lowest penalty.
///
/// Written for the `otpauth://` URI of `CreateVirtualMFADevice`, which authenticator apps
/// scan; kept general (all versions, all levels) because the cost is a few tables.
public struct QRCode: Sendable, Equatable {
  /// How much of the symbol can be damaged and still read: about 7, 15, 25 or 30 percent.
  public enum ErrorCorrection: Sendable, CaseIterable {
    case low, medium, quartile, high

    /// The row of the capacity tables.
    var tableIndex: Int {
      switch self {
      case .low: 0
      case .medium: 1
      case .quartile: 2
      case .high: 3
      }
    }

    /// The two bits the format information carries (Table 12): not in table order.
    var formatBits: Int {
      switch self {
      case .low: 1
      case .medium: 0
      case .quartile: 3
      case .high: 2
      }
    }
  }

  /// Why a symbol cannot be made.
  public enum EncodingError: Error, Equatable {
    /// The bytes do not fit in the largest version allowed.
    case tooLong(byteCount: Int)
  }

  /// 1 to 40; the symbol is 17 + 4 × version modules wide.
  public let version: Int
  public let errorCorrection: ErrorCorrection
  /// The mask pattern applied, 0 to 7.
  public let mask: Int
  /// Modules per side.
  public let size: Int
  /// Row-major, `true` for a dark module.
  public private(set) var modules: [Bool]
  /// Function patterns (finders, timing, alignment, format and version information), which
  /// data and masks never touch.
  private var isFunction: [Bool]

  /// Encodes `bytes` in byte mode, choosing the smallest version in `versions` and, unless
  /// `mask` is given, the mask whose penalty (§7.8.3) is lowest.
  public init(
    bytes: [UInt8], errorCorrection: ErrorCorrection = .medium, versions: ClosedRange<Int> = 1...40, mask: Int? = nil
  ) throws(EncodingError) {
    precondition(versions.lowerBound >= 1 && versions.upperBound <= 40, "QR versions are 1 to 40")
    precondition(mask.map { (0..<8).contains($0) } ?? true, "QR masks are 0 to 7")
    guard let version = Self.smallestVersion(for: bytes.count, level: errorCorrection, in: versions) else {
      throw .tooLong(byteCount: bytes.count)
    }
    let data = Self.dataCodewords(bytes, version: version, level: errorCorrection)
    let codewords = Self.interleavedCodewords(data, version: version, level: errorCorrection)
    var symbol = QRCode(version: version, errorCorrection: errorCorrection)
    symbol.placeFunctionPatterns()
    symbol.placeCodewords(codewords)
    let chosen =
      mask
      ?? (0..<8).min { a, b in symbol.masked(a).penalty < symbol.masked(b).penalty } ?? 0
    self = symbol.masked(chosen)
  }

  /// Encodes `text` as its UTF-8 bytes.
  public init(text: String, errorCorrection: ErrorCorrection = .medium) throws(EncodingError) {
    try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection)
  }

  /// An empty symbol of `version`, before any pattern is placed.
  private init(version: Int, errorCorrection: ErrorCorrection, mask: Int = 0) {
    self.version = version
    self.errorCorrection = errorCorrection
    self.mask = mask
    size = 17 + 4 * version
    modules = Array(repeating: false, count: size * size)
    isFunction = Array(repeating: false, count: size * size)
  }

  /// Whether the module in column `x`, row `y` is dark.
  public subscript(x: Int, y: Int) -> Bool {
    modules[y * size + x]
  }

  /// Rows of `1` (dark) and `0` (light), for tests and fixtures.
  public var rows: [String] {
    (0..<size).map { y in String((0..<size).map { x in self[x, y] ? "1" : "0" }) }
  }

  private mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
    modules[y * size + x] = dark
    isFunction[y * size + x] = true
  }

  // MARK: Function patterns (§6.3)

  private mutating func placeFunctionPatterns() {
    for i in 0..<size {
      setFunction(6, i, i % 2 == 0)
      setFunction(i, 6, i % 2 == 0)
    }
    placeFinder(3, 3)
    placeFinder(size - 4, 3)
    placeFinder(3, size - 4)
    let positions = alignmentPositions
    let last = positions.count - 1
    for (i, x) in positions.enumerated() {
      for (j, y) in positions.enumerated() {
        // The three corners with finder patterns get no alignment pattern.
        if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
        placeAlignment(x, y)
      }
    }
    // Reserve the format areas now (the real bits depend on the mask), then the version.
    placeFormatBits(mask: 0)
    placeVersionBits()
  }

  /// A 7×7 finder pattern centred on (x, y) with its light separator, clipped to the symbol.
  private mutating func placeFinder(_ cx: Int, _ cy: Int) {
    for dy in -4...4 {
      for dx in -4...4 {
        let x = cx + dx
        let y = cy + dy
        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
        let ring = max(abs(dx), abs(dy))
        setFunction(x, y, ring != 2 && ring != 4)
      }
    }
  }

  /// A 5×5 alignment pattern centred on (x, y).
  private mutating func placeAlignment(_ cx: Int, _ cy: Int) {
    for dy in -2...2 {
      for dx in -2...2 { setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
    }
  }

  /// Centre coordinates of alignment patterns (Annex E): 6, then evenly spaced (by an even
  /// step) up to size − 7.
  var alignmentPositions: [Int] {
    guard version > 1 else { return [] }
    let count = version / 7 + 2
    let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    var result = [6]
    for i in (1..<count).reversed() { result.insert(size - 7 - (count - 1 - i) * step, at: 1) }
    return result
  }

  /// The 15 format bits (level and mask, BCH-protected and XOR-masked, §7.9) in both copies,
  /// and the dark module beside the lower-left finder.
  private mutating func placeFormatBits(mask: Int) {
    let data = errorCorrection.formatBits << 3 | mask
    var remainder = data
    for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
    let bits = (data << 10 | remainder) ^ 0x5412
    func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
    for i in 0...5 { setFunction(8, i, bit(i)) }
    setFunction(8, 7, bit(6))
    setFunction(8, 8, bit(7))
    setFunction(7, 8, bit(8))
    for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
    for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
    for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
    setFunction(8, size - 8, true)
  }

  /// The 18 version bits (Golay-protected, §7.10), for versions 7 and up, in both copies.
  private mutating func placeVersionBits() {
    guard version >= 7 else { return }
    var remainder = version
    for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
    let bits = version << 12 | remainder
    for i in 0..<18 {
      let dark = (bits >> i) & 1 == 1
      let a = size - 11 + i % 3
      let b = i / 3
      setFunction(a, b, dark)
      setFunction(b, a, dark)
    }
  }

  // MARK: Data (§7.7.3)

  /// Places the codewords' bits in two-module-wide columns from the right, upwards then
  /// downwards in turn, skipping the vertical timing pattern's column and every function
  /// module; remainder bits stay light.
  private mutating func placeCodewords(_ codewords: [UInt8]) {
    var index = 0
    let total = codewords.count * 8
    var right = size - 1
    while right >= 1 {
      if right == 6 { right = 5 }
      let upward = (right + 1) & 2 == 0
      for vertical in 0..<size {
        let y = upward ? size - 1 - vertical : vertical
        for x in [right, right - 1] where !isFunction[y * size + x] && index < total {
          modules[y * size + x] = (codewords[index >> 3] >> UInt8(7 - index & 7)) & 1 == 1
          index += 1
        }
      }
      right -= 2
    }
  }

  // MARK: Masks (§7.8)

  /// Whether mask `pattern` inverts the module at column `x`, row `y` (Table 10).
  static func maskInverts(_ pattern: Int, x: Int, y: Int) -> Bool {
    switch pattern {
    case 0: (x + y) % 2 == 0
    case 1: y % 2 == 0
    case 2: x % 3 == 0
    case 3: (x + y) % 3 == 0
    case 4: (x / 3 + y / 2) % 2 == 0
    case 5: x * y % 2 + x * y % 3 == 0
    case 6: (x * y % 2 + x * y % 3) % 2 == 0
    default: ((x + y) % 2 + x * y % 3) % 2 == 0
    }
  }

  /// This symbol (unmasked) with mask `pattern` applied and its format information written.
  private func masked(_ pattern: Int) -> QRCode {
    var result = QRCode(version: version, errorCorrection: errorCorrection, mask: pattern)
    result.modules = modules
    result.isFunction = isFunction
    for y in 0..<size {
      for x in 0..<size where !isFunction[y * size + x] && Self.maskInverts(pattern, x: x, y: y) {
        result.modules[y * size + x].toggle()
      }
    }
    result.placeFormatBits(mask: pattern)
    return result
  }
}
