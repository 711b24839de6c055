import Foundation
import HashTreeCollections

extension VirtualMFADevice {
  /// Whether this is the account root user's device: enabled, and for no IAM user. The root user
  /// is the only principal that enables a device without naming a user (`EnableMFADevice` as
  /// root, with the account id or no `UserName`), so this state marks it whatever the device is
  /// called (AWS's console calls it `root-account-mfa-device`). The server (the credential
  /// report's `<root_account>` `mfa_active`, `GetAccountSummary`'s `AccountMFAEnabled`, STS) and
  /// the analyzer read root MFA through this one rule.
  public var isRootDevice: Bool { enableDate != nil && userName == nil }
}

extension AccountDirectory {
  /// The root user's first enabled MFA device (by serial number), if it has one.
  public var rootMFADevice: VirtualMFADevice? {
    mfaDevices.values.filter(\.isRootDevice).min { $0.serialNumber < $1.serialNumber }
  }
}
