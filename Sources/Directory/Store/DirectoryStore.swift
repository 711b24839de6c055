/// Durable storage behind the in-memory directory.
///
/// Reads never reach the store: the directory is loaded once at start-up and kept in memory.
/// Each write is one transaction that replaces the changed entities' rows and appends one
/// record to the change log; the sequence number it returns orders all writes, so another
/// process sharing the database (PostgreSQL, later) can apply the log to catch up.
public protocol DirectoryStore: Sendable {
  /// Every stored entity and the sequence number of the last committed change.
  func load() throws -> (entities: [EntityChange], sequence: Int64)
  /// Commits `changes` atomically and durably; returns the new change's sequence number.
  func commit(_ changes: [EntityChange]) throws -> Int64
  /// Committed changes after `sequence`, oldest first (for catching up).
  func changes(after sequence: Int64, limit: Int) throws -> [ChangeRecord]
  /// Commits `changes` as `commit` does and, in the same transaction, replaces every change
  /// already in the log by `rewrite` of it: re-sealing secrets under a new master key must not
  /// leave copies sealed under the old one in the log.
  func commit(_ changes: [EntityChange], rewritingLog rewrite: (EntityChange) throws -> EntityChange) throws -> Int64
}

extension DirectoryStore {
  /// For a store without a log of its own to rewrite: commits `changes` only.
  public func commit(_ changes: [EntityChange], rewritingLog rewrite: (EntityChange) throws -> EntityChange) throws -> Int64 {
    try commit(changes)
  }
}
