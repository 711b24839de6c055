import Foundation
import Synchronization

/// Where alerts go. The engine never calls a sink on the request path: each sink has its own
/// queue and background task (`AlertQueue`), and `deliver` runs there, one alert at a time, so a
/// slow sink delays only itself.
public protocol AlertSink: Sendable {
  /// Alerts below this severity are not queued for the sink.
  var minimumSeverity: AlertSeverity { get }
  /// How many alerts may wait; beyond it the oldest are dropped (and counted).
  var queueCapacity: Int { get }
  func deliver(_ alert: Alert) async
}

extension AlertSink {
  public var minimumSeverity: AlertSeverity { .low }
  public var queueCapacity: Int { 10_000 }
}

/// Hands each alert to a closure the server supplies (its logger).
public struct LogAlertSink: AlertSink {
  let log: @Sendable (Alert) -> Void

  public init(_ log: @escaping @Sendable (Alert) -> Void) {
    self.log = log
  }

  public func deliver(_ alert: Alert) async {
    log(alert)
  }
}

/// Appends each alert as one line of JSON (`{"alert": …, "event": …}`) to a file, normally
/// `<data-dir>/alerts.jsonl`. The file is created owner-only: events name principals and
/// addresses.
public final class JSONLinesAlertSink: AlertSink {
  public let path: String
  /// Opened on first use; only the sink's queue task writes, the mutex makes that explicit.
  private let file = Mutex<FileHandle?>(nil)

  public static let fileName = "alerts.jsonl"

  public init(path: String) {
    self.path = path
  }

  public func deliver(_ alert: Alert) async {
    let line = Data((alert.record.serialized + "\n").utf8)
    let path = self.path
    file.withLock { file in
      do {
        if file == nil {
          if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
          }
          file = FileHandle(forWritingAtPath: path)
        }
        guard let handle = file else { return }
        // Seek each time: someone else (an operator's `>>`, a rotation) may have changed the
        // length, and a line must never overwrite another.
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
      } catch {
        // The file is a convenience copy; the log sink still has the alert. Reopen next time.
        try? file?.close()
        file = nil
      }
    }
  }
}
