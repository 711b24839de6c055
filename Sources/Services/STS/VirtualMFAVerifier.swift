import AWSWire
import Directory
import Foundation
import HashTreeCollections

/// Proves MFA for STS against the directory's virtual MFA devices: the device must be enabled
/// for the calling user, and the code valid now (one step either side) and not used before.
/// An accepted code's time step is written to the device, so the code cannot be replayed.
public struct VirtualMFAVerifier: Sendable {
  public let directory: Directory
  let now: @Sendable () -> Date

  public init(directory: Directory, now: @escaping @Sendable () -> Date = Date.init) {
    self.directory = directory
    self.now = now
  }

  /// The verifier as `STSService` takes it.
  public var verifier: STSService.MFAVerifier {
    { caller, serial, code in verify(caller, serialNumber: serial, tokenCode: code) }
  }

  /// `true` when `tokenCode` proves `caller` holds device `serialNumber`.
  public func verify(_ caller: Caller, serialNumber: String, tokenCode: String) -> Bool {
    // IAM users and the root user enable devices; a role session has none to prove with.
    guard caller.userName != nil || caller.isRoot, caller.session == nil || caller.session?.kind == .sessionToken else {
      return false
    }
    let userName = caller.userName
    let accepted = try? directory.write { tx throws(AWSError) -> Bool in
      guard var device = tx.snapshot.accounts[caller.accountID]?.mfaDevices[serialNumber.lowercased()],
        userName.map({ device.userName?.lowercased() == $0.lowercased() }) ?? device.isRootDevice,
        let counter = device.acceptedCounter(for: tokenCode, at: now(), secrets: directory.secrets)
      else { return false }
      device.lastUsedCounter = counter
      tx.put(device)
      return true
    }
    return accepted ?? false
  }
}
