/// An IPv4 or IPv6 address block (`203.0.113.0/24`, `2001:DB8::/32`, or a single address),
/// as IAM's `IpAddress` and `NotIpAddress` operators accept.
public struct IPAddressRange: Sendable, Equatable {
  /// Whether the block is IPv6.
  public let isIPv6: Bool
  /// The address as a 128-bit value (IPv4 in the low 32 bits).
  let high: UInt64
  let low: UInt64
  /// The prefix length.
  public let prefixLength: Int

  /// Parses an address or CIDR block; `nil` if malformed.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
    guard let address = IPAddressRange.parseAddress(parts[0]) else { return nil }
    let maxPrefix = address.isIPv6 ? 128 : 32
    var prefix = maxPrefix
    if parts.count == 2 {
      guard let p = Int(parts[1]), (0...maxPrefix).contains(p), parts[1].allSatisfy(\.isNumber) else {
        return nil
      }
      prefix = p
    }
    isIPv6 = address.isIPv6
    prefixLength = prefix
    // Keep only the network bits so `contains` is a masked compare.
    let total = isIPv6 ? prefix : prefix + 96
    (high, low) = IPAddressRange.mask(address.high, address.low, bits: total)
  }

  /// Whether `address` (an address, or a block entirely inside this one) is in this block.
  public func contains(_ text: String) -> Bool {
    guard let other = IPAddressRange.address(text) else { return false }
    return contains(other)
  }

  /// Whether a parsed address or block lies inside this block.
  public func contains(_ other: IPAddressRange) -> Bool {
    guard other.isIPv6 == isIPv6, other.prefixLength >= prefixLength else { return false }
    let total = isIPv6 ? prefixLength : prefixLength + 96
    let masked = IPAddressRange.mask(other.high, other.low, bits: total)
    return masked.0 == high && masked.1 == low
  }

  private init(isIPv6: Bool, high: UInt64, low: UInt64, prefixLength: Int) {
    self.isIPv6 = isIPv6
    self.high = high
    self.low = low
    self.prefixLength = prefixLength
  }

  /// Parses a request's address (or block); a plain dotted IPv4 address takes a fast path
  /// that allocates nothing.
  public static func address(_ text: String) -> IPAddressRange? {
    var text = text
    let v4: UInt32? = text.withUTF8 { bytes in
      var value: UInt32 = 0
      var octet: UInt32 = 0
      var digits = 0
      var dots = 0
      for b in bytes {
        if b == UInt8(ascii: ".") {
          guard digits > 0, dots < 3 else { return nil }
          value = value << 8 | octet
          octet = 0
          digits = 0
          dots += 1
        } else if b >= 0x30 && b <= 0x39 {
          octet = octet * 10 + UInt32(b - 0x30)
          digits += 1
          guard digits <= 3, octet <= 255 else { return nil }
        } else {
          return nil
        }
      }
      guard dots == 3, digits > 0 else { return nil }
      return value << 8 | octet
    }
    if let v4 { return IPAddressRange(isIPv6: false, high: 0, low: UInt64(v4), prefixLength: 32) }
    return IPAddressRange(text)
  }

  static func mask(_ high: UInt64, _ low: UInt64, bits: Int) -> (UInt64, UInt64) {
    if bits <= 0 { return (0, 0) }
    if bits >= 128 { return (high, low) }
    if bits <= 64 {
      let m: UInt64 = bits == 64 ? ~0 : ~(~0 >> UInt64(bits))
      return (high & m, 0)
    }
    let m: UInt64 = ~(~0 >> UInt64(bits - 64))
    return (high, low & m)
  }

  static func parseIPv4(_ text: Substring) -> UInt32? {
    let octets = text.split(separator: ".", omittingEmptySubsequences: false)
    guard octets.count == 4 else { return nil }
    var value: UInt32 = 0
    for octet in octets {
      guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }),
        let n = UInt32(octet), n <= 255
      else { return nil }
      value = value << 8 | n
    }
    return value
  }

  static func parseAddress(_ text: Substring) -> (isIPv6: Bool, high: UInt64, low: UInt64)? {
    if !text.contains(":") {
      guard let v4 = parseIPv4(text) else { return nil }
      return (false, 0, UInt64(v4))
    }
    // IPv6: up to eight groups, one `::`, optionally a dotted IPv4 tail.
    var groups: [UInt16] = []
    var tailGroups: [UInt16] = []
    var sawDoubleColon = false
    var halves: [String] = []
    var rest = Substring(text)
    while let r = rest.firstRange(of: "::") {
      halves.append(String(rest[..<r.lowerBound]))
      rest = rest[r.upperBound...]
    }
    halves.append(String(rest))
    guard halves.count <= 2 else { return nil }
    func parseGroups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
      if part.isEmpty { return [] }
      let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
      var out: [UInt16] = []
      for (i, piece) in pieces.enumerated() {
        if allowIPv4Tail && i == pieces.count - 1 && piece.contains(".") {
          guard let v4 = parseIPv4(piece) else { return nil }
          out.append(UInt16(v4 >> 16))
          out.append(UInt16(v4 & 0xFFFF))
          continue
        }
        guard !piece.isEmpty, piece.count <= 4, piece.allSatisfy(\.isHexDigit), let g = UInt16(piece, radix: 16) else {
          return nil
        }
        out.append(g)
      }
      return out
    }
    if halves.count == 2 {
      sawDoubleColon = true
      guard let head = parseGroups(halves[0], allowIPv4Tail: false),
        let tail = parseGroups(halves[1], allowIPv4Tail: true)
      else { return nil }
      groups = head
      tailGroups = tail
      guard groups.count + tailGroups.count <= 7 else { return nil }
    } else {
      guard let all = parseGroups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
      groups = all
    }
    if sawDoubleColon {
      groups += Array(repeating: 0, count: 8 - groups.count - tailGroups.count) + tailGroups
    }
    var high: UInt64 = 0
    var low: UInt64 = 0
    for i in 0..<4 { high = high << 16 | UInt64(groups[i]) }
    for i in 4..<8 { low = low << 16 | UInt64(groups[i]) }
    return (true, high, low)
  }
}
