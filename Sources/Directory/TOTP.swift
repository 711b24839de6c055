import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) with HMAC-SHA1, the variant virtual MFA apps use:
/// the HOTP code (RFC 4226) of the number of `step`-second intervals since the Unix epoch.
public struct TOTP: Sendable {
  /// The shared secret.
  public let seed: Data
  public let digits: Int
  /// Seconds per time step.
  public let step: Int64

  public init(seed: Data, digits: Int = 6, step: Int64 = 30) {
    self.seed = seed
    self.digits = digits
    self.step = step
  }

  /// The time step `date` falls in.
  public func counter(at date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 / Double(step)).rounded(.down))
  }

  /// The code for time step `counter`, zero-padded to `digits`.
  public func code(counter: Int64) -> String {
    var bigEndian = UInt64(bitPattern: counter).bigEndian
    let message = withUnsafeBytes(of: &bigEndian) { Data($0) }
    let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: seed)))
    // Dynamic truncation (RFC 4226 §5.3).
    let offset = Int(mac[mac.count - 1] & 0x0F)
    let binary =
      (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
      | UInt32(mac[offset + 3])
    var modulus: UInt32 = 1
    for _ in 0..<digits { modulus *= 10 }
    let value = String(binary % modulus)
    return String(repeating: "0", count: max(0, digits - value.count)) + value
  }

  /// The code valid at `date`.
  public func code(at date: Date) -> String {
    code(counter: counter(at: date))
  }

  /// The time step in `counters` whose code is `code`, if any. Compares every candidate so the
  /// time taken does not tell which one matched.
  public func matchingCounter(_ code: String, in counters: ClosedRange<Int64>) -> Int64? {
    var found: Int64? = nil
    for counter in counters where constantTimeEqual(self.code(counter: counter), code) && found == nil {
      found = counter
    }
    return found
  }

  private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let a = Array(a.utf8), b = Array(b.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
  }
}
