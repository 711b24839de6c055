import Crypto
import Directory
import Foundation
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
