import Foundation
import Synchronization

/// Slows password guessing at the sign-in endpoint: failed sign-ins are counted per user and
/// per source address over a sliding window, and once either count reaches its limit further
/// attempts are refused (HTTP 429 with `Retry-After`) until the oldest counted failure leaves
/// the window. Refused attempts are not counted, and do not reach the password check.
///
/// The defaults: 5 failures per user in 15 minutes, 20 per address (several users may share
/// an address behind a proxy). A successful sign-in clears its user's failures, not its
/// address's, so one known password does not reset an address guessing others.
///
/// In memory only: a restart forgets, and each node of a cluster counts on its own.
public final class SignInThrottle: Sendable {
  public let userLimit: Int
  public let addressLimit: Int
  public let window: TimeInterval
  /// Failure times by key (`user:ACCOUNT/name`, `address:IP`), oldest first.
  private let failures = Mutex<[String: [Date]]>([:])
  /// Beyond this many keys, keys with no failure in the window are dropped.
  private let maximumKeys = 100_000

  public init(userLimit: Int = 5, addressLimit: Int = 20, window: TimeInterval = 15 * 60) {
    self.userLimit = userLimit
    self.addressLimit = addressLimit
    self.window = window
  }

  /// Seconds until `user` from `address` may try again, or `nil` if it may now.
  public func retryAfter(user: String, address: String, at now: Date) -> Int? {
    failures.withLock { table in
      let waits = [
        wait(table["user:\(user)"], limit: userLimit, now: now),
        wait(table["address:\(address)"], limit: addressLimit, now: now),
      ].compactMap { $0 }
      return waits.max()
    }
  }

  /// Counts a failed sign-in of `user` from `address`.
  public func recordFailure(user: String, address: String, at now: Date) {
    failures.withLock { table in
      if table.count >= maximumKeys {
        table = table.filter { _, times in times.contains { now.timeIntervalSince($0) < window } }
      }
      for key in ["user:\(user)", "address:\(address)"] {
        var times = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
        times.append(now)
        // Only the latest `limit` failures can matter.
        table[key] = Array(times.suffix(max(userLimit, addressLimit)))
      }
    }
  }

  /// Forgets `user`'s failures after it signed in.
  public func recordSuccess(user: String) {
    failures.withLock { _ = $0.removeValue(forKey: "user:\(user)") }
  }

  private func wait(_ times: [Date]?, limit: Int, now: Date) -> Int? {
    let recent = (times ?? []).filter { now.timeIntervalSince($0) < window }
    guard recent.count >= limit else { return nil }
    // Allowed again once the failure that reached the limit is the oldest one left.
    let freedAt = recent[recent.count - limit].addingTimeInterval(window)
    return max(1, Int(freedAt.timeIntervalSince(now).rounded(.up)))
  }
}
