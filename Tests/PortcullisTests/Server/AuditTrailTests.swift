import AWSWire
import Audit
import Directory
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Server
import Services
import Testing

/// What the server writes to the trail for each kind of request, read back from the segment
/// files: CloudTrail's fields, the caller's identity, and no secret.
@Suite("The audit trail of the server")
struct AuditTrailTests {
  /// An in-memory server whose requests go to a trail in a fresh folder.
  static func application() throws -> (some ApplicationProtocol, TrailWriter) {
    var configuration = ServerConfiguration()
    configuration.inMemory = true
    configuration.accountID = ProtocolTests.accountID
    configuration.rootAccessKeyID = ProtocolTests.rootKey.accessKeyID
    configuration.rootSecretAccessKey = ProtocolTests.rootKey.secretAccessKey
    let (directory, _) = try ServerBootstrap.open(configuration)
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("trail-\(UUID().uuidString)")
    let trail = try TrailWriter(files: TrailFiles(root: root))
    var logger = Logger(label: "portcullis-tests")
    logger.logLevel = .error
    let app = PortcullisServer.application(
      configuration: configuration, directory: directory, lastUsed: LastUsedRecorder(), trail: trail, logger: logger)
    return (app, trail)
  }

  /// The records written so far, oldest first.
  static func records(_ trail: TrailWriter) -> [TrailJSON] {
    trail.flush()
    return trail.files.lookup(TrailQuery(), limit: 1000).records.reversed()
  }

  @Test("a root call records the Root identity, the parameters and the response")
  func rootCall() async throws {
    let (app, trail) = try Self.application()
    try await app.test(.router) { client in
      _ = try await ProtocolTests.post(client, "CreateUser", [("UserName", "bob")])
    }
    let record = try #require(Self.records(trail).last)
    #expect(record["eventName"] == .string("CreateUser"))
    #expect(record["eventSource"] == .string("iam.amazonaws.com"))
    #expect(record["userIdentity"]?["type"] == .string("Root"))
    #expect(record["userIdentity"]?["arn"] == .string("arn:aws:iam::123456789012:root"))
    #expect(record["userIdentity"]?["accessKeyId"] == .string(ProtocolTests.rootKey.accessKeyID))
    #expect(record["requestParameters"]?["userName"] == .string("bob"))
    #expect(record["responseElements"]?["user"]?["userName"] == .string("bob"))
    #expect(record["readOnly"] == .bool(false))
    #expect(record["recipientAccountId"] == .string("123456789012"))
    #expect(record["userAgent"] == .string("portcullis-tests"))
    #expect(record["errorCode"] == nil)
    trail.shutdown()
  }

  @Test("a read records readOnly and no responseElements")
  func readCall() async throws {
    let (app, trail) = try Self.application()
    try await app.test(.router) { client in
      _ = try await ProtocolTests.post(client, "ListUsers")
    }
    let record = try #require(Self.records(trail).last)
    #expect(record["readOnly"] == .bool(true))
    #expect(record["responseElements"] == .null)
    trail.shutdown()
  }

