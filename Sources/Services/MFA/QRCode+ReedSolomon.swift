/// Reed–Solomon error correction over GF(256), as QR codes use it (ISO/IEC 18004 §7.5.2): the
/// field is built on the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), and the generator
/// polynomial of degree n has the roots α⁰ … αⁿ⁻¹.
enum QRReedSolomon {
  /// αⁱ for i in 0..<255, and the logarithm of each non-zero element; built once.
  private static let tables: (exp: [UInt8], log: [Int]) = {
    var exp = [UInt8](repeating: 0, count: 255)
    var log = [Int](repeating: 0, count: 256)
    var value = 1
    for i in 0..<255 {
      exp[i] = UInt8(value)
      log[value] = i
      value <<= 1
      if value >= 0x100 { value ^= 0x11D }
    }
    return (exp, log)
  }()

  /// The product of two field elements.
  static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
    if a == 0 || b == 0 { return 0 }
    return tables.exp[(tables.log[Int(a)] + tables.log[Int(b)]) % 255]
  }

  /// The coefficients of the generator polynomial of `degree`, highest power first, without
  /// the leading 1 (it is monic).
  static func generator(degree: Int) -> [UInt8] {
    var result = [UInt8](repeating: 0, count: degree)
    result[degree - 1] = 1  // the polynomial 1, stored with its implicit leading term
    var root: UInt8 = 1
    for _ in 0..<degree {
      // Multiply by (x - root); subtraction is addition (XOR) in GF(2⁸).
      for j in 0..<degree {
        result[j] = multiply(result[j], root)
        if j + 1 < degree { result[j] ^= result[j + 1] }
      }
      root = multiply(root, 0x02)
    }
    return result
  }

  /// The error correction codewords of `data`: the remainder of data·xⁿ divided by the
  /// generator of degree n, where n is `generator.count`.
  static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
    var result = [UInt8](repeating: 0, count: generator.count)
    for byte in data {
      let factor = byte ^ result[0]
      result.removeFirst()
      result.append(0)
      for i in 0..<result.count { result[i] ^= multiply(generator[i], factor) }
    }
    return result
  }
}
