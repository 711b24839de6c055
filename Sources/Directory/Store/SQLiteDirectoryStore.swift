import Foundation
import GRDB

/// The embedded store: SQLite through GRDB, in WAL mode with full fsync so that an
/// acknowledged write survives a crash.
public final class SQLiteDirectoryStore: DirectoryStore {
  private let writer: any DatabaseWriter

  /// Opens (creating if needed) the database at `path`.
  public init(path: String) throws {
    var config = Configuration()
    config.prepareDatabase { db in
      // FULL: the WAL is fsynced at every commit, so acknowledged writes are durable.
      try db.execute(sql: "PRAGMA synchronous = FULL")
    }
    writer = try DatabasePool(path: path, configuration: config)
    try Self.migrator.migrate(writer)
  }

  /// An in-memory database (nothing written to disk), for tests and `--in-memory`.
  public init() throws {
    writer = try DatabaseQueue()
    try Self.migrator.migrate(writer)
  }

  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    m.registerMigration("v1-entities-and-change-log") { db in
      try db.execute(
        sql: """
          CREATE TABLE entity (
            kind TEXT NOT NULL,
            account_id TEXT NOT NULL,
            key TEXT NOT NULL,
            body BLOB NOT NULL,
            sequence INTEGER NOT NULL,
            PRIMARY KEY (kind, account_id, key)
          );
          CREATE TABLE change_log (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            committed_at REAL NOT NULL,
            changes BLOB NOT NULL
          );
          """)
    }
    return m
  }

  public func load() throws -> (entities: [EntityChange], sequence: Int64) {
    try writer.read { db in
      var entities: [EntityChange] = []
      let rows = try Row.fetchCursor(db, sql: "SELECT kind, account_id, key, body FROM entity ORDER BY sequence")
      while let row = try rows.next() {
        guard let kind = EntityKind(rawValue: row["kind"]) else { continue }
        entities.append(EntityChange(kind: kind, accountID: row["account_id"], key: row["key"], body: row["body"]))
      }
      let sequence = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM change_log") ?? 0
      return (entities, sequence)
    }
  }

  public func commit(_ changes: [EntityChange]) throws -> Int64 {
    try writer.write { db in try Self.commit(changes, in: db) }
  }

  public func commit(_ changes: [EntityChange], rewritingLog rewrite: (EntityChange) throws -> EntityChange) throws -> Int64 {
    try writer.write { db in
      let rows = try Row.fetchAll(db, sql: "SELECT sequence, changes FROM change_log")
      for row in rows {
        let data: Data = row["changes"]
        let logged = try EntityChange.decoder.decode([EntityChange].self, from: data)
        let rewritten = try logged.map(rewrite)
        guard rewritten != logged else { continue }
        try db.execute(
          sql: "UPDATE change_log SET changes = ? WHERE sequence = ?",
          arguments: [try EntityChange.encoder.encode(rewritten), row["sequence"] as Int64])
      }
      return try Self.commit(changes, in: db)
    }
  }

  /// Rebuilds the database file and empties the write-ahead log, so that rows rewritten or
  /// deleted leave no old copy in free pages or in the WAL. Run while no server uses the file.
  public func compact() throws {
    try writer.writeWithoutTransaction { db in
      try db.execute(sql: "VACUUM")
      try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }
  }

  private static func commit(_ changes: [EntityChange], in db: Database) throws -> Int64 {
    let log = try EntityChange.encoder.encode(changes)
    try db.execute(
      sql: "INSERT INTO change_log (committed_at, changes) VALUES (?, ?)",
      arguments: [Date().timeIntervalSince1970, log])
    let sequence = db.lastInsertedRowID
    for change in changes {
      if let body = change.body {
        try db.execute(
          sql: """
            INSERT INTO entity (kind, account_id, key, body, sequence) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (kind, account_id, key) DO UPDATE SET body = excluded.body, sequence = excluded.sequence
            """,
          arguments: [change.kind.rawValue, change.accountID, change.key, body, sequence])
      } else {
        try db.execute(
          sql: "DELETE FROM entity WHERE kind = ? AND account_id = ? AND key = ?",
          arguments: [change.kind.rawValue, change.accountID, change.key])
      }
    }
    return sequence
  }

  public func changes(after sequence: Int64, limit: Int) throws -> [ChangeRecord] {
    try writer.read { db in
      try Row.fetchAll(
        db, sql: "SELECT sequence, changes FROM change_log WHERE sequence > ? ORDER BY sequence LIMIT ?",
        arguments: [sequence, limit]
      ).map { row in
        let data: Data = row["changes"]
        return ChangeRecord(
          sequence: row["sequence"], changes: (try? EntityChange.decoder.decode([EntityChange].self, from: data)) ?? [])
      }
    }
  }
}
