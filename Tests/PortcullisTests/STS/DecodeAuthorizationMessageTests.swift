import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// Encoded authorization failure messages: every denial by the Authorizer ends with one (when
/// the Authorizer has a key ring), and `DecodeAuthorizationMessage` opens it for callers allowed
/// to; anything altered is refused.
@Suite("STS DecodeAuthorizationMessage")
struct DecodeAuthorizationMessageTests {
  typealias A = IAMTestAccount

  /// IAM and STS over one directory, the Authorizer sealing messages with the STS ring.
  struct Setup {
    let iamAccount: IAMTestAccount
    let iam: IAMService
    let sts: STSService

    init() throws {
      iamAccount = try IAMTestAccount()
      let ring = SessionKeyRing.ephemeral()
      let authorizer = Authorizer(messageKeys: ring)
      iam = IAMService(directory: iamAccount.directory, authorizer: authorizer, now: { A.now })
      sts = STSService(directory: iamAccount.directory, authorizer: authorizer, keyRing: ring, now: { A.now })
    }

    /// The AccessDenied message of `operation` as `caller`.
    func denial(_ operation: String, _ input: ModelValue, as caller: Caller) -> String? {
      do {
        _ = try iam.handle(operation, input: input, caller: caller)
        return nil
      } catch { return error.code == "AccessDenied" ? error.message : nil }
    }

    func decode(_ encoded: String, as caller: Caller) throws(AWSError) -> String? {
      try sts.handle("DecodeAuthorizationMessage", input: ["EncodedMessage": .string(encoded)], caller: caller)
        .string(at: "DecodedMessage")
    }
  }

  static let marker = " Encoded authorization failure message: "

  @Test("a denial keeps AWS's text and ends with the encoded message, which decodes to the decision")
  func roundTrip() throws {
    let setup = try Setup()
    try setup.iamAccount.createUser("alice")
    try setup.iamAccount.call(
      "PutUserPolicy",
      ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.deny("iam:CreateUser"))])
    let message = try #require(setup.denial("CreateUser", ["UserName": "bob"], as: setup.iamAccount.user("alice")))
    let parts = message.components(separatedBy: Self.marker)
    #expect(parts.count == 2)
    #expect(parts[0] == "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/bob with an explicit deny in an identity-based policy")

    let decoded = try #require(try setup.decode(parts[1], as: setup.iamAccount.root))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(decoded.utf8)) as? [String: Any])
    #expect(json["allowed"] as? Bool == false)
    #expect(json["explicitDeny"] as? Bool == true)
    let context = try #require(json["context"] as? [String: Any])
    #expect(context["action"] as? String == "iam:CreateUser")
    #expect(context["resource"] as? String == "arn:aws:iam::123456789012:user/bob")
    let principal = try #require(context["principal"] as? [String: Any])
    #expect(principal["arn"] as? String == "arn:aws:iam::123456789012:user/alice")
    #expect(principal["name"] as? String == "alice")
    #expect(decoded.contains("\"aws:SourceIp\""))
    let statements = try #require((json["matchedStatements"] as? [String: Any])?["items"] as? [[String: Any]])
    #expect(statements.first?["effect"] as? String == "DENY")
  }

  @Test("an altered or foreign message: InvalidAuthorizationMessageException")
  func tampered() throws {
    let setup = try Setup()
    try setup.iamAccount.createUser("alice")
    let message = try #require(setup.denial("ListUsers", [:], as: setup.iamAccount.user("alice")))
    let encoded = try #require(message.components(separatedBy: Self.marker).last)
    var bytes = Array(encoded)
    bytes[bytes.count / 2] = bytes[bytes.count / 2] == "A" ? "B" : "A"
    for bad in [String(bytes), String(encoded.dropLast(4)), "not-a-message"] {
      #expect(throws: AWSError(
        code: "InvalidAuthorizationMessageException",
        message: "The error message provided is not a valid encoded authorization failure message.")) {
        _ = try setup.decode(bad, as: setup.iamAccount.root)
      }
    }
  }

  @Test("decoding needs sts:DecodeAuthorizationMessage")
  func needsPermission() throws {
    let setup = try Setup()
    try setup.iamAccount.createUser("alice")
    let message = try #require(setup.denial("ListUsers", [:], as: setup.iamAccount.user("alice")))
    let encoded = try #require(message.components(separatedBy: Self.marker).last)
    #expect(throws: AWSError.self) { _ = try setup.decode(encoded, as: setup.iamAccount.user("alice")) }
    try setup.iamAccount.call(
      "PutUserPolicy",
      ["UserName": "alice", "PolicyName": "p", "PolicyDocument": .string(A.allow("sts:DecodeAuthorizationMessage"))])
    #expect(try setup.decode(encoded, as: setup.iamAccount.user("alice"))?.contains("iam:ListUsers") == true)
  }

  @Test("without a key ring the Authorizer's messages carry no encoded part")
  func noRing() throws {
    let account = try IAMTestAccount()
    try account.createUser("alice")
    do {
      try account.call("ListUsers", as: account.user("alice"))
    } catch {
      #expect(!error.message.contains("Encoded authorization failure message"))
    }
  }
}
