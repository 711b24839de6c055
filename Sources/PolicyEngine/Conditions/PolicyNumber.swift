/// Numbers as IAM's numeric operators read them: an optional minus sign, digits, and an
/// optional decimal fraction. `Double(String)` alone would also take `nan`, `inf`, `0x10` and
/// `1e3`, and a NaN compares false with everything, which would let a Deny fail open.
enum PolicyNumber {
  /// The value of `text`, or `nil` when it is not a plain decimal number.
  static func parse(_ text: String) -> Double? {
    var digits = 0
    var dots = 0
    for (i, b) in text.utf8.enumerated() {
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
      case UInt8(ascii: "."): dots += 1
      case UInt8(ascii: "-") where i == 0: continue
      default: return nil
      }
    }
    guard digits > 0, dots <= 1 else { return nil }
    return Double(text)
  }
}
