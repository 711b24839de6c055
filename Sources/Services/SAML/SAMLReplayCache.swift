import Foundation
import Synchronization

/// The assertion ids `AssumeRoleWithSAML` has accepted, each remembered until its assertion
/// expires, so a captured assertion cannot be presented a second time.
///
/// In memory and per process: a restart forgets, and another node sharing the database does
/// not know what this one accepted. Assertions live minutes, so the window is small; it is
/// the documented limit of a single-node replay check.
final class SAMLReplayCache: Sendable {
  private let seen = Mutex<[String: Date]>([:])

  /// Records `id` (scoped by issuer) until `expiry`; `false` when it was already recorded and
  /// has not expired.
  func accept(_ id: String, issuer: String, until expiry: Date, now: Date) -> Bool {
    let key = "\(issuer)\u{0}\(id)"
    return seen.withLock { seen in
      if seen.count > 10_000 { seen = seen.filter { $0.value > now } }
      if let until = seen[key], until > now { return false }
      seen[key] = expiry
      return true
    }
  }
}
