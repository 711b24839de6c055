import Crypto
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Appends events to the trail without making requests wait for the disk.
///
/// `record` only queues the event (a lock and an array append). A background thread serializes
/// what is queued every `flushInterval`, appends it to the open segment and syncs it, so a crash
/// loses at most that interval. A segment is closed after `segmentSeconds` or `segmentBytes`,
/// and on shutdown: its last line completes the `{"Records":[...]}` document, and its SHA-256
/// goes into a signed digest chained to the previous one (see `TrailVerifier`). A segment a crash
/// left open is completed and digested at the next start.
public final class TrailWriter: Sendable {
  public struct Options: Sendable {
    public var flushInterval: Duration = .milliseconds(200)
    public var segmentSeconds: TimeInterval = 300
    public var segmentBytes: Int = 8 << 20
    public init() {}
  }

  public let files: TrailFiles
  let options: Options
  let signingKey: Curve25519.Signing.PrivateKey
  private let queue = Mutex<Queue>(Queue())
  private let output: Mutex<Output>
  private let stopped = DispatchSemaphore(value: 0)
  /// Observers of each event as it is recorded (alert rules); called on the writer thread.
  private let observers: Mutex<[@Sendable (TrailJSON) -> Void]> = Mutex([])

  struct Queue {
    var events: [AuditEvent] = []
    var closing = false
    var closed = false
  }

  /// The open segment; only touched with the `output` lock held.
  struct Output {
    var fd: Int32 = -1
    var name = ""
    var opened = Date()
    var bytes = 0
    var records = 0
    var oldest: Date?
    var newest: Date?
    /// Serialized records not yet written: one `write` per drain, not per event.
    var pending: [UInt8] = []
    /// The SHA-256 of everything written to the segment so far, for its digest.
    var hash = SHA256()
    var nextSequence = 1
    var lastSync = ContinuousClock.now
  }

  /// Opens the trail in `files`, completing whatever a crash left open, and starts the writer.
  public init(files: TrailFiles, options: Options = Options()) throws {
    self.files = files
    self.options = options
    try FileManager.default.createDirectory(at: files.segments, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: files.digests, withIntermediateDirectories: true)
    signingKey = try files.signingKey()
    var output = Output()
    let segments = files.segmentNames()
    output.nextSequence = (segments.last.flatMap(TrailFiles.sequence) ?? 0) + 1
    self.output = Mutex(output)
    try recoverOpenSegments(segments)
    let thread = Thread { [self] in run() }
    thread.name = "portcullis-trail"
    thread.start()
  }

  /// Adds `observer`, called with every record after it is queued for the disk.
  public func observe(_ observer: @escaping @Sendable (TrailJSON) -> Void) {
    observers.withLock { $0.append(observer) }
  }

  /// Queues one event. Never blocks on I/O.
  public func record(_ event: AuditEvent) {
    queue.withLock { q in
      if !q.closed { q.events.append(event) }
    }
  }

  /// Writes everything queued so far to the open segment (for readers that must see it now).
  public func flush() {
    drain(sync: false)
  }

  /// Writes what is queued, closes and digests the open segment, and stops the writer.
  public func shutdown() {
    let first = queue.withLock { q -> Bool in
      defer { q.closing = true }
      return !q.closing
    }
    guard first else { return }
    stopped.wait()
  }

  // MARK: the writer thread

  private func run() {
    while true {
      let closing = queue.withLock { $0.closing }
      drain(sync: true)
      if closing {
        output.withLock { closeSegment(&$0) }
        queue.withLock { $0.closed = true }
        stopped.signal()
        return
      }
      let interval = options.flushInterval.components
      Thread.sleep(forTimeInterval: Double(interval.seconds) + Double(interval.attoseconds) / 1e18)
    }
  }

  private func drain(sync: Bool) {
    let events = queue.withLock { q -> [AuditEvent] in
      defer { q.events.removeAll(keepingCapacity: true) }
      return q.events
    }
    let watchers = events.isEmpty ? [] : observers.withLock { $0 }
    output.withLock { out in
      for event in events {
        let record = event.record
        for watch in watchers { watch(record) }
        if out.fd >= 0, out.bytes >= options.segmentBytes || event.eventTime.timeIntervalSince(out.opened) >= options.segmentSeconds {
          closeSegment(&out)
        }
        if out.fd < 0 { openSegment(&out, at: event.eventTime) }
        let start = out.pending.count
        out.pending.append(contentsOf: out.records == 0 ? [0x0A] : [0x0A, UInt8(ascii: ",")])
        record.write(to: &out.pending)
        out.bytes += out.pending.count - start
        if out.oldest == nil { out.oldest = event.eventTime }
        out.newest = event.eventTime
        out.records += 1
      }
      writePending(&out)
      if sync && out.fd >= 0 && ContinuousClock.now - out.lastSync >= .seconds(1) {
        fsync(out.fd)
        out.lastSync = .now
      }
    }
  }

