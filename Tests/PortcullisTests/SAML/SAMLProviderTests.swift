import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// IAM SAML providers: created from the IdP's metadata, named by ARN
/// `arn:aws:iam::ACCOUNT:saml-provider/NAME`, with tags; unusable metadata is `InvalidInput`.
@Suite("IAM SAML providers")
struct SAMLProviderTests {
  typealias A = IAMTestAccount
  static let arn = "arn:aws:iam::123456789012:saml-provider/CorpIdP"

  @discardableResult
  static func create(_ account: A, metadata: String = SAMLTestFixtures.metadata(), _ extra: [String: ModelValue] = [:])
    throws(AWSError) -> ModelValue
  {
    var input: [String: ModelValue] = ["Name": "CorpIdP", "SAMLMetadataDocument": .string(metadata)]
    for (k, v) in extra { input[k] = v }
    return try account.call("CreateSAMLProvider", .structure(input))
  }

  @Test("create returns the ARN; get returns the document, CreateDate, ValidUntil and tags; list shows it")
  func createGetList() throws {
    let account = try A()
    let output = try Self.create(account, ["Tags": .list([["Key": "team", "Value": "id"]])])
    #expect(output.string(at: "SAMLProviderArn") == Self.arn)
    let got = try account.call("GetSAMLProvider", ["SAMLProviderArn": .string(Self.arn)])
    #expect(got.string(at: "SAMLMetadataDocument") == SAMLTestFixtures.metadata())
    #expect(got.value(at: "CreateDate") == .timestamp(A.now))
    #expect(got.value(at: "ValidUntil") == .timestamp(Date(timeIntervalSince1970: 1_893_456_000)))
    #expect(got.value(at: "Tags") == .list([["Key": "team", "Value": "id"]]))
    let list = try account.call("ListSAMLProviders")
    #expect(list.names(in: "SAMLProviderList", member: "Arn") == [Self.arn])
  }

  @Test("the same name twice: EntityAlreadyExists")
  func duplicate() throws {
    let account = try A()
    try Self.create(account)
    #expect(throws: AWSError.entityAlreadyExists("SAML provider with name CorpIdP already exists.")) {
      try Self.create(account)
    }
  }

  @Test(
    "metadata without an IdP signing certificate, malformed, or with a DTD is InvalidInput and stores nothing",
    arguments: [
      SAMLTestFixtures.metadata(use: "encryption"),
      SAMLTestFixtures.metadata().replacingOccurrences(of: "IDPSSODescriptor", with: "SPSSODescriptor"),
      SAMLTestFixtures.metadata().replacingOccurrences(of: "</md:EntityDescriptor>", with: ""),
      SAMLTestFixtures.metadata().replacingOccurrences(
        of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: #"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>"#),
    ])
  func invalidMetadata(_ metadata: String) throws {
    let account = try A()
    #expect(throws: AWSError.self) { try Self.create(account, metadata: metadata) }
    #expect(account.directory.snapshot.accounts[account.accountID]?.samlProviders.isEmpty == true)
  }

  @Test("update replaces the document; tags are added, listed and removed; delete removes it")
  func updateTagDelete() throws {
    let account = try A()
    try Self.create(account)
    let arn = ModelValue.string(Self.arn)
    let other = SAMLTestFixtures.metadata(entityID: "https://other.example.com", use: nil)
    let updated = try account.call("UpdateSAMLProvider", ["SAMLProviderArn": arn, "SAMLMetadataDocument": .string(other)])
    #expect(updated.string(at: "SAMLProviderArn") == Self.arn)
    #expect(account.directory.snapshot.accounts[account.accountID]?.samlProviders["corpidp"]?.entityID == "https://other.example.com")
    try account.call("TagSAMLProvider", ["SAMLProviderArn": arn, "Tags": .list([["Key": "env", "Value": "ci"]])])
    let tags = try account.call("ListSAMLProviderTags", ["SAMLProviderArn": arn])
    #expect(tags.value(at: "Tags") == .list([["Key": "env", "Value": "ci"]]))
    try account.call("UntagSAMLProvider", ["SAMLProviderArn": arn, "TagKeys": .list(["env"])])
    try account.call("DeleteSAMLProvider", ["SAMLProviderArn": arn])
    #expect(throws: AWSError.noSuchEntity("Manifest not found for arn \(Self.arn)")) {
      try account.call("GetSAMLProvider", ["SAMLProviderArn": arn])
    }
  }
}
