import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// Server certificates: the certificate, chain and private key uploaded together, the key
/// checked against the certificate, sealed and never returned; named, tagged, renamed, listed by
/// path, deleted; at most twenty per account.
@Suite("IAM server certificates")
struct ServerCertificateTests {
  typealias A = IAMTestAccount
  typealias T = TestCertificates

  func uploadInput(
    _ name: String = "web", body: String = T.rsaCertificate, key: String = T.rsaPrivateKeyPKCS8, path: String? = nil,
    chain: String? = nil
  ) -> ModelValue {
    var input: [String: ModelValue] = [
      "ServerCertificateName": .string(name), "CertificateBody": .string(body), "PrivateKey": .string(key),
    ]
    if let path { input["Path"] = .string(path) }
    if let chain { input["CertificateChain"] = .string(chain) }
    return .structure(input)
  }

  @Test("UploadServerCertificate returns the metadata: ASCA id, ARN with the path, the certificate's expiry")
  func upload() throws {
    let account = try A()
    let output = try account.call("UploadServerCertificate", uploadInput(path: "/cloudfront/test/"))
    let id = try #require(output.string(at: "ServerCertificateMetadata", "ServerCertificateId"))
    #expect(id.hasPrefix("ASCA") && id.count == 21)
    #expect(output.string(at: "ServerCertificateMetadata", "Arn") == "arn:aws:iam::123456789012:server-certificate/cloudfront/test/web")
    #expect(output.string(at: "ServerCertificateMetadata", "Path") == "/cloudfront/test/")
    #expect(output.value(at: "ServerCertificateMetadata", "Expiration") == .timestamp(try Date("2040-01-01T12:00:00Z", strategy: .iso8601)))
    #expect(output.value(at: "ServerCertificateMetadata", "UploadDate") == .timestamp(A.now))
  }

