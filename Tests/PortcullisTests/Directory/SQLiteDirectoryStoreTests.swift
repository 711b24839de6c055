import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// The SQLite store: what a commit leaves in the database file, the change log other processes
/// catch up from, and loading it all back.
@Suite("The SQLite directory store")
struct SQLiteDirectoryStoreTests {
  typealias F = DirectoryStoreFixture

  @Test("an in-memory store starts empty, at sequence 0")
  func inMemoryStoreStartsEmpty() throws {
    let store = try SQLiteDirectoryStore()
    let (entities, sequence) = try store.load()
    #expect(entities.isEmpty)
    #expect(sequence == 0)
    #expect(try store.changes(after: 0, limit: 100).isEmpty)
  }

  @Test("entities committed to a file come back the same when the file is opened again")
  func reloadFromFileGivesTheSameEntities() throws {
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let path = folder.appendingPathComponent("directory.sqlite").path
    var key = AccessKey(
      accountID: F.accountID, id: "AKIAEXAMPLE000000001", userName: "alice", sealedSecret: Data([1, 2, 3]),
      createDate: F.created)
    key.lastUsedDate = F.created.addingTimeInterval(60)
    var profile = InstanceProfile(accountID: F.accountID, id: "AIPAWEB", name: "Web", path: "/", createDate: F.created)
    profile.roles = ["App"]
    let policy = ManagedPolicy(
      accountID: F.accountID, id: "ANPAREAD", name: "Read", path: "/", description: "reads",
      document: #"{"Version":"2012-10-17","Statement":[]}"#, createDate: F.created)

    let written: DirectorySnapshot
    do {
      let directory = try Directory(store: SQLiteDirectoryStore(path: path), secrets: .ephemeral())
      try directory.write { tx in tx.put(F.account) }
      try directory.write { tx in
        tx.put(F.user("alice"))
        tx.put(F.group("admins"))
        tx.put(F.role("App"))
        tx.put(policy)
        tx.put(profile)
        tx.put(key)
      }
      written = directory.snapshot
    }

    let reopened = try Directory(store: SQLiteDirectoryStore(path: path), secrets: .ephemeral()).snapshot
    #expect(reopened.sequence == written.sequence)
    let before = try #require(written.accounts[F.accountID])
    let after = try #require(reopened.accounts[F.accountID])
    #expect(after.account == F.account)
    #expect(after.users["alice"] == F.user("alice"))
    #expect(after.groups["admins"] == F.group("admins"))
    #expect(after.roles["app"] == F.role("App"))
    #expect(after.policies["read"] == policy)
    #expect(after.instanceProfiles["web"] == profile)
    #expect(after.accessKeys[key.id] == key)
    #expect(reopened.accessKey(key.id) == key)
    #expect(after.users.count == before.users.count)
  }

  @Test("every commit appends one change-log record, numbered in order, returned in order")
  func commitsAppendToTheChangeLog() throws {
    let store = try SQLiteDirectoryStore()
    let batches: [[EntityChange]] = [
      [.put(F.account)],
      [.put(F.user("alice")), .put(F.group("admins"))],
      [.delete(.user, accountID: F.accountID, key: "alice")],
    ]
    var sequences: [Int64] = []
    for batch in batches { sequences.append(try store.commit(batch)) }

    #expect(sequences == sequences.sorted())
    #expect(Set(sequences).count == batches.count)
    let log = try store.changes(after: 0, limit: 100)
    #expect(log.map(\.sequence) == sequences)
    #expect(log.map(\.changes) == batches)
    #expect(try store.load().sequence == sequences.last)
  }

  @Test("changes(after:limit:) starts after the sequence given and stops at the limit")
  func changesAfterAndLimit() throws {
    let store = try SQLiteDirectoryStore()
    let first = try store.commit([.put(F.account)])
    let second = try store.commit([.put(F.user("alice"))])
    let third = try store.commit([.put(F.user("bob"))])

    #expect(try store.changes(after: first, limit: 1).map(\.sequence) == [second])
    #expect(try store.changes(after: first, limit: 10).map(\.sequence) == [second, third])
    #expect(try store.changes(after: third, limit: 10).isEmpty)
  }

  @Test("a committed delete removes the entity's row")
  func deleteRemovesTheRow() throws {
    let store = try SQLiteDirectoryStore()
    _ = try store.commit([.put(F.account), .put(F.user("alice")), .put(F.user("bob"))])
    _ = try store.commit([.delete(.user, accountID: F.accountID, key: "alice")])

    let keys = try store.load().entities.filter { $0.kind == .user }.map(\.key)
    #expect(keys == ["bob"])
  }

  @Test("a put of an existing entity replaces its row rather than adding one")
  func putReplacesTheRow() throws {
    let store = try SQLiteDirectoryStore()
    var alice = F.user("alice")
    _ = try store.commit([.put(F.account), .put(alice)])
    alice.path = "/moved/"
    _ = try store.commit([.put(alice)])

    let users = try store.load().entities.filter { $0.kind == .user }
    #expect(users == [.put(alice)])
  }

  @Test("loading refuses an entity whose account is not in the store")
  func loadRefusesAnOrphan() throws {
    let store = try SQLiteDirectoryStore()
    _ = try store.commit([.put(F.user("alice"))])
    #expect(throws: DirectoryLoadError.self) { try Directory(store: store, secrets: .ephemeral()) }
  }
}
