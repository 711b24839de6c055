import AWSWire
import Directory
import Foundation
import HTTPTypes
import HashTreeCollections
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Server
import Services
import Testing

/// The application driven in-process through HummingbirdTesting's router client: health and
/// metrics endpoints, and the AWS Query protocol end to end — SigV4, the IAM handlers, and AWS's
/// XML for results and errors.
@Suite("The HTTP protocol layer")
struct ProtocolTests {
  static let accountID = "123456789012"
  static let rootKey = QueryRequestSigner(
    accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
  static let namespace = #"xmlns="https://iam.amazonaws.com/doc/2010-05-08/""#

  /// A fresh in-memory server whose account has the root key above, and its directory.
  static func application() throws -> (some ApplicationProtocol, Directory) {
    var configuration = ServerConfiguration()
    configuration.inMemory = true
    configuration.accountID = accountID
    configuration.rootAccessKeyID = rootKey.accessKeyID
    configuration.rootSecretAccessKey = rootKey.secretAccessKey
    let (directory, _) = try ServerBootstrap.open(configuration)
    var logger = Logger(label: "portcullis-tests")
    logger.logLevel = .error
    let app = PortcullisServer.application(
      configuration: configuration, directory: directory, lastUsed: LastUsedRecorder(), logger: logger)
    return (app, directory)
  }

  /// The text of the first `<name>` element in `xml`.
  static func element(_ name: String, in xml: String) -> String? {
    guard let open = xml.range(of: "<\(name)>"),
      let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
    else { return nil }
    return String(xml[open.upperBound..<close.lowerBound])
  }

  /// POSTs `action` signed with `signer` (unsigned when nil) and returns the status and body.
  static func post(
    _ client: some TestClientProtocol, _ action: String, _ parameters: [(String, String)] = [],
    signer: QueryRequestSigner? = rootKey
  ) async throws -> (HTTPResponse.Status, String) {
    let body = QueryRequestSigner.body(action: action, parameters)
    var headers = signer?.headers(body: body) ?? [.contentType: QueryRequestSigner.contentType]
    headers[.userAgent] = "portcullis-tests"
    return try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: body)) {
      ($0.status, String(buffer: $0.body))
    }
  }

  @Test("GET /health answers OK")
  func health() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      try await client.execute(uri: "/health", method: .get) { response in
        #expect(response.status == .ok)
        #expect(String(buffer: response.body) == "OK\n")
      }
    }
  }

  @Test("an unsigned request is 403 MissingAuthenticationToken in an ErrorResponse document")
  func unsignedRequest() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      let (status, xml) = try await Self.post(client, "ListUsers", signer: nil)
      #expect(status == .forbidden)
      #expect(xml.contains("<ErrorResponse \(Self.namespace)>"))
      #expect(Self.element("Type", in: xml) == "Sender")
      #expect(Self.element("Code", in: xml) == "MissingAuthenticationToken")
      #expect(Self.element("Message", in: xml) == "Request is missing Authentication Token")
      #expect(Self.element("RequestId", in: xml)?.isEmpty == false)
    }
  }

  @Test("a request signed with the root key is 200 with a ListUsersResponse document")
  func signedRequest() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      let body = QueryRequestSigner.body(action: "ListUsers")
      try await client.execute(
        uri: "/", method: .post, headers: Self.rootKey.headers(body: body), body: ByteBuffer(string: body)
      ) { response in
        let xml = String(buffer: response.body)
        #expect(response.status == .ok, "\(xml)")
        #expect(xml.contains("<ListUsersResponse \(Self.namespace)>"))
        #expect(xml.contains("<ListUsersResult>"))
        #expect(Self.element("IsTruncated", in: xml) == "false")
        #expect(response.headers[HTTPField.Name("x-amzn-RequestId")!]?.isEmpty == false)
        #expect(response.headers[.contentType] == "text/xml")
      }
    }
  }

  @Test("a user created over the wire is listed over the wire")
  func createThenList() async throws {
    let (app, directory) = try Self.application()
    try await app.test(.router) { client in
      let (created, createXML) = try await Self.post(
        client, "CreateUser", [("UserName", "alice"), ("Path", "/staff/")])
      #expect(created == .ok, "\(createXML)")
      #expect(Self.element("Arn", in: createXML) == "arn:aws:iam::123456789012:user/staff/alice")

      let (listed, listXML) = try await Self.post(client, "ListUsers")
      #expect(listed == .ok)
      #expect(Self.element("UserName", in: listXML) == "alice")
    }
    #expect(directory.snapshot.accounts[Self.accountID]?.users.count == 1)
  }

  @Test("an IAM error is rendered with its status, code and AWS's message")
  func errorDocument() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      let (status, xml) = try await Self.post(client, "GetUser", [("UserName", "nobody")])
      #expect(status == .notFound)
      #expect(Self.element("Code", in: xml) == "NoSuchEntity")
      #expect(Self.element("Message", in: xml) == "The user with name nobody cannot be found.")
    }
  }

  /// A signing failure and what the server must answer.
  struct BadSignature: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let signer: QueryRequestSigner
    let code: String
  }

  static let badSignatures = [
    BadSignature(
      testDescription: "the wrong secret",
      signer: QueryRequestSigner(accessKeyID: rootKey.accessKeyID, secretAccessKey: "not-the-secret"),
      code: "SignatureDoesNotMatch"),
    BadSignature(
      testDescription: "an unknown access key",
      signer: QueryRequestSigner(accessKeyID: "AKIAUNKNOWNKEY000000", secretAccessKey: rootKey.secretAccessKey),
      code: "InvalidClientTokenId"),
  ]

  @Test("a request signed with", arguments: badSignatures)
  func badSignature(_ bad: BadSignature) async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      let (status, xml) = try await Self.post(client, "ListUsers", signer: bad.signer)
      #expect(status == .forbidden)
      #expect(Self.element("Code", in: xml) == bad.code)
    }
  }

  @Test("a user's own key is authenticated as the user, and denied without policies")
  func userKeyIsAuthorized() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      _ = try await Self.post(client, "CreateUser", [("UserName", "alice")])
      let (_, keyXML) = try await Self.post(client, "CreateAccessKey", [("UserName", "alice")])
      let id = try #require(Self.element("AccessKeyId", in: keyXML))
      let secret = try #require(Self.element("SecretAccessKey", in: keyXML))
      let alice = QueryRequestSigner(accessKeyID: id, secretAccessKey: secret)

      let (status, xml) = try await Self.post(client, "ListUsers", signer: alice)

      #expect(status == .forbidden)
      #expect(Self.element("Code", in: xml) == "AccessDenied")
      #expect(
        Self.element("Message", in: xml)?.components(separatedBy: " Encoded authorization failure message: ").first
          == "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:ListUsers on resource: * because no identity-based policy allows the iam:ListUsers action"
      )
    }
  }

  @Test("an inactive key is refused as InvalidClientTokenId")
  func inactiveKey() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      _ = try await Self.post(client, "CreateUser", [("UserName", "alice")])
      let (_, keyXML) = try await Self.post(client, "CreateAccessKey", [("UserName", "alice")])
      let id = try #require(Self.element("AccessKeyId", in: keyXML))
      let secret = try #require(Self.element("SecretAccessKey", in: keyXML))
      _ = try await Self.post(
        client, "UpdateAccessKey", [("UserName", "alice"), ("AccessKeyId", id), ("Status", "Inactive")])

      let (status, xml) = try await Self.post(
        client, "ListUsers", signer: QueryRequestSigner(accessKeyID: id, secretAccessKey: secret))

      #expect(status == .forbidden)
      #expect(Self.element("Code", in: xml) == "InvalidClientTokenId")
    }
  }

  @Test("an action the service does not have is 400 InvalidAction")
  func unknownAction() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      let (status, xml) = try await Self.post(client, "CreateUnicorn")
      #expect(status == .badRequest)
      #expect(Self.element("Code", in: xml) == "InvalidAction")
    }
  }

  @Test("a key's use is reported by GetAccessKeyLastUsed with the service and region it was signed for")
  func lastUsed() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      _ = try await Self.post(client, "ListUsers")
      let (status, xml) = try await Self.post(
        client, "GetAccessKeyLastUsed", [("AccessKeyId", Self.rootKey.accessKeyID)])
      #expect(status == .ok, "\(xml)")
      #expect(Self.element("ServiceName", in: xml) == "iam")
      #expect(Self.element("Region", in: xml) == "us-east-1")
      #expect(Self.element("LastUsedDate", in: xml) != nil)
    }
  }

  @Test("/metrics exposes portcullis_requests_total, labelled by operation and status")
  func metrics() async throws {
    let (app, _) = try Self.application()
    try await app.test(.router) { client in
      _ = try await Self.post(client, "ListUsers")
      try await client.execute(uri: "/metrics", method: .get) { response in
        let text = String(buffer: response.body)
        #expect(response.status == .ok)
        #expect(text.contains("portcullis_requests_total"))
        #expect(text.contains(#"operation="ListUsers""#))
        #expect(text.contains(#"status="200""#))
      }
    }
  }
}
