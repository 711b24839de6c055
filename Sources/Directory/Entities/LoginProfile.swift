import Foundation

/// A user's console password (`CreateLoginProfile`): its hash, when it was set, whether the
/// user must choose a new one at the next sign-in, and the hashes of the passwords it replaced
/// (for the account policy's `PasswordReusePrevention`).
public struct LoginProfile: Codable, Sendable, Equatable {
  public var createDate: Date
  public var passwordResetRequired: Bool
  /// The current password's hash (`PasswordHash`); the password itself is never stored.
  public var password: PasswordHash
  /// When the current password was set, from which `MaxPasswordAge` counts.
  public var passwordSetDate: Date
  /// Hashes of earlier passwords, newest first; at most `maximumHistory` are kept.
  public var previousPasswords: [PasswordHash] = []

  /// `PasswordReusePrevention` is at most 24, counting the current password.
  public static let maximumHistory = 23

  public init(createDate: Date, passwordResetRequired: Bool, password: PasswordHash) {
    self.createDate = createDate
    self.passwordResetRequired = passwordResetRequired
    self.password = password
    self.passwordSetDate = createDate
  }

  /// Replaces the password with `hash` set at `date`, keeping the old hash in the history when
  /// `keep` (the account's `PasswordReusePrevention`, which counts the current password) asks
  /// for history. Keeping no more than the policy needs means no more old hashes to protect.
  public mutating func setPassword(_ hash: PasswordHash, at date: Date, keep: Int) {
    previousPasswords.insert(password, at: 0)
    previousPasswords = Array(previousPasswords.prefix(max(0, min(keep - 1, Self.maximumHistory))))
    password = hash
    passwordSetDate = date
  }

  /// The hashes `PasswordReusePrevention` = `count` forbids reusing: the current one and the
  /// `count - 1` before it.
  public func recentPasswords(_ count: Int) -> [PasswordHash] {
    guard count > 0 else { return [] }
    return [password] + previousPasswords.prefix(count - 1)
  }
}
