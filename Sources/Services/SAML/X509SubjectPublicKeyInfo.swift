import Foundation

/// The `SubjectPublicKeyInfo` of an X.509 certificate, found by walking its DER.
///
/// SAML metadata carries the IdP's keys as certificates; verifying a signature needs only the
/// public key, which `_RSA.Signing.PublicKey(derRepresentation:)` takes as SPKI DER. The
/// certificate itself is not validated (no chain, no expiry): as in AWS, trust comes from the
/// administrator having uploaded the metadata, not from a certificate authority.
enum X509SubjectPublicKeyInfo {
  /// The SPKI DER of `certificate` (a DER `Certificate`), or `nil` when it is not one.
  ///
  /// `Certificate ::= SEQUENCE { tbsCertificate, ... }` and
  /// `TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
  /// validity, subject, subjectPublicKeyInfo, ... }`.
  static func extract(from certificate: [UInt8]) -> [UInt8]? {
    guard let outer = element(in: certificate, at: 0), outer.tag == 0x30, outer.end == certificate.count,
      let tbs = element(in: certificate, at: outer.contentStart), tbs.tag == 0x30
    else { return nil }
    var position = tbs.contentStart
    guard var field = element(in: certificate, at: position) else { return nil }
    if field.tag == 0xA0 {  // explicit version
      position = field.end
      guard let next = element(in: certificate, at: position) else { return nil }
      field = next
    }
    // serialNumber, signature, issuer, validity, subject, then the key.
    let expected: [UInt8] = [0x02, 0x30, 0x30, 0x30, 0x30]
    for tag in expected {
      guard field.tag == tag, field.end <= tbs.end else { return nil }
      position = field.end
      guard let next = element(in: certificate, at: position) else { return nil }
      field = next
    }
    guard field.tag == 0x30, field.end <= tbs.end else { return nil }
    return Array(certificate[field.start..<field.end])
  }

  struct Element {
    var tag: UInt8
    var start: Int
    var contentStart: Int
    var end: Int
  }

  /// The DER element starting at `offset`: single-byte tags, definite lengths only.
  static func element(in bytes: [UInt8], at offset: Int) -> Element? {
    guard offset + 2 <= bytes.count else { return nil }
    let tag = bytes[offset]
    guard tag & 0x1F != 0x1F else { return nil }
    var cursor = offset + 1
    let first = Int(bytes[cursor])
    cursor += 1
    var length = 0
    if first < 0x80 {
      length = first
    } else {
      let count = first & 0x7F
      guard count >= 1, count <= 4, cursor + count <= bytes.count else { return nil }
      for _ in 0..<count {
        length = length << 8 | Int(bytes[cursor])
        cursor += 1
      }
    }
    guard cursor + length <= bytes.count else { return nil }
    return Element(tag: tag, start: offset, contentStart: cursor, end: cursor + length)
  }
}