  private func append(_ text: String, _ out: inout Output) {
    let start = out.pending.count
    out.pending.append(contentsOf: text.utf8)
    out.bytes += out.pending.count - start
  }

  private func writePending(_ out: inout Output) {
    guard out.fd >= 0, !out.pending.isEmpty else { return }
    out.pending.withUnsafeBytes { buffer in
      // A failed write (disk full) must not take the server down; the verifier will show the gap.
      try? TrailFiles.writeAll(out.fd, buffer, path: out.name)
    }
    out.hash.update(data: out.pending)
    out.pending.removeAll(keepingCapacity: true)
  }

  private func openSegment(_ out: inout Output, at time: Date) {
    out.name = TrailFiles.segmentName(sequence: out.nextSequence, opened: time)
    out.nextSequence += 1
    out.fd = open(files.segments.appendingPathComponent(out.name).path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    out.opened = time
    out.bytes = 0
    out.hash = SHA256()
    out.records = 0
    out.oldest = nil
    out.newest = nil
    if out.fd >= 0 { append(#"{"Records":["#, &out) }
  }

  private func closeSegment(_ out: inout Output) {
    guard out.fd >= 0 else { return }
    append("\n]}\n", &out)
    writePending(&out)
    fsync(out.fd)
    close(out.fd)
    out.fd = -1
    try? writeDigest(
      segment: out.name, hash: TrailFiles.hex(out.hash.finalize()), records: out.records, oldest: out.oldest.map(AuditEvent.timestamp),
      newest: out.newest.map(AuditEvent.timestamp))
  }

  // MARK: digests

  /// Writes the digest of a closed segment, chained to the newest digest so far.
  func writeDigest(segment: String, hash: String? = nil, records: Int, oldest: String?, newest: String?) throws {
    let segmentHash = try hash ?? TrailFiles.hex(SHA256.hash(data: Data(contentsOf: files.segments.appendingPathComponent(segment))))
    let previousName = files.digestNames().last
    var previousHash: String?
    var previousSignature: String?
    if let previousName {
      let previous = try Data(contentsOf: files.digests.appendingPathComponent(previousName))
      previousHash = TrailFiles.hex(SHA256.hash(data: previous))
      previousSignature = try? String(contentsOf: files.digests.appendingPathComponent(previousName + ".sig"), encoding: .utf8)
    }
    let digest = TrailJSON.object([
      "digestTime": .string(AuditEvent.timestamp(Date())),
      "segmentFile": .string(segment),
      "hashAlgorithm": .string("SHA-256"),
      "hashValue": .string(segmentHash),
      "recordCount": .int(Int64(records)),
      "oldestEventTime": oldest.map(TrailJSON.string) ?? .null,
      "newestEventTime": newest.map(TrailJSON.string) ?? .null,
      "previousDigestFile": previousName.map(TrailJSON.string) ?? .null,
      "previousDigestHashValue": previousHash.map(TrailJSON.string) ?? .null,
      "previousDigestSignature": previousSignature.map(TrailJSON.string) ?? .null,
      "digestPublicKeyFingerprint": .string(TrailFiles.fingerprint(signingKey.publicKey)),
      "digestSignatureAlgorithm": .string("Ed25519"),
    ])
    let bytes = Data((digest.serialized + "\n").utf8)
    let signature = try signingKey.signature(for: bytes)
    let url = files.digests.appendingPathComponent(segment)
    try TrailFiles.writeAtomically(Data(signature.base64EncodedString().utf8), to: URL(fileURLWithPath: url.path + ".sig"), mode: 0o644)
    try TrailFiles.writeAtomically(bytes, to: url, mode: 0o644)
  }

  // MARK: recovery

  /// Completes segments a crash left without their closing line, keeping every whole record,
  /// and digests segments that have none.
  private func recoverOpenSegments(_ segments: [String]) throws {
    let digested = Set(files.digestNames())
    for name in segments where !digested.contains(name) {
      let url = files.segments.appendingPathComponent(name)
      let data = try Data(contentsOf: url)
      let reading = TrailSegment.read(Array(data))
      if !reading.complete {
        var text = #"{"Records":["#
        for (i, record) in reading.records.enumerated() {
          text += i == 0 ? "\n" : "\n,"
          record.write(to: &text)
        }
        text += "\n]}\n"
        try TrailFiles.writeAtomically(Data(text.utf8), to: url, mode: 0o600)
      }
      let times = reading.records.compactMap { $0["eventTime"]?.stringValue }
      try writeDigest(segment: name, records: reading.records.count, oldest: times.first, newest: times.last)
    }
  }
}
