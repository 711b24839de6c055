import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// IAM OpenID Connect providers: created by https URL, named by ARN
/// `arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH`, with client ids, thumbprints and tags.
@Suite("IAM OpenID Connect providers")
struct OIDCProviderTests {
  typealias A = IAMTestAccount
  static let arn = "arn:aws:iam::123456789012:oidc-provider/token.example.com/ci"

  @discardableResult
  static func create(_ account: A, url: String = "https://token.example.com/ci", _ extra: [String: ModelValue] = [:])
    throws(AWSError) -> ModelValue
  {
    var input: [String: ModelValue] = [
      "Url": .string(url), "ClientIDList": .list(["sts.amazonaws.com"]),
      "ThumbprintList": .list([.string(String(repeating: "a", count: 40))]),
    ]
    for (k, v) in extra { input[k] = v }
    return try account.call("CreateOpenIDConnectProvider", .structure(input))
  }

  @Test("create returns the ARN; get shows the URL without its scheme, client ids, thumbprints, tags")
  func createAndGet() throws {
    let account = try A()
    let output = try Self.create(account, ["Tags": .list([["Key": "team", "Value": "ci"]])])
    #expect(output.string(at: "OpenIDConnectProviderArn") == Self.arn)
    let got = try account.call("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": .string(Self.arn)])
    #expect(got.string(at: "Url") == "token.example.com/ci")
    #expect(got.value(at: "ClientIDList") == .list(["sts.amazonaws.com"]))
    #expect(got.value(at: "ThumbprintList") == .list([.string(String(repeating: "a", count: 40))]))
    #expect(got.value(at: "CreateDate") == .timestamp(A.now))
    #expect(got.value(at: "Tags") == .list([["Key": "team", "Value": "ci"]]))
    let list = try account.call("ListOpenIDConnectProviders")
    #expect(list.names(in: "OpenIDConnectProviderList", member: "Arn") == [Self.arn])
  }

  @Test("the same URL twice: EntityAlreadyExists")
  func duplicate() throws {
    let account = try A()
    try Self.create(account)
    #expect(throws: AWSError.entityAlreadyExists("Provider with url https://token.example.com/ci already exists.")) {
      try Self.create(account)
    }
  }

  @Test("the URL must be https; thumbprints are at most five of 40 hex digits")
  func validation() throws {
    let account = try A()
    for url in ["http://token.example.com", "token.example.com", "https://", "https://a/../b"] {
      #expect(throws: AWSError.self) { try Self.create(account, url: url) }
    }
    let six = ModelValue.list(Array(repeating: .string(String(repeating: "b", count: 40)), count: 6))
    #expect(throws: AWSError.self) { try Self.create(account, ["ThumbprintList": six]) }
    #expect(throws: AWSError.self) { try Self.create(account, ["ThumbprintList": .list([.string(String(repeating: "z", count: 40))])]) }
    #expect(account.directory.snapshot.accounts[account.accountID]?.oidcProviders.isEmpty == true)
  }

  @Test("client ids are added and removed; thumbprints replaced; tags set, listed and removed")
  func updates() throws {
    let account = try A()
    try Self.create(account)
    let arn = ModelValue.string(Self.arn)
    try account.call("AddClientIDToOpenIDConnectProvider", ["OpenIDConnectProviderArn": arn, "ClientID": "app-2"])
    try account.call("RemoveClientIDFromOpenIDConnectProvider", ["OpenIDConnectProviderArn": arn, "ClientID": "sts.amazonaws.com"])
    try account.call(
      "UpdateOpenIDConnectProviderThumbprint",
      ["OpenIDConnectProviderArn": arn, "ThumbprintList": .list([.string(String(repeating: "c", count: 40))])])
    try account.call("TagOpenIDConnectProvider", ["OpenIDConnectProviderArn": arn, "Tags": .list([["Key": "k", "Value": "v"]])])
    let got = try account.call("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": arn])
    #expect(got.value(at: "ClientIDList") == .list(["app-2"]))
    #expect(got.value(at: "ThumbprintList") == .list([.string(String(repeating: "c", count: 40))]))
    let tags = try account.call("ListOpenIDConnectProviderTags", ["OpenIDConnectProviderArn": arn])
    #expect(tags.names(in: "Tags", member: "Key") == ["k"])
    try account.call("UntagOpenIDConnectProvider", ["OpenIDConnectProviderArn": arn, "TagKeys": .list(["k"])])
    #expect(try account.call("ListOpenIDConnectProviderTags", ["OpenIDConnectProviderArn": arn]).names(in: "Tags", member: "Key").isEmpty)
  }

  @Test("delete removes it; a missing provider is NoSuchEntity")
  func delete() throws {
    let account = try A()
    try Self.create(account)
    try account.call("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": .string(Self.arn)])
    #expect(throws: AWSError.noSuchEntity("OpenIDConnect Provider not found for arn \(Self.arn)")) {
      try account.call("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": .string(Self.arn)])
    }
  }

  @Test("each operation is authorized as iam:<Action> on the provider's ARN")
  func authorization() throws {
    let account = try A()
    try Self.create(account)
    try account.createUser("alice")
    try account.call(
      "PutUserPolicy",
      ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("iam:GetOpenIDConnectProvider", resource: Self.arn))])
    let alice = account.user("alice")
    #expect(throws: Never.self) {
      try account.call("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": .string(Self.arn)], as: alice)
    }
    #expect(throws: AWSError.self) {
      try account.call("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": .string(Self.arn)], as: alice)
    }
  }
}
