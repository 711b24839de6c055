import PolicyEngine
import Testing

/// An address or block and what it parses to.
struct IPParseCase: Sendable, CustomTestStringConvertible {
  let text: String
  let isIPv6: Bool
  let prefixLength: Int

  init(_ text: String, v6 isIPv6: Bool, _ prefixLength: Int) {
    self.text = text
    self.isIPv6 = isIPv6
    self.prefixLength = prefixLength
  }

  var testDescription: String { "`\(text)` is IPv\(isIPv6 ? 6 : 4) /\(prefixLength)" }
}

/// A block, an address or block to look for in it, and whether it is inside.
struct IPContainsCase: Sendable, CustomTestStringConvertible {
  let range: String
  let address: String
  let contains: Bool

  init(_ range: String, _ address: String, _ contains: Bool) {
    self.range = range
    self.address = address
    self.contains = contains
  }

  var testDescription: String { "`\(range)` \(contains ? "contains" : "does not contain") `\(address)`" }
}

/// `IPAddressRange`, the operand of `IpAddress` and `NotIpAddress`: IPv4 and IPv6 addresses and
/// CIDR blocks, `::` compression and embedded IPv4 included, with containment that never
/// crosses address families.
@Suite("IP address ranges")
struct IPAddressRangeTests {
  @Test(
    "valid IPv4 addresses and blocks",
    arguments: [
      IPParseCase("203.0.113.7", v6: false, 32),
      IPParseCase("203.0.113.0/24", v6: false, 24),
      IPParseCase("0.0.0.0/0", v6: false, 0),
      IPParseCase("0.0.0.0", v6: false, 32),
      IPParseCase("255.255.255.255/32", v6: false, 32),
      IPParseCase("10.0.0.0/8", v6: false, 8),
      IPParseCase("192.0.2.1/31", v6: false, 31),
    ])
  func parsesIPv4(_ c: IPParseCase) throws {
    let range = try #require(IPAddressRange(c.text))
    #expect(range.isIPv6 == c.isIPv6)
    #expect(range.prefixLength == c.prefixLength)
  }

  @Test(
    "valid IPv6 addresses and blocks, compressed or not, with embedded IPv4",
    arguments: [
      IPParseCase("2001:DB8::/32", v6: true, 32),
      IPParseCase("2001:db8:0:0:0:0:0:1", v6: true, 128),
      IPParseCase("2001:0db8:0000:0000:0000:0000:0000:0001/128", v6: true, 128),
      IPParseCase("::", v6: true, 128),
      IPParseCase("::/0", v6: true, 0),
      IPParseCase("::1", v6: true, 128),
      IPParseCase("fe80::", v6: true, 128),
      IPParseCase("fe80::1:2", v6: true, 128),
      IPParseCase("1:2:3:4:5:6:7::", v6: true, 128),
      IPParseCase("::2:3:4:5:6:7:8", v6: true, 128),
      IPParseCase("1::8", v6: true, 128),
      IPParseCase("::ffff:192.0.2.1", v6: true, 128),
      IPParseCase("::ffff:192.0.2.0/120", v6: true, 120),
      IPParseCase("64:ff9b::192.0.2.33", v6: true, 128),
      IPParseCase("1:2:3:4:5:6:192.0.2.1", v6: true, 128),
      IPParseCase("::192.0.2.1", v6: true, 128),
      IPParseCase("2001:db8::/65", v6: true, 65),
    ])
  func parsesIPv6(_ c: IPParseCase) throws {
    let range = try #require(IPAddressRange(c.text))
    #expect(range.isIPv6 == c.isIPv6)
    #expect(range.prefixLength == c.prefixLength)
  }

  @Test(
    "compressed, expanded and embedded-IPv4 spellings of one address are equal",
    arguments: [
      ("2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"),
      ("2001:DB8::1", "2001:db8:0:0:0:0:0:1"),
      ("::", "0:0:0:0:0:0:0:0"),
      ("::1", "0:0:0:0:0:0:0:1"),
      ("1::", "1:0:0:0:0:0:0:0"),
      ("::ffff:192.0.2.1", "::ffff:c000:201"),
      ("64:ff9b::192.0.2.33", "64:ff9b:0:0:0:0:c000:221"),
      ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
      // Host bits beyond the prefix are dropped.
      ("203.0.113.77/24", "203.0.113.0/24"),
      ("2001:db8::ffff/32", "2001:db8::/32"),
    ])
  func spellingsAreEqual(_ a: String, _ b: String) throws {
    let x = try #require(IPAddressRange(a))
    let y = try #require(IPAddressRange(b))
    #expect(x == y)
  }

  @Test(
    "malformed input is rejected",
    arguments: [
      "", " ", "/", "/24", "localhost", "a.b.c.d",
      // IPv4
      "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1.2.3.-1", "1..2.3", ".1.2.3", "1.2.3.",
      "1234.1.1.1", "1.2.3.4a", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/",
      "1.2.3.4/+8", "1.2.3.4/ 8", "1.2.3.4/8/8", "1.2.3.4/8.0", "1.2.3.0x4", "١.٢.٣.٤",
      // IPv6
      ":", ":::", "1:", ":1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8", "1::2::3", "12345::", "g::", "::g", "1.2.3.4::", "::1.2.3.4:5",
      "::256.0.0.1", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0", "::/129", "::/", "2001:db8::/-1",
      ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:",
    ])
  func rejectsMalformed(_ text: String) {
    #expect(IPAddressRange(text) == nil)
  }

