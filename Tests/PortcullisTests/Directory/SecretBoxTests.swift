import AWSWire
import Crypto
import Directory
import Foundation
import HashTreeCollections
import Testing

/// Secrets at rest: sealed under the master key, opened only with it, and the key file created
/// once, private to its owner, and reused.
@Suite("The secret box")
struct SecretBoxTests {
  typealias F = DirectoryStoreFixture

  static let secrets = ["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "ünïcödé ✓"]

  @Test("a sealed secret opens to the same text and does not hold it in the clear", arguments: secrets)
  func sealThenOpen(_ secret: String) throws {
    let box = SecretBox.ephemeral()
    let sealed = box.seal(secret)
    #expect(box.open(sealed) == secret)
    if !secret.isEmpty {
      #expect(sealed.range(of: Data(secret.utf8)) == nil)
    }
  }

  @Test("sealing the same secret twice gives different bytes (a fresh nonce each time)")
  func sealingIsRandomised() {
    let box = SecretBox.ephemeral()
    #expect(box.seal("secret") != box.seal("secret"))
  }

  @Test("a box with a different key cannot open the secret")
  func differentKeyCannotOpen() {
    let sealed = SecretBox.ephemeral().seal("secret")
    #expect(SecretBox.ephemeral().open(sealed) == nil)
  }

  @Test("a tampered or truncated sealed secret does not open")
  func tamperedSecretDoesNotOpen() {
    let box = SecretBox.ephemeral()
    var sealed = box.seal("secret")
    #expect(box.open(Data(sealed.prefix(10))) == nil)
    sealed[sealed.count - 1] ^= 0x01
    #expect(box.open(sealed) == nil)
  }

  @Test("the key file is created with mode 0600 and reused by the next load")
  func keyFileIsCreatedPrivateAndReused() throws {
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let path = folder.appendingPathComponent("master.key").path

    let first = try SecretBox.load(path: path)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let mode = try #require(attributes[.posixPermissions] as? NSNumber)
    #expect(mode.intValue & 0o777 == 0o600)
    let contents = try #require(FileManager.default.contents(atPath: path))
    #expect(Data(base64Encoded: contents)?.count == 32)

    let second = try SecretBox.load(path: path)
    #expect(second.open(first.seal("secret")) == "secret")
    #expect(FileManager.default.contents(atPath: path) == contents)
  }

  @Test(
    "a key file written with a trailing newline, as `echo` writes it, is read"
  )
  func keyFileWithNewline() throws {
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let path = folder.appendingPathComponent("master.key").path
    let key = SymmetricKey(size: .bits256)
    let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
    try Data((encoded + "\n").utf8).write(to: URL(fileURLWithPath: path))

    let box = try SecretBox.load(path: path)

    #expect(SecretBox(key: key).open(box.seal("secret")) == "secret")
  }

  @Test(
    "an existing key file that cannot be read is refused, never replaced"
  )
  func unreadableKeyFileIsNotReplaced() throws {
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let path = folder.appendingPathComponent("master.key").path
    let contents = Data("not a key".utf8)
    try contents.write(to: URL(fileURLWithPath: path))

    #expect(throws: (any Error).self) { try SecretBox.load(path: path) }
    #expect(FileManager.default.contents(atPath: path) == contents)
  }

  @Test("a base64 override key is used instead of the key file, which is then not created")
  func overrideKeyIsUsed() throws {
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let path = folder.appendingPathComponent("master.key").path
    let key = SymmetricKey(size: .bits256)
    let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }

    let box = try SecretBox.load(path: path, override: encoded)

    #expect(SecretBox(key: key).open(box.seal("secret")) == "secret")
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}

/// `portcullis admin rotate-master-key`: every sealed field is re-sealed under the new key, in
/// the entities and the change log, and a rotation cut short at any step leaves a directory
/// whose secrets still open.
@Suite("Master key rotation")
struct MasterKeyRotationTests {
  typealias F = DirectoryStoreFixture

