import Foundation

/// A virtual MFA device: a TOTP seed, optionally enabled for one user of its account.
public struct VirtualMFADevice: Codable, Sendable, Equatable {
  public var accountID: String
  /// `arn:aws:iam::ACCOUNT:mfa/PATH/NAME`.
  public var serialNumber: String
  /// The Base32 seed, encrypted with the directory's master key (see `SecretBox`).
  public var sealedSeed: Data
  /// The user the device is enabled for; `nil` while unassigned.
  public var userName: String?
  public var enableDate: Date?
  public var createDate: Date
  public var tags: [Tag] = []
  /// The last time step whose code was accepted. INVARIANT: only codes of later steps are
  /// accepted, so each code works at most once.
  public var lastUsedCounter: Int64?

  public init(accountID: String, serialNumber: String, sealedSeed: Data, createDate: Date) {
    self.accountID = accountID
    self.serialNumber = serialNumber
    self.sealedSeed = sealedSeed
    self.createDate = createDate
  }

  /// The TOTP generator of this device, or `nil` if the seed cannot be opened with `secrets`.
  public func totp(_ secrets: SecretBox) -> TOTP? {
    guard let text = secrets.open(sealedSeed), let seed = Base32.decode(text) else { return nil }
    return TOTP(seed: seed)
  }

  /// The time step `code` is valid for at `date`, allowing one step either side for clock
  /// drift, and only if later than the last accepted step; `nil` otherwise.
  public func acceptedCounter(for code: String, at date: Date, secrets: SecretBox) -> Int64? {
    guard let totp = totp(secrets) else { return nil }
    let now = totp.counter(at: date)
    let earliest = max(now - 1, (lastUsedCounter ?? Int64.min) &+ 1)
    guard earliest <= now + 1 else { return nil }
    return totp.matchingCounter(code, in: earliest...(now + 1))
  }

  /// The step of the second code when `code1` and `code2` are codes of two consecutive steps
  /// near `date` (the first may be one step older than the window, as a user types it, waits
  /// and types the next), both later than the last accepted step; `nil` otherwise.
  public func acceptedConsecutiveCounter(_ code1: String, _ code2: String, at date: Date, secrets: SecretBox) -> Int64? {
    guard let totp = totp(secrets) else { return nil }
    let now = totp.counter(at: date)
    let earliest = max(now - 2, (lastUsedCounter ?? Int64.min) &+ 1)
    guard earliest <= now else { return nil }
    for first in earliest...now
    where totp.matchingCounter(code1, in: first...first) != nil && totp.matchingCounter(code2, in: (first + 1)...(first + 1)) != nil {
      return first + 1
    }
    return nil
  }
}