  @Test("a denied call records AccessDenied with the user's identity")
  func deniedCall() async throws {
    let (app, trail) = try Self.application()
    try await app.test(.router) { client in
      _ = try await ProtocolTests.post(client, "CreateUser", [("UserName", "alice")])
      let (_, xml) = try await ProtocolTests.post(client, "CreateAccessKey", [("UserName", "alice")])
      let alice = QueryRequestSigner(
        accessKeyID: try #require(ProtocolTests.element("AccessKeyId", in: xml)),
        secretAccessKey: try #require(ProtocolTests.element("SecretAccessKey", in: xml)))
      let (status, _) = try await ProtocolTests.post(client, "CreateUser", [("UserName", "mallory")], signer: alice)
      #expect(status == .forbidden)
    }
    let records = Self.records(trail)
    let denied = try #require(records.last)
    #expect(denied["errorCode"] == .string("AccessDenied"))
    #expect(denied["userIdentity"]?["type"] == .string("IAMUser"))
    #expect(denied["userIdentity"]?["userName"] == .string("alice"))
    #expect(denied["responseElements"] == .null)
    // The key was handed out once; its secret is in no record.
    let createKey = try #require(records.first { $0["eventName"] == .string("CreateAccessKey") })
    #expect(createKey["responseElements"]?["accessKey"]?["secretAccessKey"] == .string(AuditParameters.hidden))
    trail.shutdown()
  }

  @Test("a request with an unknown key records the failed authentication")
  func failedAuthentication() async throws {
    let (app, trail) = try Self.application()
    let stranger = QueryRequestSigner(accessKeyID: "AKIAUNKNOWNKEY000001", secretAccessKey: "x")
    try await app.test(.router) { client in
      _ = try await ProtocolTests.post(client, "ListUsers", signer: stranger)
    }
    let record = try #require(Self.records(trail).last)
    #expect(record["errorCode"] == .string("InvalidClientTokenId"))
    #expect(record["userIdentity"]?["type"] == .string("Unknown"))
    #expect(record["userIdentity"]?["accessKeyId"] == .string("AKIAUNKNOWNKEY000001"))
    trail.shutdown()
  }

  @Test("a role session records AssumedRole with its session context and issuer")
  func roleSession() async throws {
    let (app, trail) = try Self.application()
    let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#
    try await app.test(.router) { client in
      _ = try await ProtocolTests.post(client, "CreateUser", [("UserName", "ops")])
      _ = try await ProtocolTests.post(
        client, "PutUserPolicy",
        [("UserName", "ops"), ("PolicyName", "p"), ("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)])
      let (_, keyXML) = try await ProtocolTests.post(client, "CreateAccessKey", [("UserName", "ops")])
      var ops = QueryRequestSigner(
        accessKeyID: try #require(ProtocolTests.element("AccessKeyId", in: keyXML)),
        secretAccessKey: try #require(ProtocolTests.element("SecretAccessKey", in: keyXML)))
      _ = try await ProtocolTests.post(
        client, "CreateRole", [("RoleName", "auditor"), ("AssumeRolePolicyDocument", trust)])
      ops.service = "sts"
      let body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fauditor&RoleSessionName=s1"
      let (status, xml) = try await client.execute(
        uri: "/", method: .post, headers: ops.headers(body: body), body: ByteBuffer(string: body)
      ) { ($0.status, String(buffer: $0.body)) }
      #expect(status == .ok, "\(xml)")
      let session = QueryRequestSigner(
        accessKeyID: try #require(ProtocolTests.element("AccessKeyId", in: xml)),
        secretAccessKey: try #require(ProtocolTests.element("SecretAccessKey", in: xml)))
      let token = try #require(ProtocolTests.element("SessionToken", in: xml))
      let listBody = QueryRequestSigner.body(action: "ListUsers")
      var headers = session.headers(body: listBody, securityToken: token)
      headers[.userAgent] = "portcullis-tests"
      _ = try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: listBody)) { _ in }
    }
    let records = Self.records(trail)
    let assume = try #require(records.first { $0["eventName"] == .string("AssumeRole") })
    #expect(assume["eventSource"] == .string("sts.amazonaws.com"))
    #expect(assume["responseElements"]?["credentials"]?["sessionToken"] == .string(AuditParameters.hidden))
    let list = try #require(records.last)
    #expect(list["eventName"] == .string("ListUsers"))
    let identity = try #require(list["userIdentity"])
    #expect(identity["type"] == .string("AssumedRole"))
    #expect(identity["arn"] == .string("arn:aws:sts::123456789012:assumed-role/auditor/s1"))
    #expect(identity["sessionContext"]?["sessionIssuer"]?["type"] == .string("Role"))
    #expect(identity["sessionContext"]?["sessionIssuer"]?["userName"] == .string("auditor"))
    #expect(identity["sessionContext"]?["attributes"]?["mfaAuthenticated"] == .string("false"))
    trail.shutdown()
  }
}
