import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Synchronization

/// Records when each access key was last used, without a database write per request: uses
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
    guard !uses.isEmpty else { return }
    _ = try? directory.write { tx throws(AWSError) in
      for (keyID, use) in uses {
        guard var key = tx.snapshot.accounts[use.accountID]?.accessKeys[keyID] else { continue }
        key.lastUsedDate = use.date
        key.lastUsedService = use.service
        key.lastUsedRegion = use.region
        tx.put(key)
      }
    }
  }
}
