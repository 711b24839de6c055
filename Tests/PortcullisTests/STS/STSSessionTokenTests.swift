import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// Session tokens are self-contained and authenticated: whatever a ring seals it opens again,
/// anything altered fails as `InvalidClientTokenId`, and expiry is `ExpiredToken`.
@Suite("STS session tokens")
struct STSSessionTokenTests {
  static let issued = Date(timeIntervalSince1970: 1_750_000_000)

  static func payload(expiresIn seconds: TimeInterval = 3600) -> SessionToken {
    SessionToken(
      accessKeyID: "ASIAY34FZKBOKMUTVV7A", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      accountID: "123456789012", principalARN: "arn:aws:sts::123456789012:assumed-role/App/s1",
      principalID: "AROAEXAMPLEROLEID0001", roleSessionName: "s1", sourceIdentity: "alice",
      issuedAt: issued, expiration: issued.addingTimeInterval(seconds), mfaAuthenticatedAt: issued,
      sessionPolicy: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
      sessionPolicyARNs: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: [Tag(key: "team", value: "blue")],
      transitiveTagKeys: ["team"])
  }

  @Test("a sealed token opens to the same payload, and the token does not show the secret")
  func roundTrip() throws {
    let ring = SessionKeyRing.ephemeral()
    let token = Self.payload().seal(with: ring)
    let opened = try SessionToken.open(token, with: ring, accessKeyID: "ASIAY34FZKBOKMUTVV7A", now: Self.issued)
    #expect(opened == Self.payload())
    #expect(opened.userID == "AROAEXAMPLEROLEID0001:s1")
    #expect(!token.contains("wJalrXUtnFEMI"))
    let decoded = try #require(Data(base64Encoded: token))
    #expect(!String(decoding: decoded, as: UTF8.self).contains("wJalrXUtnFEMI"))
  }

