import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Synchronization

/// Records when each access key and each role was last used, without a database write per request: uses
/// are kept in memory and written to the directory in one transaction at most every
/// `interval` seconds (and at shutdown). AWS, too, reports last use with some delay.
public final class LastUsedRecorder: Sendable {
  struct Use: Sendable {
    var accountID: String
    var date: Date
    var service: String
    var region: String
  }

  private let pending = Mutex<(uses: [String: Use], lastFlush: Date)>(([:], Date()))

  /// A use of a role: a request signed with one of its sessions' temporary credentials (what
  /// AWS's `RoleLastUsed` reports: the date and the Region of the role's last use).
  struct RoleUse: Sendable {
    var accountID: String
    var roleName: String
    /// The role's unique id: a use is not credited to a later role of the same name.
    var roleID: String
    var date: Date
    var region: String
  }

  /// Role uses not yet written, by `ACCOUNT/lowercased role name`.
  private let pendingRoles = Mutex<[String: RoleUse]>([:])
  private let interval: TimeInterval

  public init(interval: TimeInterval = 30) {
    self.interval = interval
  }

  /// Notes a use of `keyID`; returns whether it is time to flush.
  public func record(keyID: String, accountID: String, service: String, region: String, at date: Date) -> Bool {
    pending.withLock { state in
      state.uses[keyID] = Use(accountID: accountID, date: date, service: service, region: region)
      return date.timeIntervalSince(state.lastFlush) >= interval
    }
  }

  /// Notes a use of role `roleName` (unique id `roleID`); returns whether it is time to flush.
  public func record(roleName: String, roleID: String, accountID: String, region: String, at date: Date) -> Bool {
    pendingRoles.withLock {
      $0["\(accountID)/\(roleName.lowercased())"] = RoleUse(
        accountID: accountID, roleName: roleName, roleID: roleID, date: date, region: region)
    }
    return pending.withLock { date.timeIntervalSince($0.lastFlush) >= interval }
  }

  /// `role` with its newest use not yet written, for `GetRole` and
  /// `GetAccountAuthorizationDetails`.
  public func withPendingUse(_ role: Role) -> Role {
    guard let use = pendingRoles.withLock({ $0["\(role.accountID)/\(role.name.lowercased())"] }), use.roleID == role.id
    else { return role }
    var role = role
    role.lastUsedDate = use.date
    role.lastUsedRegion = use.region
    return role
  }

  /// The newest use not yet written, for `GetAccessKeyLastUsed`.
  func pendingUse(of keyID: String) -> Use? {
    pending.withLock { $0.uses[keyID] }
  }

  /// Writes the pending uses to the directory.
  public func flush(into directory: Directory) {
    let uses = pending.withLock { state -> [String: Use] in
      defer {
        state.uses = [:]
        state.lastFlush = Date()
      }
      return state.uses
    }
    let roleUses = pendingRoles.withLock { state -> [String: RoleUse] in
      defer { state = [:] }
      return state
    }
    guard !uses.isEmpty || !roleUses.isEmpty else { return }
    _ = try? directory.write { tx throws(AWSError) in
      for (keyID, use) in uses {
        guard var key = tx.snapshot.accounts[use.accountID]?.accessKeys[keyID] else { continue }
        key.lastUsedDate = use.date
        key.lastUsedService = use.service
        key.lastUsedRegion = use.region
        tx.put(key)
      }
      for use in roleUses.values {
        guard var role = tx.snapshot.accounts[use.accountID]?.roles[use.roleName.lowercased()], role.id == use.roleID
        else { continue }
        role.lastUsedDate = use.date
        role.lastUsedRegion = use.region
        tx.put(role)
      }
    }
  }
}
