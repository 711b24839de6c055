import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// X.509 signing certificates: uploaded for a user (or the caller, or the root user), parsed,
/// at most two per user, one owner per certificate in the account, switched on and off, deleted,
/// and reported in the credential report's `cert_*` columns.
@Suite("IAM signing certificates")
struct SigningCertificateTests {
  typealias A = IAMTestAccount
  typealias T = TestCertificates

  func upload(_ account: A, _ body: String = T.rsaCertificate, user: String? = "alice") throws(AWSError) -> String {
    var input: [String: ModelValue] = ["CertificateBody": .string(body)]
    if let user { input["UserName"] = .string(user) }
    return try account.call("UploadSigningCertificate", .structure(input)).string(at: "Certificate", "CertificateId") ?? ""
  }

  @Test("UploadSigningCertificate returns the certificate, Active, with a 32-character upper-case id")
  func uploadReturnsCertificate() throws {
    let account = try A()
    try account.createUser("alice")
    let output = try account.call("UploadSigningCertificate", ["UserName": "alice", "CertificateBody": .string(T.rsaCertificate)])
    let id = try #require(output.string(at: "Certificate", "CertificateId"))
    #expect(id.count == 32 && id.allSatisfy { $0.isUppercase || $0.isNumber })
    #expect(output.string(at: "Certificate", "Status") == "Active")
    #expect(output.string(at: "Certificate", "UserName") == "alice")
    #expect(output.string(at: "Certificate", "CertificateBody") == T.rsaCertificate)
    #expect(output.value(at: "Certificate", "UploadDate") == .timestamp(A.now))
  }

  @Test("without UserName an IAM user uploads for itself")
  func callerIsOwner() throws {
    let account = try A()
    try account.createUser("alice")
    try account.call("PutUserPolicy", ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:*"))])
    let output = try account.call("UploadSigningCertificate", ["CertificateBody": .string(T.rsaCertificate)], as: account.user("alice"))
    #expect(output.string(at: "Certificate", "UserName") == "alice")
  }

  @Test("the root user without UserName uploads a root certificate")
  func rootCertificate() throws {
    let account = try A()
    let output = try account.call("UploadSigningCertificate", ["CertificateBody": .string(T.rsaCertificate)])
    #expect(output.value(at: "Certificate", "UserName") == nil)
    #expect(account.entities.signingCertificates.values.first?.userName == nil)
  }

  @Test(
    "a body that is not one PEM certificate is MalformedCertificate",
    arguments: ["not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", T.rsaPrivateKeyPKCS8])
  func malformed(body: String) throws {
    let account = try A()
    try account.createUser("alice")
    #expect(account.error("UploadSigningCertificate", ["UserName": "alice", "CertificateBody": .string(body)])?.code == "MalformedCertificate")
    #expect(account.entities.signingCertificates.isEmpty)
  }

  @Test("an expired certificate is InvalidCertificate")
  func expired() throws {
    let account = try A()
    try account.createUser("alice")
    let error = account.error("UploadSigningCertificate", ["UserName": "alice", "CertificateBody": .string(T.expiredCertificate)])
    #expect(error?.code == "InvalidCertificate")
  }

  @Test("the same certificate twice in the account is DuplicateCertificate (409)")
  func duplicate() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    _ = try upload(account)
    let error = account.error("UploadSigningCertificate", ["UserName": "bob", "CertificateBody": .string(T.rsaCertificate)])
    #expect(error?.code == "DuplicateCertificate")
    #expect(error?.status == 409)
  }

  @Test("a user has at most two signing certificates: a third is LimitExceeded")
  func quota() throws {
    let account = try A()
    try account.createUser("alice")
    _ = try upload(account, T.rsaCertificate)
    _ = try upload(account, T.otherRSACertificate)
    let error = account.error("UploadSigningCertificate", ["UserName": "alice", "CertificateBody": .string(T.ecCertificate)])
    #expect(error == .limitExceeded("Cannot exceed quota for CertificatesPerUser: 2"))
  }

  @Test("uploading for a user that does not exist is NoSuchEntity")
  func noSuchUser() throws {
    let account = try A()
    #expect(account.error("UploadSigningCertificate", ["UserName": "ghost", "CertificateBody": .string(T.rsaCertificate)])?.code == "NoSuchEntity")
  }

