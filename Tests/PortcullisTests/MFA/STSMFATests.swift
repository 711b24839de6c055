import AWSWire
import Directory
import Foundation
import Services
import Testing

@Suite("STS with virtual MFA devices")
struct STSMFATests {
  typealias M = MFATestAccount

  /// Alice with an enabled device, the clock moved one step past enabling.
  static func aliceWithDevice() throws -> (M, String, TOTP) {
    let account = try M()
    try account.base.createUser("alice")
    let (serial, totp) = try account.createDevice("alice")
    try account.enable(serial, totp, for: "alice")
    account.clock.advance(30)
    return (account, serial, totp)
  }

  func getSessionToken(_ account: M, _ serial: String, _ code: String) throws(AWSError) -> ModelValue {
    try account.sts.handle(
      "GetSessionToken", input: ["SerialNumber": .string(serial), "TokenCode": .string(code)],
      caller: account.base.user("alice"))
  }

  @Test("GetSessionToken with a valid code gives a session with MFA; the same code again is refused")
  func sessionWithMFA() throws {
    let (account, serial, totp) = try Self.aliceWithDevice()
    let result = try getSessionToken(account, serial, account.code(totp))
    let token = try #require(result.string(at: "Credentials", "SessionToken"))
    let keyID = try #require(result.string(at: "Credentials", "AccessKeyId"))
    let session = try SessionToken.open(token, with: account.ring, accessKeyID: keyID, now: account.clock.now)
    #expect(session.mfaAuthenticatedAt == account.clock.now)
    #expect(throws: AWSError.self) { try getSessionToken(account, serial, account.code(totp)) }
  }

  @Test(
    "a window of one step either side", arguments: [(-1 as Int64, true), (1, true), (-2, false), (2, false)])
  func window(offset: Int64, accepted: Bool) throws {
    let (account, serial, totp) = try Self.aliceWithDevice()
    account.clock.advance(120)
    let result = Result { () throws(AWSError) in try getSessionToken(account, serial, account.code(totp, offset)) }
    #expect(((try? result.get()) != nil) == accepted)
  }

  @Test("another user's device, an unenabled device and codes enabling used are refused")
  func refusals() throws {
    let (account, serial, totp) = try Self.aliceWithDevice()
    try account.base.createUser("bob")
    #expect(throws: AWSError.self) {
      try account.sts.handle(
        "GetSessionToken", input: ["SerialNumber": .string(serial), "TokenCode": .string(account.code(totp))],
        caller: account.base.user("bob"))
    }
    // The enabling code (one step back now) was used already.
    #expect(throws: AWSError.self) { try getSessionToken(account, serial, account.code(totp, -1)) }
    let (other, otherTOTP) = try account.createDevice("spare")
    #expect(throws: AWSError.self) { try getSessionToken(account, other, account.code(otherTOTP)) }
  }
}
