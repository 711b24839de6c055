import Crypto
import Foundation

/// Checks a trail as `aws cloudtrail validate-logs` checks CloudTrail's: every digest's
/// signature, the chain from each digest to the one before it, and every segment against the
/// hash its digest recorded.
public enum TrailVerifier {
  /// One thing wrong with the trail, naming the file.
  public enum Problem: Sendable, Equatable, CustomStringConvertible {
    /// The segment's bytes differ from those its digest recorded (edited, truncated, or swapped).
    case modified(segment: String)
    /// A digest names a segment that is not there.
    case deleted(segment: String)
    /// A segment no digest names, other than the open one at the end.
    case inserted(segment: String)
    /// A digest whose signature does not verify with the trail's public key.
    case invalidSignature(digest: String)
    /// A digest that does not chain to the digest before it (one removed, reordered or replaced).
    case brokenChain(digest: String, expectedPrevious: String?)

    public var description: String {
      switch self {
      case .modified(let s): "segment \(s) was modified: its SHA-256 differs from its digest"
      case .deleted(let s): "segment \(s) was deleted: its digest names it but the file is missing"
      case .inserted(let s): "segment \(s) was inserted: no digest names it"
      case .invalidSignature(let d): "digest \(d) has an invalid signature"
      case .brokenChain(let d, let p):
        "digest \(d) does not chain to the previous digest (it names \(p ?? "none")): a digest was removed, reordered or replaced"
      }
    }
  }

  public struct Report: Sendable {
    public var problems: [Problem] = []
    public var digestsChecked = 0
    public var segmentsChecked = 0
    public var recordsChecked = 0
    /// The newest event time the last valid digest covers: the trail is proven up to here.
    public var provenUntil: String?
    public var lastDigest: String?
    /// A segment still being written (the server is running), with its record count so far.
    public var openSegment: (name: String, records: Int)?
    public var isValid: Bool { problems.isEmpty }
  }

  public static func verify(_ files: TrailFiles) throws -> Report {
    var report = Report()
    let key = try files.publicKey()
    let digests = files.digestNames()
    let segmentNames = files.segmentNames()
    let segments = Set(segmentNames)
    var named = Set<String>()
    var previous: (name: String, hash: String)?
    for name in digests {
      report.digestsChecked += 1
      let url = files.digests.appendingPathComponent(name)
      guard let bytes = try? Data(contentsOf: url) else { continue }
      let signatureText = (try? String(contentsOf: URL(fileURLWithPath: url.path + ".sig"), encoding: .utf8)) ?? ""
      let signature = Data(base64Encoded: signatureText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? Data()
      let hash = TrailFiles.hex(SHA256.hash(data: bytes))
      defer { previous = (name, hash) }
      let parsed = try? TrailJSON.parse(Array(bytes))
      guard key.isValidSignature(signature, for: bytes), let digest = parsed else {
        report.problems.append(.invalidSignature(digest: name))
        // Its segment is unproven rather than inserted: the signature problem already says so.
        if let segment = parsed?["segmentFile"]?.stringValue { named.insert(segment) }
        continue
      }
      let namedPrevious = digest["previousDigestFile"]?.stringValue
      if namedPrevious != previous?.name || digest["previousDigestHashValue"]?.stringValue != previous?.hash {
        report.problems.append(.brokenChain(digest: name, expectedPrevious: namedPrevious))
      }
      guard let segment = digest["segmentFile"]?.stringValue else { continue }
      named.insert(segment)
      guard segments.contains(segment), let data = try? Data(contentsOf: files.segments.appendingPathComponent(segment))
      else {
        report.problems.append(.deleted(segment: segment))
        continue
      }
      report.segmentsChecked += 1
      if TrailFiles.hex(SHA256.hash(data: data)) != digest["hashValue"]?.stringValue {
        report.problems.append(.modified(segment: segment))
        continue
      }
      if case .int(let n) = digest["recordCount"] { report.recordsChecked += Int(n) }
      report.provenUntil = digest["newestEventTime"]?.stringValue ?? report.provenUntil
      report.lastDigest = name
    }
    for (i, name) in segmentNames.enumerated() where !named.contains(name) {
      let data = (try? Data(contentsOf: files.segments.appendingPathComponent(name))) ?? Data()
      let reading = TrailSegment.read(Array(data))
      if i == segmentNames.count - 1 && !reading.complete {
        report.openSegment = (name, reading.records.count)
      } else {
        report.problems.append(.inserted(segment: name))
      }
    }
    return report
  }
}
