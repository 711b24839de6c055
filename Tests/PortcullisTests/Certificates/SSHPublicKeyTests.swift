import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// SSH public keys: RSA of 2048 bits or more in OpenSSH or PEM form, returned in either
/// encoding, fingerprinted, at most five per user, switched on and off, deleted.
@Suite("IAM SSH public keys")
struct SSHPublicKeyTests {
  typealias A = IAMTestAccount
  typealias T = TestCertificates

  func upload(_ account: A, _ body: String = T.sshRSA, user: String = "alice") throws(AWSError) -> String {
    try account.call("UploadSSHPublicKey", ["UserName": .string(user), "SSHPublicKeyBody": .string(body)])
      .string(at: "SSHPublicKey", "SSHPublicKeyId") ?? ""
  }

  @Test("UploadSSHPublicKey returns an APKA id, the MD5 fingerprint, Active")
  func uploadKey() throws {
    let account = try A()
    try account.createUser("alice")
    let output = try account.call("UploadSSHPublicKey", ["UserName": "alice", "SSHPublicKeyBody": .string(T.sshRSA)])
    #expect(output.string(at: "SSHPublicKey", "SSHPublicKeyId")?.hasPrefix("APKA") == true)
    #expect(output.string(at: "SSHPublicKey", "Fingerprint") == T.sshRSAFingerprint)
    #expect(output.string(at: "SSHPublicKey", "Status") == "Active")
    #expect(output.string(at: "SSHPublicKey", "SSHPublicKeyBody") == T.sshRSA)
  }

  @Test("GetSSHPublicKey converts between the OpenSSH and PEM encodings both ways")
  func encodings() throws {
    let account = try A()
    try account.createUser("alice")
    let fromSSH = try upload(account, T.sshRSA)
    let pem = try account.call("GetSSHPublicKey", ["UserName": "alice", "SSHPublicKeyId": .string(fromSSH), "Encoding": "PEM"])
    #expect(pem.string(at: "SSHPublicKey", "SSHPublicKeyBody")?.trimmingCharacters(in: .whitespacesAndNewlines) == T.sshRSAPEM)
    try account.call("DeleteSSHPublicKey", ["UserName": "alice", "SSHPublicKeyId": .string(fromSSH)])

    let fromPEM = try upload(account, T.sshRSAPEM)
    let ssh = try account.call("GetSSHPublicKey", ["UserName": "alice", "SSHPublicKeyId": .string(fromPEM), "Encoding": "SSH"])
    #expect(ssh.string(at: "SSHPublicKey", "SSHPublicKeyBody") == T.sshRSA)
    #expect(ssh.string(at: "SSHPublicKey", "Fingerprint") == T.sshRSAFingerprint)
  }

  @Test(
    "neither ssh-rsa nor PEM is UnrecognizedPublicKeyEncoding",
    arguments: ["hello", "AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"])
  func unrecognized(body: String) throws {
    let account = try A()
    try account.createUser("alice")
    #expect(account.error("UploadSSHPublicKey", ["UserName": "alice", "SSHPublicKeyBody": .string(body)])?.code == "UnrecognizedPublicKeyEncoding")
  }

  @Test(
    "a short RSA key, a non-RSA key or a broken blob is InvalidPublicKey",
    arguments: [T.shortSSHRSA, T.sshEd25519, "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "ssh-rsa !!!"])
  func invalid(body: String) throws {
    let account = try A()
    try account.createUser("alice")
    #expect(account.error("UploadSSHPublicKey", ["UserName": "alice", "SSHPublicKeyBody": .string(body)])?.code == "InvalidPublicKey")
    #expect(account.entities.sshPublicKeys.isEmpty)
  }

  @Test("the same key twice for a user, in either encoding, is DuplicateSSHPublicKey")
  func duplicate() throws {
    let account = try A()
    try account.createUser("alice")
    _ = try upload(account, T.sshRSA)
    #expect(account.error("UploadSSHPublicKey", ["UserName": "alice", "SSHPublicKeyBody": .string(T.sshRSAPEM)])?.code == "DuplicateSSHPublicKey")
  }

  @Test("a user has at most five keys: a sixth is LimitExceeded")
  func quota() throws {
    var quotas = IAMQuotas()
    quotas.sshPublicKeysPerUser = 1
    let account = try A(quotas: quotas)
    try account.createUser("alice")
    _ = try upload(account, T.sshRSA)
    #expect(account.error("UploadSSHPublicKey", ["UserName": "alice", "SSHPublicKeyBody": .string(T.otherSSHRSA)]) == .limitExceeded("Cannot exceed quota for PublicKeysPerUser: 1"))
    #expect(IAMQuotas().sshPublicKeysPerUser == 5)
  }

  @Test("List, Update and Delete work on the user's keys; another user's key is NoSuchEntity")
  func lifecycle() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    let id = try upload(account)
    #expect(try account.call("ListSSHPublicKeys", ["UserName": "alice"]).names(in: "SSHPublicKeys", member: "SSHPublicKeyId") == [id])
    try account.call("UpdateSSHPublicKey", ["UserName": "alice", "SSHPublicKeyId": .string(id), "Status": "Inactive"])
    #expect(account.entities.sshPublicKeys[id]?.status == "Inactive")
    #expect(account.error("GetSSHPublicKey", ["UserName": "bob", "SSHPublicKeyId": .string(id), "Encoding": "SSH"])?.code == "NoSuchEntity")
    #expect(account.error("DeleteUser", ["UserName": "alice"])?.code == "DeleteConflict")
    try account.call("DeleteSSHPublicKey", ["UserName": "alice", "SSHPublicKeyId": .string(id)])
    #expect(account.entities.sshPublicKeys.isEmpty)
    try account.call("DeleteUser", ["UserName": "alice"])
  }

  @Test("the root user must name a user")
  func rootMustNameUser() throws {
    let account = try A()
    #expect(account.error("ListSSHPublicKeys")?.code == "ValidationError")
  }
}
