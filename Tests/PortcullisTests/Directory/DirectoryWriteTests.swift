import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// The directory's single write path: commit to the store first, then publish the snapshot;
/// a write that throws leaves no trace in either.
@Suite("Directory writes")
struct DirectoryWriteTests {
  typealias F = DirectoryStoreFixture

  /// A directory over an in-memory store holding the fixture account, and the store itself.
  static func directory() throws -> (Directory, SQLiteDirectoryStore) {
    let store = try SQLiteDirectoryStore()
    let directory = try Directory(store: store, secrets: .ephemeral())
    try directory.write { tx in tx.put(F.account) }
    return (directory, store)
  }

  @Test("the snapshot published after a write carries the new change-log sequence")
  func publishedSnapshotHasTheNewSequence() throws {
    let (directory, store) = try Self.directory()
    let before = directory.snapshot.sequence

    try directory.write { tx in tx.put(F.user("alice")) }

    let after = directory.snapshot
    #expect(after.sequence > before)
    #expect(after.sequence == (try store.load().sequence))
    #expect(after.accounts[F.accountID]?.users["alice"] == F.user("alice"))
  }

  @Test("a write that throws leaves the snapshot and the store as they were")
  func throwingWriteChangesNothing() throws {
    let (directory, store) = try Self.directory()
    let sequence = directory.snapshot.sequence
    let stored = try store.load()

    let error = captureWriteError { () throws(AWSError) in
      try directory.write { tx throws(AWSError) in
        tx.put(F.user("alice"))
        tx.put(F.group("admins"))
        throw .limitExceeded("stop")
      }
    }

    #expect(error == .limitExceeded("stop"))
    let snapshot = directory.snapshot
    #expect(snapshot.sequence == sequence)
    #expect(snapshot.accounts[F.accountID]?.users.isEmpty == true)
    #expect(snapshot.accounts[F.accountID]?.groups.isEmpty == true)
    #expect(try store.load().entities == stored.entities)
    #expect(try store.changes(after: sequence, limit: 10).isEmpty)
  }

  @Test("a write that changes nothing appends nothing to the change log")
  func emptyWriteCommitsNothing() throws {
    let (directory, store) = try Self.directory()
    let sequence = directory.snapshot.sequence

    let result = try directory.write { tx in tx.snapshot.accounts.count }

    #expect(result == 1)
    #expect(directory.snapshot.sequence == sequence)
    #expect(try store.changes(after: sequence, limit: 10).isEmpty)
  }

  @Test("a transaction sees its own changes before they are published")
  func transactionSeesItsOwnChanges() throws {
    let (directory, _) = try Self.directory()
    try directory.write { tx throws(AWSError) in
      tx.put(F.user("alice"))
      #expect(tx.snapshot.accounts[F.accountID]?.users["alice"] != nil)
      #expect(directory.snapshot.accounts[F.accountID]?.users["alice"] == nil)
    }
  }

  @Test("deleting an access key removes it from authentication's index too")
  func deletedAccessKeyIsNotFound() throws {
    let (directory, _) = try Self.directory()
    let key = AccessKey(
      accountID: F.accountID, id: "AKIAEXAMPLE000000001", userName: nil, sealedSecret: Data(), createDate: F.created)
    try directory.write { tx in tx.put(key) }
    #expect(directory.snapshot.accessKey(key.id) == key)

    try directory.write { tx in tx.deleteAccessKey(key) }
    #expect(directory.snapshot.accessKey(key.id) == nil)
    #expect(directory.snapshot.accessKeyAccounts[key.id] == nil)
  }

  /// A store whose commits fail, as a full disk would make them.
  final class FailingStore: DirectoryStore {
    let loaded: [EntityChange]
    init(loaded: [EntityChange]) { self.loaded = loaded }
    struct DiskFull: Error {}
    func load() throws -> (entities: [EntityChange], sequence: Int64) { (loaded, 1) }
    func commit(_ changes: [EntityChange]) throws -> Int64 { throw DiskFull() }
    func changes(after sequence: Int64, limit: Int) throws -> [ChangeRecord] { [] }
  }

  @Test("a write the store fails to commit is ServiceFailure and publishes nothing")
  func failedCommitPublishesNothing() throws {
    let directory = try Directory(store: FailingStore(loaded: [.put(F.account)]), secrets: .ephemeral())

    let error = captureWriteError { () throws(AWSError) in
      try directory.write { tx in tx.put(F.user("alice")) }
    }

    #expect(error == .serviceFailure())
    #expect(directory.snapshot.sequence == 1)
    #expect(directory.snapshot.accounts[F.accountID]?.users.isEmpty == true)
  }

  /// The error a write throws, or nil.
  func captureWriteError(_ body: () throws(AWSError) -> Void) -> AWSError? {
    do {
      try body()
      return nil
    } catch {
      return error
    }
  }
}