  @Test("ListSigningCertificates lists the user's certificates in upload order")
  func list() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    let id = try upload(account)
    _ = try upload(account, T.otherRSACertificate, user: "bob")
    let listed = try account.call("ListSigningCertificates", ["UserName": "alice"])
    #expect(listed.names(in: "Certificates", member: "CertificateId") == [id])
    #expect(listed.value(at: "IsTruncated") == .boolean(false))
  }

  @Test("UpdateSigningCertificate sets Inactive and Active; another status is InvalidInput")
  func update() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try upload(account)
    try account.call("UpdateSigningCertificate", ["UserName": "alice", "CertificateId": .string(id), "Status": "Inactive"])
    #expect(account.entities.signingCertificates[id]?.isActive == false)
    try account.call("UpdateSigningCertificate", ["UserName": "alice", "CertificateId": .string(id), "Status": "Active"])
    #expect(account.entities.signingCertificates[id]?.isActive == true)
    let error = account.error("UpdateSigningCertificate", ["UserName": "alice", "CertificateId": .string(id), "Status": "Expired"])
    #expect(error?.code == "InvalidInput")
  }

  @Test("another user's certificate id is NoSuchEntity for Update and Delete")
  func otherUsersCertificate() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    let id = try upload(account)
    let input: ModelValue = ["UserName": "bob", "CertificateId": .string(id), "Status": "Inactive"]
    #expect(account.error("UpdateSigningCertificate", input) == .noSuchEntity("The Certificate with id \(id) cannot be found."))
    #expect(account.error("DeleteSigningCertificate", ["UserName": "bob", "CertificateId": .string(id)])?.code == "NoSuchEntity")
  }

  @Test("DeleteSigningCertificate removes it")
  func delete() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try upload(account)
    try account.call("DeleteSigningCertificate", ["UserName": "alice", "CertificateId": .string(id)])
    #expect(account.entities.signingCertificates.isEmpty)
  }

  @Test("DeleteUser refuses while the user has a signing certificate")
  func deleteUserConflict() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try upload(account)
    #expect(account.error("DeleteUser", ["UserName": "alice"])?.code == "DeleteConflict")
    try account.call("DeleteSigningCertificate", ["UserName": "alice", "CertificateId": .string(id)])
    try account.call("DeleteUser", ["UserName": "alice"])
  }

  @Test("a user without iam:UploadSigningCertificate on the user's ARN is AccessDenied")
  func authorization() throws {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    try account.call(
      "PutUserPolicy",
      ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:UploadSigningCertificate", resource: A.userARN("alice")))])
    let error = account.error("UploadSigningCertificate", ["UserName": "bob", "CertificateBody": .string(T.rsaCertificate)], as: account.user("alice"))
    #expect(error?.code == "AccessDenied")
    _ = try account.call("UploadSigningCertificate", ["CertificateBody": .string(T.rsaCertificate)], as: account.user("alice"))
  }

  @Test("renaming the user carries its certificates along")
  func rename() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try upload(account)
    try account.call("UpdateUser", ["UserName": "alice", "NewUserName": "alicia"])
    #expect(account.entities.signingCertificates[id]?.userName == "alicia")
  }

  @Test("the credential report shows the first two certificates: active flag and upload time")
  func credentialReport() throws {
    let account = try A()
    try account.createUser("alice")
    let first = try upload(account)
    let second = try upload(account, T.otherRSACertificate)
    try account.call("UpdateSigningCertificate", ["UserName": "alice", "CertificateId": .string(first), "Status": "Inactive"])
    let rows = CredentialReport.rows(account.entities, now: A.now)
    let alice = try #require(rows.first { $0[0] == "alice" })
    let root = try #require(rows.first { $0[0] == CredentialReport.rootUserName })
    let at = CredentialReport.columns.firstIndex(of: "cert_1_active")!
    // Uploaded at the same (pinned) instant, the two are numbered by id.
    let actives = [first, second].sorted().map { $0 == first ? "false" : "true" }
    let time = "2025-06-15T15:06:40+00:00"
    #expect(Array(alice[at..<at + 4]) == [actives[0], time, actives[1], time])
    #expect(Array(root[at..<at + 4]) == ["false", "N/A", "false", "N/A"])
  }
}