  @Test("the private key is stored sealed, opens with the master key, and is returned by no operation")
  func keyIsSealed() throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput(chain: T.caCertificate))
    let stored = try #require(account.entities.serverCertificates["web"])
    #expect(stored.sealedPrivateKey.range(of: Data("PRIVATE KEY".utf8)) == nil)
    #expect(account.directory.secrets.open(stored.sealedPrivateKey) == T.rsaPrivateKeyPKCS8)
    let got = try account.call("GetServerCertificate", ["ServerCertificateName": "web"])
    #expect(!"\(got)".contains("PRIVATE KEY"))
    #expect(got.string(at: "ServerCertificate", "CertificateBody") == T.rsaCertificate)
    #expect(got.string(at: "ServerCertificate", "CertificateChain") == T.caCertificate)
  }

  @Test(
    "keys in PKCS#8, PKCS#1 RSA and SEC1 EC form are accepted when they match",
    arguments: [(T.rsaCertificate, T.rsaPrivateKeyPKCS8), (T.rsaCertificate, T.rsaPrivateKeyPKCS1), (T.ecCertificate, T.ecPrivateKeySEC1)])
  func keyForms(pair: (String, String)) throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput(body: pair.0, key: pair.1))
  }

  @Test("another key than the certificate's is KeyPairMismatch, and nothing is stored")
  func mismatch() throws {
    let account = try A()
    #expect(account.error("UploadServerCertificate", uploadInput(key: T.otherRSAPrivateKey))?.code == "KeyPairMismatch")
    #expect(account.error("UploadServerCertificate", uploadInput(key: T.ecPrivateKeySEC1))?.code == "KeyPairMismatch")
    #expect(account.entities.serverCertificates.isEmpty)
  }

  @Test("a malformed certificate, key or chain, or an expired certificate, is MalformedCertificate")
  func malformed() throws {
    let account = try A()
    #expect(account.error("UploadServerCertificate", uploadInput(body: "junk"))?.code == "MalformedCertificate")
    #expect(account.error("UploadServerCertificate", uploadInput(key: "junk"))?.code == "MalformedCertificate")
    #expect(account.error("UploadServerCertificate", uploadInput(chain: "junk"))?.code == "MalformedCertificate")
    #expect(
      account.error("UploadServerCertificate", uploadInput(body: T.expiredCertificate, key: T.otherRSAPrivateKey))?.code
        == "MalformedCertificate")
    #expect(account.entities.serverCertificates.isEmpty)
  }

  @Test("a name already taken, in any case, is EntityAlreadyExists")
  func duplicateName() throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput("web"))
    #expect(account.error("UploadServerCertificate", uploadInput("WEB"))?.code == "EntityAlreadyExists")
  }

  @Test("the account quota (20 by default) is LimitExceeded")
  func quota() throws {
    var quotas = IAMQuotas()
    quotas.serverCertificatesPerAccount = 1
    let account = try A(quotas: quotas)
    try account.call("UploadServerCertificate", uploadInput("one"))
    #expect(account.error("UploadServerCertificate", uploadInput("two")) == .limitExceeded("Cannot exceed quota for ServerCertificatesPerAccount: 1"))
    #expect(IAMQuotas().serverCertificatesPerAccount == 20)
  }

  @Test("ListServerCertificates filters by path prefix and pages")
  func list() throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput("a", path: "/cloudfront/"))
    try account.call("UploadServerCertificate", uploadInput("b", path: "/cloudfront/"))
    try account.call("UploadServerCertificate", uploadInput("c"))
    let cloudfront = try account.call("ListServerCertificates", ["PathPrefix": "/cloudfront/"])
    #expect(cloudfront.names(in: "ServerCertificateMetadataList", member: "ServerCertificateName") == ["a", "b"])
    let first = try account.call("ListServerCertificates", ["MaxItems": 2])
    #expect(first.names(in: "ServerCertificateMetadataList", member: "ServerCertificateName") == ["a", "b"])
    let marker = try #require(first.string(at: "Marker"))
    let second = try account.call("ListServerCertificates", ["MaxItems": 2, "Marker": .string(marker)])
    #expect(second.names(in: "ServerCertificateMetadataList", member: "ServerCertificateName") == ["c"])
  }

  @Test("UpdateServerCertificate renames and moves; the new name must be free")
  func update() throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput("old"))
    try account.call("UploadServerCertificate", uploadInput("taken"))
    #expect(
      account.error("UpdateServerCertificate", ["ServerCertificateName": "old", "NewServerCertificateName": "Taken"])?.code
        == "EntityAlreadyExists")
    try account.call("UpdateServerCertificate", ["ServerCertificateName": "old", "NewServerCertificateName": "new", "NewPath": "/p/"])
    #expect(account.entities.serverCertificates["old"] == nil)
    #expect(account.entities.serverCertificates["new"]?.arn == "arn:aws:iam::123456789012:server-certificate/p/new")
    #expect(account.error("GetServerCertificate", ["ServerCertificateName": "old"]) == .noSuchEntity("The Server Certificate with name old cannot be found."))
  }

  @Test("renaming needs the permission on the new name as well as the old one")
  func updateNeedsBothNames() throws {
    let account = try A()
    try account.createUser("alice")
    let old = "arn:aws:iam::123456789012:server-certificate/old"
    try account.call("PutUserPolicy", ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:UpdateServerCertificate", resource: old))])
    try account.call("UploadServerCertificate", uploadInput("old"))
    let error = account.error("UpdateServerCertificate", ["ServerCertificateName": "old", "NewServerCertificateName": "new"], as: account.user("alice"))
    #expect(error?.code == "AccessDenied")
    #expect(account.entities.serverCertificates["old"] != nil)
  }

  @Test("DeleteServerCertificate removes it; a missing one is NoSuchEntity")
  func delete() throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput())
    try account.call("DeleteServerCertificate", ["ServerCertificateName": "web"])
    #expect(account.entities.serverCertificates.isEmpty)
    #expect(account.error("DeleteServerCertificate", ["ServerCertificateName": "web"])?.code == "NoSuchEntity")
  }

  @Test("tags: given at upload, added, listed, removed; aws: keys refused")
  func tags() throws {
    let account = try A()
    var input = uploadInput()
    if case .structure(var members) = input {
      members["Tags"] = [["Key": "env", "Value": "prod"]]
      input = .structure(members)
    }
    let output = try account.call("UploadServerCertificate", input)
    #expect(output.value(at: "Tags") != nil)
    try account.call("TagServerCertificate", ["ServerCertificateName": "web", "Tags": [["Key": "team", "Value": "web"]]])
    let listed = try account.call("ListServerCertificateTags", ["ServerCertificateName": "web"])
    #expect(listed.names(in: "Tags", member: "Key") == ["env", "team"])
    try account.call("UntagServerCertificate", ["ServerCertificateName": "web", "TagKeys": ["env"]])
    #expect(account.entities.serverCertificates["web"]?.tags == [Tag(key: "team", value: "web")])
    let error = account.error("TagServerCertificate", ["ServerCertificateName": "web", "Tags": [["Key": "aws:x", "Value": "y"]]])
    #expect(error?.code == "InvalidInput")
  }

  @Test("operations are authorized on the server-certificate ARN")
  func authorization() throws {
    let account = try A()
    try account.createUser("alice")
    let arn = "arn:aws:iam::123456789012:server-certificate/mine/*"
    try account.call("PutUserPolicy", ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:UploadServerCertificate", resource: arn))])
    try account.call("UploadServerCertificate", uploadInput("ok", path: "/mine/"), as: account.user("alice"))
    #expect(account.error("UploadServerCertificate", uploadInput("no"), as: account.user("alice"))?.code == "AccessDenied")
  }

  @Test("GetAccountSummary counts server certificates and root signing certificates")
  func accountSummary() throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput())
    try account.call("UploadSigningCertificate", ["CertificateBody": .string(T.otherRSACertificate)])
    let summary = try #require(try account.call("GetAccountSummary")[member: "SummaryMap"]?.mapValue)
    #expect(summary["ServerCertificates"] == .integer(1))
    #expect(summary["AccountSigningCertificatesPresent"] == .integer(1))
    #expect(summary["ServerCertificatesQuota"] == .integer(20))
  }

  @Test("master-key rotation re-seals the private key under the new key")
  func resealed() throws {
    let account = try A()
    try account.call("UploadServerCertificate", uploadInput())
    let new = SecretBox.ephemeral()
    #expect(try SealedSecrets.resealAll(in: account.store, from: account.directory.secrets, to: new) == 1)
    let reloaded = try Directory(store: account.store, secrets: new)
    let stored = try #require(reloaded.snapshot.accounts[A.id]?.serverCertificates["web"])
    #expect(new.open(stored.sealedPrivateKey) == T.rsaPrivateKeyPKCS8)
    #expect(account.directory.secrets.open(stored.sealedPrivateKey) == nil)
  }
}
