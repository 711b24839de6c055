import AWSWire
import Foundation
import Synchronization

/// The live directory: the current snapshot, which every read and authorization uses without
/// touching the database, and the single write path that commits to the store first and
/// publishes the new snapshot after.
public final class Directory: Sendable {
  private let current: Mutex<DirectorySnapshot>
  /// Serialises writers so each transaction starts from the latest snapshot.
  private let writer = Mutex<Void>(())
  private let store: any DirectoryStore
  /// Encrypts secrets at rest.
  public let secrets: SecretBox

  /// Loads the directory from `store`.
  public init(store: any DirectoryStore, secrets: SecretBox) throws {
    self.store = store
    self.secrets = secrets
    let (entities, sequence) = try store.load()
    var snapshot = DirectorySnapshot()
    // Accounts first, so every other entity finds its account.
    for change in entities where change.kind == .account { try snapshot.apply(change) }
    for change in entities where change.kind != .account { try snapshot.apply(change) }
    snapshot.sequence = sequence
    current = Mutex(snapshot)
  }

  /// The current snapshot (a cheap copy of persistent maps).
  public var snapshot: DirectorySnapshot {
    current.withLock { $0 }
  }

  /// Runs `body` on a private copy of the snapshot; if it returns, commits its changes in one
  /// store transaction and publishes the result. If it throws, nothing changes.
  public func write<Result: Sendable>(
    _ body: (inout DirectoryTransaction) throws(AWSError) -> Result
  ) throws(AWSError) -> Result {
    try writer.withLock { _ throws(AWSError) -> Result in
      var transaction = DirectoryTransaction(snapshot: current.withLock { $0 })
      let result = try body(&transaction)
      guard !transaction.changes.isEmpty else { return result }
      let sequence: Int64
      do {
        sequence = try store.commit(transaction.changes)
      } catch {
        throw AWSError.serviceFailure()
      }
      var published = transaction.snapshot
      published.sequence = sequence
      current.withLock { $0 = published }
      return result
    }
  }
}
