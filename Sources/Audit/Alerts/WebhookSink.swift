import Crypto
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Sends an HTTP POST and returns the response status. A protocol so tests and embedders can
/// substitute their own client.
public protocol WebhookTransport: Sendable {
  func post(url: URL, headers: [(String, String)], body: [UInt8]) async throws -> Int
}

/// Foundation's URLSession (FoundationNetworking on Linux, checked to work with this toolchain):
/// it brings HTTPS and proxies without another dependency.
public struct URLSessionWebhookTransport: WebhookTransport {
  let session: URLSession
  let timeout: TimeInterval

  public init(timeout: TimeInterval = 10) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.httpCookieStorage = nil
    configuration.urlCache = nil
    session = URLSession(configuration: configuration)
    self.timeout = timeout
  }

  public func post(url: URL, headers: [(String, String)], body: [UInt8]) async throws -> Int {
    var request = URLRequest(url: url, timeoutInterval: timeout)
    request.httpMethod = "POST"
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.httpBody = Data(body)
    let (_, response) = try await session.data(for: request)
    return (response as? HTTPURLResponse)?.statusCode ?? 0
  }
}

/// Posts each alert as JSON (`{"alert": …, "event": …}`) to a URL, signed with
/// `X-Portcullis-Signature: sha256=<hex HMAC-SHA256 of the body>`, and retries failures
/// (network errors, 408, 429 and 5xx) with exponential backoff: 1 s, 2 s, 4 s… up to
/// `maxAttempts` tries. Other 4xx answers are final: the receiver has said it will not take
/// this body, and sending it again changes nothing.
public final class WebhookAlertSink: AlertSink {
  public let configuration: WebhookConfiguration
  let transport: any WebhookTransport
  private let key: SymmetricKey
  private let counters = Mutex<(delivered: Int, failed: Int, attempts: Int)>((0, 0, 0))

  public static let signatureHeader = "X-Portcullis-Signature"

  public init(configuration: WebhookConfiguration, transport: any WebhookTransport = URLSessionWebhookTransport()) {
    self.configuration = configuration
    self.transport = transport
    key = SymmetricKey(data: configuration.secret)
  }

  public var minimumSeverity: AlertSeverity { configuration.minimumSeverity }
  public var queueCapacity: Int { configuration.queueCapacity }

  /// Alerts the receiver accepted, alerts given up on, and HTTP attempts made.
  public var statistics: (delivered: Int, failed: Int, attempts: Int) { counters.withLock { $0 } }

  /// `sha256=` and the lowercase hex HMAC-SHA256 of `body` under `secret`: what a receiver
  /// recomputes (in constant time) to check a call.
  public static func signature(of body: [UInt8], secret: [UInt8]) -> String {
    signature(of: body, key: SymmetricKey(data: secret))
  }

  static func signature(of body: [UInt8], key: SymmetricKey) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
    return "sha256=" + mac.map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
  }

  public func deliver(_ alert: Alert) async {
    let body = Array(alert.record.serialized.utf8)
    let headers = [
      ("Content-Type", "application/json"),
      ("User-Agent", "Portcullis-Alerts/1"),
      ("X-Portcullis-Alert-Id", alert.id),
      (Self.signatureHeader, Self.signature(of: body, key: key)),
    ]
    var backoff = configuration.initialBackoff
    for attempt in 1...max(1, configuration.maxAttempts) {
      counters.withLock { $0.attempts += 1 }
      var retry = true
      do {
        let status = try await transport.post(url: configuration.url, headers: headers, body: body)
        if (200..<300).contains(status) {
          counters.withLock { $0.delivered += 1 }
          return
        }
        retry = status == 408 || status == 429 || status >= 500 || status == 0
      } catch {
        retry = !(error is CancellationError)
      }
      guard retry, attempt < configuration.maxAttempts, !Task.isCancelled else { break }
      do { try await Task.sleep(for: backoff) } catch { break }
      backoff *= 2
    }
    counters.withLock { $0.failed += 1 }
  }
}
