import Audit
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Webhooks against a real HTTP receiver on a loopback socket: the body, the signature, the
/// retries, and that nothing of it blocks the caller.
@Suite(.serialized) struct WebhookTests {
  /// A minimal HTTP/1.1 receiver: answers each request with the next status of `statuses`
  /// (the last one repeats) and records what it got.
  final class Receiver: Sendable {
    struct Request: Sendable {
      var requestLine: String
      var headers: [String: String]
      var body: [UInt8]
    }

    let port: UInt16
    private let fd: Int32
    private let statuses: [Int]
    private let received = Mutex<[Request]>([])

    init(statuses: [Int]) throws {
      self.statuses = statuses
      #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
      #endif
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = 0
      let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
      guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
      }
      self.fd = fd
      port = UInt16(bigEndian: address.sin_port)
      let thread = Thread { [self] in self.serve() }
      thread.start()
    }

    var requests: [Request] { received.withLock { $0 } }

    func stop() {
      shutdown(fd, Int32(SHUT_RDWR))
      close(fd)
    }

    private func serve() {
      while true {
        let connection = accept(fd, nil, nil)
        if connection < 0 { return }
        handle(connection)
        close(connection)
      }
    }

    private func handle(_ connection: Int32) {
      var data: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      func readMore() -> Bool {
        let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        data += buffer[0..<n]
        return true
      }
      let separator: [UInt8] = Array("\r\n\r\n".utf8)
      var headerEnd: Int?
      while headerEnd == nil {
        if let range = data.firstRange(of: separator) { headerEnd = range.upperBound } else if !readMore() { return }
      }
      let head = String(decoding: data[0..<headerEnd!], as: UTF8.self).split(separator: "\r\n").map(String.init)
      var headers: [String: String] = [:]
      for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
      let length = Int(headers["content-length"] ?? "0") ?? 0
      while data.count - headerEnd! < length { if !readMore() { return } }
      let body = Array(data[headerEnd!..<headerEnd! + length])
      let index = received.withLock { requests in
        requests.append(Request(requestLine: head.first ?? "", headers: headers, body: body))
        return requests.count - 1
      }
      let status = statuses[min(index, statuses.count - 1)]
      let response = "HTTP/1.1 \(status) Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
      _ = response.utf8CString.withUnsafeBytes { send(connection, $0.baseAddress, $0.count - 1, 0) }
    }
  }

  static let secret = Array("test-secret-for-hmac".utf8)

  static func engine(_ receiverPort: UInt16, maxAttempts: Int = 5, minimum: AlertSeverity = .low) -> (AlertEngine, WebhookAlertSink) {
    let hook = WebhookConfiguration(
      url: URL(string: "http://127.0.0.1:\(receiverPort)/hooks/portcullis")!, secret: secret, minimumSeverity: minimum,
      maxAttempts: maxAttempts, initialBackoff: .milliseconds(50))
    let sink = WebhookAlertSink(configuration: hook)
    return (AlertEngine(configuration: .defaults, sinks: [sink]), sink)
  }

  static let createUser = try! TrailJSON.parse(
    #"""
    {"userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice"},
     "eventTime": "2026-11-24T10:00:00Z", "eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
     "readOnly": false, "eventType": "AwsApiCall"}
    """#)

  /// RFC 4231, test case 2: HMAC-SHA256 with key "Jefe".
  @Test func theSignatureIsHexHMACSHA256OfTheBody() {
    let signature = WebhookAlertSink.signature(of: Array("what do ya want for nothing?".utf8), secret: Array("Jefe".utf8))
    #expect(signature == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  @Test func anAlertIsPostedAsSignedJSON() async throws {
    let receiver = try Receiver(statuses: [200])
    defer { receiver.stop() }
    let (engine, sink) = Self.engine(receiver.port)
    engine.observe(Self.createUser)
    await engine.shutdown()
    let request = try #require(receiver.requests.first)
    #expect(receiver.requests.count == 1)
    #expect(request.requestLine == "POST /hooks/portcullis HTTP/1.1")
    #expect(request.headers["content-type"] == "application/json")
    #expect(request.headers["x-portcullis-signature"] == WebhookAlertSink.signature(of: request.body, secret: Self.secret))
    let body = try TrailJSON.parse(request.body)
    #expect(body["alert"]?["ruleId"] == .string("iam-user-created"))
    #expect(body["alert"]?["alertId"]?.stringValue == request.headers["x-portcullis-alert-id"])
    #expect(body["event"] == Self.createUser)
    #expect(sink.statistics.delivered == 1)
  }

  @Test func aServerErrorIsRetriedWithTheSameSignedBody() async throws {
    let receiver = try Receiver(statuses: [500, 503, 200])
    defer { receiver.stop() }
    let (engine, sink) = Self.engine(receiver.port)
    engine.observe(Self.createUser)
    await engine.shutdown()
    let requests = receiver.requests
    #expect(requests.count == 3)
    #expect(Set(requests.map(\.body)).count == 1)
    #expect(requests.allSatisfy { $0.headers["x-portcullis-signature"] == WebhookAlertSink.signature(of: $0.body, secret: Self.secret) })
    #expect(sink.statistics.delivered == 1)
    #expect(sink.statistics.attempts == 3)
  }

  @Test func retriesStopAfterMaxAttempts() async throws {
    let receiver = try Receiver(statuses: [500])
    defer { receiver.stop() }
    let (engine, sink) = Self.engine(receiver.port, maxAttempts: 3)
    engine.observe(Self.createUser)
    await engine.shutdown()
    #expect(receiver.requests.count == 3)
    #expect(sink.statistics.failed == 1)
  }

  @Test func aClientErrorIsNotRetried() async throws {
    let receiver = try Receiver(statuses: [400, 200])
    defer { receiver.stop() }
    let (engine, sink) = Self.engine(receiver.port)
    engine.observe(Self.createUser)
    await engine.shutdown()
    #expect(receiver.requests.count == 1)
    #expect(sink.statistics.failed == 1)
  }

  @Test func alertsBelowTheMinimumSeverityAreNotSent() async throws {
    let receiver = try Receiver(statuses: [200])
    defer { receiver.stop() }
    let (engine, _) = Self.engine(receiver.port, minimum: .critical)
    engine.observe(Self.createUser)  // medium
    engine.observe(
      try TrailJSON.parse(#"{"userIdentity": {"type": "Root"}, "eventName": "ListUsers", "eventType": "AwsApiCall", "readOnly": true}"#))
    await engine.shutdown()
    #expect(receiver.requests.count == 1)
    #expect(try TrailJSON.parse(receiver.requests[0].body)["alert"]?["ruleId"] == .string("root-account-usage"))
  }

  @Test func anUnreachableWebhookNeverBlocksObserve() async throws {
    // A port that was just free: connections are refused.
    let closed = try Receiver(statuses: [200])
    let port = closed.port
    closed.stop()
    let hook = WebhookConfiguration(
      url: URL(string: "http://127.0.0.1:\(port)/")!, secret: Self.secret, maxAttempts: 5, initialBackoff: .seconds(1))
    let engine = AlertEngine(configuration: .defaults, sinks: [WebhookAlertSink(configuration: hook)])
    let clock = ContinuousClock()
    let observing = clock.measure {
      for _ in 0..<200 { engine.observe(Self.createUser) }
    }
    #expect(observing < .seconds(1))
    let stopping = await clock.measure { await engine.shutdown(timeout: .milliseconds(300)) }
    #expect(stopping < .seconds(5))
  }
}
