import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// Service-specific credentials: a generated user name and password (or API key) for one
/// service, the secret shown once and kept only as a KDF hash, reset to a new one, switched on
/// and off, deleted; at most two per user and service.
@Suite("IAM service-specific credentials")
struct ServiceSpecificCredentialTests {
  typealias A = IAMTestAccount

  func create(_ account: A, _ service: String = "codecommit.amazonaws.com", user: String = "alice") throws(AWSError) -> ModelValue {
    try account.call("CreateServiceSpecificCredential", ["UserName": .string(user), "ServiceName": .string(service)])
  }

  @Test("CreateServiceSpecificCredential returns user-at-account, a password once, an ACCA id; only a hash is kept")
  func createCredential() throws {
    let account = try A()
    try account.createUser("alice")
    let output = try create(account)
    #expect(output.string(at: "ServiceSpecificCredential", "ServiceUserName") == "alice-at-123456789012")
    #expect(output.string(at: "ServiceSpecificCredential", "ServiceName") == "codecommit.amazonaws.com")
    #expect(output.string(at: "ServiceSpecificCredential", "Status") == "Active")
    let id = try #require(output.string(at: "ServiceSpecificCredential", "ServiceSpecificCredentialId"))
    #expect(id.hasPrefix("ACCA"))
    let password = try #require(output.string(at: "ServiceSpecificCredential", "ServicePassword"))
    let stored = try #require(account.entities.serviceSpecificCredentials[id])
    #expect(stored.secretHash.verify(password))
    let encoded = try JSONEncoder().encode(stored)
    #expect(encoded.range(of: Data(password.utf8)) == nil)
  }

  @Test("the second credential of a user for a service gets +1 in its user name; a third is LimitExceeded")
  func quota() throws {
    let account = try A()
    try account.createUser("alice")
    _ = try create(account)
    let second = try create(account)
    #expect(second.string(at: "ServiceSpecificCredential", "ServiceUserName") == "alice+1-at-123456789012")
    #expect(account.error("CreateServiceSpecificCredential", ["UserName": "alice", "ServiceName": "codecommit.amazonaws.com"])?.code == "LimitExceeded")
    _ = try create(account, "cassandra.amazonaws.com")
  }

  @Test("an unsupported service is NotSupportedService (404)")
  func unsupported() throws {
    let account = try A()
    try account.createUser("alice")
    let error = account.error("CreateServiceSpecificCredential", ["UserName": "alice", "ServiceName": "s3.amazonaws.com"])
    #expect(error?.code == "NotSupportedService")
    #expect(error?.status == 404)
  }

  @Test("a Bedrock API key has an alias, a secret shown once, and an expiry from CredentialAgeDays")
  func apiKey() throws {
    let account = try A()
    try account.createUser("alice")
    let output = try account.call(
      "CreateServiceSpecificCredential", ["UserName": "alice", "ServiceName": "bedrock.amazonaws.com", "CredentialAgeDays": 30])
    #expect(output.string(at: "ServiceSpecificCredential", "ServiceCredentialAlias")?.hasSuffix("-at-123456789012") == true)
    #expect(output.string(at: "ServiceSpecificCredential", "ServiceCredentialSecret") != nil)
    #expect(output.value(at: "ServiceSpecificCredential", "ExpirationDate") == .timestamp(A.now.addingTimeInterval(30 * 86_400)))
    #expect(
      account.error("CreateServiceSpecificCredential", ["UserName": "alice", "ServiceName": "codecommit.amazonaws.com", "CredentialAgeDays": 30])?.code
        == "InvalidInput")
  }

  @Test("ResetServiceSpecificCredential returns a new password; the old one no longer verifies")
  func reset() throws {
    let account = try A()
    try account.createUser("alice")
    let created = try create(account)
    let id = try #require(created.string(at: "ServiceSpecificCredential", "ServiceSpecificCredentialId"))
    let old = try #require(created.string(at: "ServiceSpecificCredential", "ServicePassword"))
    let reset = try account.call("ResetServiceSpecificCredential", ["UserName": "alice", "ServiceSpecificCredentialId": .string(id)])
    let new = try #require(reset.string(at: "ServiceSpecificCredential", "ServicePassword"))
    #expect(new != old)
    let stored = try #require(account.entities.serviceSpecificCredentials[id])
    #expect(stored.secretHash.verify(new) && !stored.secretHash.verify(old))
  }

  @Test("List shows metadata without secrets, filters by service; Update and Delete by id")
  func lifecycle() throws {
    let account = try A()
    try account.createUser("alice")
    let id = try #require(try create(account).string(at: "ServiceSpecificCredential", "ServiceSpecificCredentialId"))
    _ = try create(account, "cassandra.amazonaws.com")
    let all = try account.call("ListServiceSpecificCredentials", ["UserName": "alice"])
    #expect(all.value(at: "ServiceSpecificCredentials")?.listValue?.count == 2)
    #expect(!"\(all)".contains("ServicePassword"))
    let codecommit = try account.call("ListServiceSpecificCredentials", ["UserName": "alice", "ServiceName": "codecommit.amazonaws.com"])
    #expect(codecommit.names(in: "ServiceSpecificCredentials", member: "ServiceSpecificCredentialId") == [id])
    #expect(account.error("ListServiceSpecificCredentials", ["UserName": "alice", "ServiceName": "nope"])?.code == "NotSupportedService")
    try account.call("UpdateServiceSpecificCredential", ["UserName": "alice", "ServiceSpecificCredentialId": .string(id), "Status": "Inactive"])
    #expect(account.entities.serviceSpecificCredentials[id]?.isActive == false)
    #expect(account.error("DeleteUser", ["UserName": "alice"])?.code == "DeleteConflict")
    try account.call("DeleteServiceSpecificCredential", ["UserName": "alice", "ServiceSpecificCredentialId": .string(id)])
    #expect(account.error("DeleteServiceSpecificCredential", ["UserName": "alice", "ServiceSpecificCredentialId": .string(id)])?.code == "NoSuchEntity")
  }

  @Test("iam:ServiceSpecificCredentialServiceName reaches the policy at creation")
  func conditionKey() throws {
    let account = try A()
    try account.createUser("alice")
    let policy = A.statement(
      "Allow", ["iam:CreateServiceSpecificCredential"],
      condition: #"{"StringEquals":{"iam:ServiceSpecificCredentialServiceName":"codecommit.amazonaws.com"}}"#)
    try account.call("PutUserPolicy", ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(policy)])
    _ = try account.call("CreateServiceSpecificCredential", ["UserName": "alice", "ServiceName": "codecommit.amazonaws.com"], as: account.user("alice"))
    let error = account.error("CreateServiceSpecificCredential", ["UserName": "alice", "ServiceName": "cassandra.amazonaws.com"], as: account.user("alice"))
    #expect(error?.code == "AccessDenied")
  }
}