  /// A data directory with a key file, an access key, an MFA device and a deleted access key
  /// (left only in the change log); returns the folder and the secrets in the clear.
  static func dataDirectory() throws -> (folder: URL, secrets: [String]) {
    let folder = try F.temporaryFolder()
    let box = try SecretBox.load(path: folder.appendingPathComponent("master.key").path)
    let store = try SQLiteDirectoryStore(path: folder.appendingPathComponent("portcullis.sqlite").path)
    let directory = try Directory(store: store, secrets: box)
    let secrets = ["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "deleted/secret"]
    try directory.write { tx throws(AWSError) in
      tx.put(F.account)
      tx.put(AccessKey(accountID: F.accountID, id: "AKIAKEPT", userName: nil, sealedSecret: box.seal(secrets[0]), createDate: F.created))
      tx.put(VirtualMFADevice(accountID: F.accountID, serialNumber: "arn:aws:iam::\(F.accountID):mfa/d", sealedSeed: box.seal(secrets[1]), createDate: F.created))
      tx.put(AccessKey(accountID: F.accountID, id: "AKIAGONE", userName: nil, sealedSecret: box.seal(secrets[2]), createDate: F.created))
    }
    try directory.write { tx throws(AWSError) in
      tx.deleteAccessKey(tx.snapshot.accounts[F.accountID]!.accessKeys["AKIAGONE"]!)
    }
    return (folder, secrets)
  }

  /// Every `Data` field of every stored entity body and change-log copy, as JSON holds it (base64).
  static func sealedValues(in folder: URL) throws -> [Data] {
    let store = try SQLiteDirectoryStore(path: folder.appendingPathComponent("portcullis.sqlite").path)
    var bodies = try store.load().entities.compactMap(\.body)
    bodies += try store.changes(after: 0, limit: 1000).flatMap(\.changes).compactMap(\.body)
    return bodies.flatMap { body -> [Data] in
      guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return [] }
      return object.values.compactMap { ($0 as? String).flatMap { Data(base64Encoded: $0) } }.filter { $0.count > 28 }
    }
  }

  static func keyFile(_ folder: URL) -> String { folder.appendingPathComponent("master.key").path }

  @Test("every entity kind is classified: it has a re-sealer or holds nothing sealed")
  func everyKindClassified() {
    for kind in EntityKind.allCases {
      #expect((SealedSecrets.resealers[kind] != nil) != SealedSecrets.kindsWithoutSealedFields.contains(kind), "\(kind)")
    }
  }

  @Test("a box with a previous key opens secrets sealed under either and seals under the new one only")
  func previousKeyOpensOnly() throws {
    let old = SecretBox.ephemeral()
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let path = Self.keyFile(folder)
    try old.writeKeyFile(to: SecretBox.previousKeyPath(for: path))
    let new = SecretBox.ephemeral()
    try new.writeKeyFile(to: path)
    let both = try SecretBox.load(path: path)
    #expect(both.hasPreviousKeys)
    #expect(both.open(old.seal("a")) == "a")
    #expect(both.open(new.seal("b")) == "b")
    #expect(new.open(both.seal("c")) == "c")
    #expect(old.open(both.seal("c")) == nil)
    #expect(both.withoutPreviousKeys.open(old.seal("a")) == nil)
  }

  @Test("a key file is written whole, mode 0600, with no temporary file left")
  func keyFileWrittenAtomically() throws {
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let path = Self.keyFile(folder)
    let box = SecretBox.ephemeral()
    try box.writeKeyFile(to: path)
    try SecretBox.ephemeral().writeKeyFile(to: path)
    try box.writeKeyFile(to: path)
    let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
    #expect(mode.intValue & 0o777 == 0o600)
    #expect(try SecretBox.load(path: path).open(box.seal("x")) == "x")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["master.key"])
  }