  @Test("changing any byte of the token makes it InvalidClientTokenId", arguments: [0, 1, 5, 12, 13, 40, -17, -1])
  func tamperedByte(_ position: Int) throws {
    let ring = SessionKeyRing.ephemeral()
    var bytes = try #require(Data(base64Encoded: Self.payload().seal(with: ring)))
    let index = position >= 0 ? position : bytes.count + position
    bytes[index] ^= 0x01
    #expect(throws: AWSError.invalidClientTokenId()) {
      try SessionToken.open(bytes.base64EncodedString(), with: ring, now: Self.issued)
    }
  }

  @Test("truncated, empty, non-base64 tokens and another ring's tokens are InvalidClientTokenId")
  func notTokens() throws {
    let ring = SessionKeyRing.ephemeral()
    let token = Self.payload().seal(with: ring)
    let candidates = [
      String(token.dropLast(8)), "", "not a token!", Data("{\"k\":\"ASIA\"}".utf8).base64EncodedString(),
      Self.payload().seal(with: .ephemeral()),
    ]
    for candidate in candidates {
      #expect(throws: AWSError.invalidClientTokenId()) {
        try SessionToken.open(candidate, with: ring, now: Self.issued)
      }
    }
  }

  @Test("a token presented with another access key id is InvalidClientTokenId")
  func wrongAccessKey() {
    let ring = SessionKeyRing.ephemeral()
    #expect(throws: AWSError.invalidClientTokenId()) {
      try SessionToken.open(Self.payload().seal(with: ring), with: ring, accessKeyID: "ASIAOTHERKEY00000000", now: Self.issued)
    }
  }

  @Test("a token is valid until its expiration and ExpiredToken from that instant on")
  func expiry() throws {
    let ring = SessionKeyRing.ephemeral()
    let token = Self.payload(expiresIn: 900).seal(with: ring)
    _ = try SessionToken.open(token, with: ring, now: Self.issued.addingTimeInterval(899))
    for late in [900.0, 901, 86400] {
      #expect(throws: AWSError.expiredToken()) {
        try SessionToken.open(token, with: ring, now: Self.issued.addingTimeInterval(late))
      }
    }
    #expect(AWSError.expiredToken().message == "The security token included in the request is expired")
    #expect(AWSError.expiredToken().status == 403)
  }

  @Test("an expired token that was altered is InvalidClientTokenId, not ExpiredToken")
  func tamperedBeatsExpired() throws {
    let ring = SessionKeyRing.ephemeral()
    var bytes = try #require(Data(base64Encoded: Self.payload(expiresIn: 900).seal(with: ring)))
    bytes[20] ^= 0x80
    #expect(throws: AWSError.invalidClientTokenId()) {
      try SessionToken.open(bytes.base64EncodedString(), with: ring, now: Self.issued.addingTimeInterval(10_000))
    }
  }

  @Test("after rotation new tokens use the new key, old tokens still open, and retiring the old key ends them")
  func rotation() throws {
    let old = SessionKeyRing.ephemeral(keyID: 7)
    let oldToken = Self.payload().seal(with: old)
    let rotated = old.rotated()
    #expect(rotated.currentKeyID == 8)
    #expect(rotated.keyIDs == [7, 8])

    let newToken = Self.payload().seal(with: rotated)
    #expect(Data(base64Encoded: oldToken)?.first == 7)
    #expect(Data(base64Encoded: newToken)?.first == 8)
    #expect(try SessionToken.open(oldToken, with: rotated, now: Self.issued) == Self.payload())
    #expect(try SessionToken.open(newToken, with: rotated, now: Self.issued) == Self.payload())
    // The old ring does not know the new key.
    #expect(throws: AWSError.invalidClientTokenId()) { try SessionToken.open(newToken, with: old, now: Self.issued) }

    let retired = rotated.retiring(7)
    #expect(retired.keyIDs == [8])
    #expect(throws: AWSError.invalidClientTokenId()) { try SessionToken.open(oldToken, with: retired, now: Self.issued) }
    #expect(rotated.retiring(8).keyIDs == [7, 8], "the current key cannot be retired")
  }

  @Test("a token's key id byte cannot be swapped for another key's")
  func keyIDIsAuthenticated() throws {
    let rotated = SessionKeyRing.ephemeral(keyID: 1).rotated()
    var bytes = try #require(Data(base64Encoded: Self.payload().seal(with: rotated)))
    bytes[0] = 1
    #expect(throws: AWSError.invalidClientTokenId()) {
      try SessionToken.open(bytes.base64EncodedString(), with: rotated, now: Self.issued)
    }
  }

  @Test("the key ring file is created with mode 0600, loads back the same keys, and saves rotations")
  func ringFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-ring-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("session-keys.json").path

    let created = try SessionKeyRing.load(path: path)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    let token = Self.payload().seal(with: created)
    let reloaded = try SessionKeyRing.load(path: path)
    #expect(try SessionToken.open(token, with: reloaded, now: Self.issued) == Self.payload())

    try created.rotated().save(path: path)
    let afterRotation = try SessionKeyRing.load(path: path)
    #expect(afterRotation.keyIDs.count == 2)
    #expect(afterRotation.currentKeyID == created.currentKeyID &+ 1)
    #expect(try SessionToken.open(token, with: afterRotation, now: Self.issued) == Self.payload())

    // The same JSON given as PORTCULLIS_SESSION_KEYS.
    let json = String(decoding: afterRotation.encoded(), as: UTF8.self)
    let fromEnvironment = try SessionKeyRing.load(path: "/nonexistent/session-keys.json", override: json)
    #expect(try SessionToken.open(token, with: fromEnvironment, now: Self.issued) == Self.payload())
    #expect(throws: (any Error).self) { try SessionKeyRing.load(path: path, override: "{\"current\":3,\"keys\":{}}") }
  }

  @Test("temporary key ids name their account as AWS's do")
  func accessKeyIDs() {
    // A published AWS key id and the account it decodes to.
    #expect(TemporaryAccessKeyID.accountID(of: "ASIAY34FZKBOKMUTVV7A") == "609629065308")
    for account in ["123456789012", "000000000001", "999999999999"] {
      let id = TemporaryAccessKeyID.make(accountID: account)
      #expect(id.hasPrefix("ASIA"))
      #expect(id.count == 20)
      #expect(TemporaryAccessKeyID.accountID(of: id) == account)
    }
    #expect(TemporaryAccessKeyID.accountID(of: "ASIA123") == nil)
    #expect(TemporaryAccessKeyID.accountID(of: "ASIA11111111111111111") == nil)
  }
}
