import AWSWire
import Crypto
import Foundation
import _CryptoExtras

/// An RSA public key as `UploadSSHPublicKey` accepts it: OpenSSH's one-line `ssh-rsa AAAA...`
/// form or a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), at least 2048 bits. `GetSSHPublicKey`
/// returns either encoding, so the key converts both ways.
struct SSHRSAPublicKey: Equatable {
  /// Big-endian, without leading zero bytes.
  let modulus: [UInt8]
  let exponent: [UInt8]

  /// AWS's minimum.
  static let minimumBits = 2048

  /// Parses `text`: `UnrecognizedPublicKeyEncoding` when it is neither an `ssh-rsa` line nor
  /// PEM, `InvalidPublicKey` when it is one but not a usable RSA key of 2048 bits or more.
  init(parsing text: String) throws(AWSError) {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("-----BEGIN") {
      try self.init(pem: trimmed)
    } else if trimmed.hasPrefix("ssh-") || trimmed.hasPrefix("ecdsa-") {
      try self.init(openSSH: trimmed)
    } else {
      throw Self.unrecognized
    }
    guard bits >= Self.minimumBits else {
      throw Self.invalid("The public key must be at least \(Self.minimumBits) bits long.")
    }
  }

  init(modulus: [UInt8], exponent: [UInt8]) {
    self.modulus = Array(modulus.drop { $0 == 0 })
    self.exponent = Array(exponent.drop { $0 == 0 })
  }

  private init(openSSH line: String) throws(AWSError) {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard fields.count >= 2 else { throw Self.unrecognized }
    guard fields[0] == "ssh-rsa" else { throw Self.invalid("Only ssh-rsa public keys are supported.") }
    guard let blob = Data(base64Encoded: String(fields[1])) else { throw Self.invalid("The public key is not valid base64.") }
    var reader = WireReader(bytes: Array(blob))
    guard let type = reader.string(), type == Array("ssh-rsa".utf8), let e = reader.string(), let n = reader.string(),
      reader.isAtEnd, !n.isEmpty, !e.isEmpty, n[0] & 0x80 == 0, e[0] & 0x80 == 0
    else {
      throw Self.invalid("The public key is not a valid ssh-rsa key.")
    }
    self.init(modulus: n, exponent: e)
  }

  private init(pem: String) throws(AWSError) {
    guard pem.hasPrefix("-----BEGIN PUBLIC KEY-----") || pem.hasPrefix("-----BEGIN RSA PUBLIC KEY-----") else {
      throw Self.unrecognized
    }
    // The unsafe initializer accepts 1024-bit keys, so a short key gets the length message.
    guard let key = try? _RSA.Signing.PublicKey(unsafePEMRepresentation: pem),
      let primitives = try? key.getKeyPrimitives()
    else {
      throw Self.invalid("The public key is not a valid RSA public key.")
    }
    self.init(modulus: Array(primitives.modulus), exponent: Array(primitives.publicExponent))
  }

  /// The modulus length in bits.
  var bits: Int {
    guard let first = modulus.first else { return 0 }
    return (modulus.count - 1) * 8 + (8 - first.leadingZeroBitCount)
  }

  /// OpenSSH's wire form: `string "ssh-rsa", mpint e, mpint n` (RFC 4253 §6.6).
  var wireBlob: [UInt8] {
    var out: [UInt8] = []
    func put(_ bytes: [UInt8]) {
      let n = UInt32(bytes.count)
      out += [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
      out += bytes
    }
    // An mpint is two's complement: a set top bit needs a leading zero to stay positive.
    func mpint(_ bytes: [UInt8]) -> [UInt8] { (bytes.first ?? 0) & 0x80 != 0 ? [0] + bytes : bytes }
    put(Array("ssh-rsa".utf8))
    put(mpint(exponent))
    put(mpint(modulus))
    return out
  }

  /// `ssh-rsa AAAA...`.
  var openSSH: String { "ssh-rsa " + Data(wireBlob).base64EncodedString() }

  /// `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo DER).
  var pem: String {
    get throws(AWSError) {
      guard let key = try? _RSA.Signing.PublicKey(n: modulus, e: exponent) else {
        throw Self.invalid("The public key is not a valid RSA public key.")
      }
      return key.pemRepresentation
    }
  }

  /// The MD5 fingerprint of the wire form, colon-separated lower-case hex, as
  /// `ssh-keygen -l -E md5` prints it and IAM shows it.
  var fingerprint: String {
    Insecure.MD5.hash(data: wireBlob).map { String(format: "%02x", $0) }.joined(separator: ":")
  }

  static let unrecognized = AWSError(
    code: "UnrecognizedPublicKeyEncoding",
    message: "The SSH public key is neither in ssh-rsa format nor in PEM format.")

  static func invalid(_ message: String) -> AWSError { AWSError(code: "InvalidPublicKey", message: message) }
}

/// Reads RFC 4251 `string`s (a 32-bit big-endian length, then the bytes).
private struct WireReader {
  let bytes: [UInt8]
  var offset = 0

  var isAtEnd: Bool { offset == bytes.count }

  mutating func string() -> [UInt8]? {
    guard bytes.count - offset >= 4 else { return nil }
    let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    offset += 4
    guard length <= bytes.count - offset else { return nil }
    defer { offset += length }
    return Array(bytes[offset..<offset + length])
  }
}