  @Test("rotation re-seals every secret, in entities and in the change log, under a new key file")
  func rotationReseals() throws {
    let (folder, secrets) = try Self.dataDirectory()
    defer { F.remove(folder) }
    let old = try SecretBox.load(path: Self.keyFile(folder))
    let before = try Self.sealedValues(in: folder)
    #expect(before.contains { old.open($0) == secrets[2] })

    let outcome = try MasterKeyRotation.rotate(directory: folder.path, environmentKey: nil)

    #expect(outcome.resealed == 2)
    #expect(!FileManager.default.fileExists(atPath: SecretBox.previousKeyPath(for: Self.keyFile(folder))))
    let new = try SecretBox.load(path: Self.keyFile(folder))
    #expect(!new.hasPreviousKeys)
    let after = try Self.sealedValues(in: folder)
    #expect(!after.isEmpty)
    #expect(after.allSatisfy { old.open($0) == nil })
    #expect(Set(after.compactMap { new.open($0) }) == Set(secrets))
    let directory = try Directory(
      store: SQLiteDirectoryStore(path: folder.appendingPathComponent("portcullis.sqlite").path), secrets: new)
    let key = try #require(directory.snapshot.accounts[F.accountID]?.accessKeys["AKIAKEPT"])
    #expect(new.open(key.sealedSecret) == secrets[0])
  }

  @Test("rotation is refused while a server holds the data directory, and changes nothing")
  func rotationRefusedWhileLocked() throws {
    let (folder, _) = try Self.dataDirectory()
    defer { F.remove(folder) }
    let keyBefore = FileManager.default.contents(atPath: Self.keyFile(folder))
    let lock = try DataDirectoryLock(directory: folder.path)
    #expect(throws: DirectoryLoadError.self) {
      try MasterKeyRotation.rotate(directory: folder.path, environmentKey: nil)
    }
    #expect(FileManager.default.contents(atPath: Self.keyFile(folder)) == keyBefore)
    withExtendedLifetime(lock) {}
  }

  @Test("a rotation cut short after the new key file was written leaves every secret readable, and the next one finishes it")
  func interruptedRotation() throws {
    let (folder, secrets) = try Self.dataDirectory()
    defer { F.remove(folder) }
    let path = Self.keyFile(folder)
    let old = try SecretBox.load(path: path)
    // Steps 1 and 2 of a rotation, then a crash: the database still holds the old key's seals.
    try old.writeKeyFile(to: SecretBox.previousKeyPath(for: path))
    try SecretBox.ephemeral().writeKeyFile(to: path)
    let reloaded = try SecretBox.load(path: path)
    #expect(Set(try Self.sealedValues(in: folder).compactMap { reloaded.open($0) }) == Set(secrets))

    let outcome = try MasterKeyRotation.rotate(directory: folder.path, environmentKey: nil)

    #expect(outcome.finishedInterruptedRotation)
    let final = try SecretBox.load(path: path)
    #expect(!final.hasPreviousKeys)
    #expect(Set(try Self.sealedValues(in: folder).compactMap { final.open($0) }) == Set(secrets))
  }

  @Test("with the key in the environment, the new key is announced before any change and no key file is written")
  func environmentKeyRotation() throws {
    let folder = try F.temporaryFolder()
    defer { F.remove(folder) }
    let old = SecretBox.ephemeral()
    let store = try SQLiteDirectoryStore(path: folder.appendingPathComponent("portcullis.sqlite").path)
    let directory = try Directory(store: store, secrets: old)
    try directory.write { tx throws(AWSError) in
      tx.put(F.account)
      tx.put(AccessKey(accountID: F.accountID, id: "AKIAENV", userName: nil, sealedSecret: old.seal("env-secret"), createDate: F.created))
    }
    let new = SecretBox.ephemeral()
    var announced: String?
    let outcome = try MasterKeyRotation.rotate(directory: folder.path, environmentKey: old.base64Key, newKey: new) { box in
      announced = box.base64Key
      #expect(Set(try! Self.sealedValues(in: folder).compactMap { old.open($0) }) == ["env-secret"])
    }
    #expect(outcome.resealed == 1)
    #expect(announced == new.base64Key)
    #expect(!FileManager.default.fileExists(atPath: Self.keyFile(folder)))
    #expect(try Self.sealedValues(in: folder).compactMap { new.open($0) }.contains("env-secret"))
    #expect(try Self.sealedValues(in: folder).allSatisfy { old.open($0) == nil })
  }
}
