import Crypto
import Testing

@testable import AWSWire

@Suite("The SigV4 signing-key cache")
struct SigV4SigningKeyCacheTests {
  /// AWS's worked example of deriving a signing key ("Examples of how to derive a signing key for
  /// Signature Version 4" in the AWS General Reference).
  @Test("derives the key AWS's documentation derives")
  func documentedExample() {
    let key = SigV4SigningKeyCache().key(
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20120215",
      region: "us-east-1",
      service: "iam")
    #expect(
      key.withUnsafeBytes { SigV4Encoding.hex($0) }
        == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
  }

  @Test(
    "gives the same key from the cache as when first derived, and a different one for another secret"
  )
  func cachedKeyIsTheDerivedKey() {
    let cache = SigV4SigningKeyCache()
    let first = cache.key(
      secretAccessKey: "secret-a", date: "20241103", region: "us-east-1", service: "iam")
    let again = cache.key(
      secretAccessKey: "secret-a", date: "20241103", region: "us-east-1", service: "iam")
    let other = cache.key(
      secretAccessKey: "secret-b", date: "20241103", region: "us-east-1", service: "iam")
    #expect(first == again)
    #expect(first != other)
    #expect(cache.count == 2)
  }

  @Test("holds no more keys than its capacity, the oldest making room")
  func bounded() {
    let cache = SigV4SigningKeyCache(capacity: 3)
    for day in 1...10 {
      _ = cache.key(
        secretAccessKey: "secret", date: "202411\(day < 10 ? "0" : "")\(day)", region: "r",
        service: "iam")
      #expect(cache.count == min(day, 3))
    }
    // Re-deriving an evicted key still gives the right key.
    let evicted = cache.key(
      secretAccessKey: "secret", date: "20241101", region: "r", service: "iam")
    #expect(
      evicted
        == SigV4SigningKeyCache().key(
          secretAccessKey: "secret", date: "20241101", region: "r", service: "iam"))
    #expect(cache.count == 3)
  }
}
