import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Synchronization
import Testing

/// A clock tests move by hand, shared by IAM, STS and the MFA verifier.
final class TestClock: Sendable {
  private let date: Mutex<Date>
  init(_ date: Date) { self.date = Mutex(date) }
  var now: Date { date.withLock { $0 } }
  func advance(_ seconds: TimeInterval) { date.withLock { $0 += seconds } }
}

/// The IAM test account with IAM and STS (verifying MFA against the directory) on a clock the
/// test moves, plus shortcuts for virtual MFA devices.
struct MFATestAccount: Sendable {
  typealias A = IAMTestAccount
  let base: IAMTestAccount
  let clock: TestClock
  let iam: IAMService
  let sts: STSService
  let ring = SessionKeyRing.ephemeral()

  init() throws {
    base = try IAMTestAccount()
    // The pinned test time is 10 s into its 30 s step; tests move from there.
    let clock = TestClock(IAMTestAccount.now)
    self.clock = clock
    iam = IAMService(directory: base.directory, authorizer: base.iam.authorizer, now: { clock.now })
    sts = STSService(
      directory: base.directory, authorizer: base.iam.authorizer, keyRing: ring,
      verifyMFA: VirtualMFAVerifier(directory: base.directory, now: { clock.now }).verifier, now: { clock.now })
  }

  @discardableResult
  func call(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) throws(AWSError) -> ModelValue {
    try iam.handle(operation, input: input, caller: caller ?? base.root)
  }

  func error(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) -> AWSError? {
    do {
      try call(operation, input, as: caller)
      return nil
    } catch {
      return error
    }
  }

  /// Creates device `name` and returns its serial number and TOTP generator.
  func createDevice(_ name: String) throws -> (serial: String, totp: TOTP) {
    let result = try call("CreateVirtualMFADevice", ["VirtualMFADeviceName": .string(name)])
    let serial = try #require(result.string(at: "VirtualMFADevice", "SerialNumber"))
    let seedText = try #require(result.value(at: "VirtualMFADevice", "Base32StringSeed")?.blobValue)
    let seed = try #require(Base32.decode(String(decoding: seedText, as: UTF8.self)))
    return (serial, TOTP(seed: seed))
  }

  /// The code of the step `offset` steps from now.
  func code(_ totp: TOTP, _ offset: Int64 = 0) -> String {
    totp.code(counter: totp.counter(at: clock.now) + offset)
  }

  /// Enables `serial` for `user` with the previous and the current code.
  func enable(_ serial: String, _ totp: TOTP, for user: String) throws(AWSError) {
    try call("EnableMFADevice", enableInput(serial, user: user, code(totp, -1), code(totp)))
  }

  func enableInput(_ serial: String, user: String, _ code1: String, _ code2: String) -> ModelValue {
    [
      "UserName": .string(user), "SerialNumber": .string(serial), "AuthenticationCode1": .string(code1),
      "AuthenticationCode2": .string(code2),
    ]
  }
}