  @Test(
    "IPv4 containment",
    arguments: [
      IPContainsCase("203.0.113.0/24", "203.0.113.0", true),
      IPContainsCase("203.0.113.0/24", "203.0.113.255", true),
      IPContainsCase("203.0.113.0/24", "203.0.114.0", false),
      IPContainsCase("203.0.113.0/24", "203.0.112.255", false),
      IPContainsCase("203.0.113.77/24", "203.0.113.1", true),
      IPContainsCase("10.0.0.1/32", "10.0.0.1", true),
      IPContainsCase("10.0.0.1/32", "10.0.0.2", false),
      IPContainsCase("10.0.0.1", "10.0.0.1", true),
      IPContainsCase("10.0.0.0/31", "10.0.0.1", true),
      IPContainsCase("10.0.0.0/31", "10.0.0.2", false),
      IPContainsCase("128.0.0.0/1", "255.0.0.1", true),
      IPContainsCase("128.0.0.0/1", "127.255.255.255", false),
      IPContainsCase("0.0.0.0/0", "0.0.0.0", true),
      IPContainsCase("0.0.0.0/0", "255.255.255.255", true),
      // Blocks: contained only when entirely inside.
      IPContainsCase("10.0.0.0/8", "10.1.0.0/16", true),
      IPContainsCase("10.0.0.0/8", "10.0.0.0/8", true),
      IPContainsCase("10.0.0.0/16", "10.0.0.0/8", false),
      IPContainsCase("10.0.0.0/8", "11.0.0.0/16", false),
    ])
  func containsIPv4(_ c: IPContainsCase) throws {
    let range = try #require(IPAddressRange(c.range))
    #expect(range.contains(c.address) == c.contains)
  }

  @Test(
    "IPv6 containment",
    arguments: [
      IPContainsCase("2001:DB8::/32", "2001:db8:ffff::1", true),
      IPContainsCase("2001:db8::/32", "2001:DB8:0:0:0:0:0:0", true),
      IPContainsCase("2001:db8::/32", "2001:db9::", false),
      IPContainsCase("2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff", true),
      IPContainsCase("2001:db8:0:1::/64", "2001:db8:0:2::", false),
      IPContainsCase("2001:db8::/65", "2001:db8::7fff:ffff:ffff:ffff", true),
      IPContainsCase("2001:db8::/65", "2001:db8::8000:0:0:0", false),
      IPContainsCase("2001:db8::/127", "2001:db8::1", true),
      IPContainsCase("2001:db8::/127", "2001:db8::2", false),
      IPContainsCase("::1/128", "::1", true),
      IPContainsCase("::1/128", "0:0:0:0:0:0:0:1", true),
      IPContainsCase("::1/128", "::2", false),
      IPContainsCase("::/128", "::", true),
      IPContainsCase("::/0", "::", true),
      IPContainsCase("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
      IPContainsCase("::/0", "2001:db8::1", true),
      IPContainsCase("::ffff:192.0.2.0/120", "::ffff:192.0.2.200", true),
      IPContainsCase("::ffff:192.0.2.0/120", "::ffff:c000:2c8", true),
      IPContainsCase("::ffff:192.0.2.0/120", "::ffff:192.0.3.1", false),
      IPContainsCase("2001:db8::/32", "2001:db8:1::/48", true),
      IPContainsCase("2001:db8:1::/48", "2001:db8::/32", false),
    ])
  func containsIPv6(_ c: IPContainsCase) throws {
    let range = try #require(IPAddressRange(c.range))
    #expect(range.contains(c.address) == c.contains)
  }

  @Test(
    "an address of the other family is never contained, not even in /0",
    arguments: [
      IPContainsCase("0.0.0.0/0", "::", false),
      IPContainsCase("0.0.0.0/0", "::ffff:192.0.2.1", false),
      IPContainsCase("192.0.2.0/24", "::ffff:192.0.2.1", false),
      IPContainsCase("::/0", "0.0.0.0", false),
      IPContainsCase("::/0", "192.0.2.1", false),
      IPContainsCase("::ffff:0:0/96", "192.0.2.1", false),
      IPContainsCase("::ffff:192.0.2.0/120", "192.0.2.200", false),
    ])
  func mismatchedFamilies(_ c: IPContainsCase) throws {
    let range = try #require(IPAddressRange(c.range))
    #expect(range.contains(c.address) == c.contains)
  }

  @Test(
    "a malformed address is never contained",
    arguments: ["", "not-an-ip", "10.0.0.256", "10.0.0.1/33", "::g", "1::2::3", "10.0.0.1 "])
  func malformedAddressIsNotContained(_ address: String) throws {
    #expect(try #require(IPAddressRange("0.0.0.0/0")).contains(address) == false)
    #expect(try #require(IPAddressRange("::/0")).contains(address) == false)
  }
}
