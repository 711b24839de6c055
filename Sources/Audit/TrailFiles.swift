import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the trail lives in a data directory, and how its files are named.
///
/// ```
/// trail/
///   segments/00000001-20261126T120000Z.json   {"Records":[...]} — one record per line
///   digests/00000001-20261126T120000Z.json    the segment's SHA-256, chained to the previous digest
///   digests/00000001-20261126T120000Z.json.sig  Ed25519 signature of the digest file's bytes
///   signing.key (0600) / signing.pub            the server's digest key pair (raw, base64)
/// ```
/// Names start with a sequence number, so listing order is trail order.
public struct TrailFiles: Sendable {
  public let root: URL

  public init(dataDirectory: String) {
    root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("trail")
  }

  public init(root: URL) {
    self.root = root
  }

  public var segments: URL { root.appendingPathComponent("segments") }
  public var digests: URL { root.appendingPathComponent("digests") }
  public var privateKeyFile: URL { root.appendingPathComponent("signing.key") }
  public var publicKeyFile: URL { root.appendingPathComponent("signing.pub") }

  /// Segment file names in trail order.
  public func segmentNames() -> [String] {
    names(in: segments).filter { $0.hasSuffix(".json") }
  }

  /// Digest file names in trail order.
  public func digestNames() -> [String] {
    names(in: digests).filter { $0.hasSuffix(".json") }
  }

  func names(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  /// The sequence number a file name starts with.
  static func sequence(of name: String) -> Int? {
    Int(name.prefix { $0 != "-" })
  }

  static func segmentName(sequence: Int, opened: Date) -> String {
    let s = String(sequence)
    let stamp = AuditEvent.timestamp(opened).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    return String(repeating: "0", count: max(0, 8 - s.count)) + s + "-" + stamp + ".json"
  }

  /// The digest key pair, created (0600) on first use.
  public func signingKey() throws -> Curve25519.Signing.PrivateKey {
    if let text = try? String(contentsOf: privateKeyFile, encoding: .utf8),
      let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
      return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }
    let key = Curve25519.Signing.PrivateKey()
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    try TrailFiles.writeAtomically(Data(key.rawRepresentation.base64EncodedString().utf8), to: privateKeyFile, mode: 0o600)
    try TrailFiles.writeAtomically(Data(key.publicKey.rawRepresentation.base64EncodedString().utf8), to: publicKeyFile, mode: 0o644)
    return key
  }

  /// The public key digests are verified with.
  public func publicKey() throws -> Curve25519.Signing.PublicKey {
    let text = try String(contentsOf: publicKeyFile, encoding: .utf8)
    guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw TrailError("\(publicKeyFile.path) is not a base64 Ed25519 public key")
    }
    return try Curve25519.Signing.PublicKey(rawRepresentation: raw)
  }

  static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
    hex(SHA256.hash(data: key.rawRepresentation))
  }

  static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
    let digits = Array("0123456789abcdef")
    var out = ""
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return out
  }

  /// Writes `data` to a temporary file, syncs it and renames it over `url`.
  static func writeAtomically(_ data: Data, to url: URL, mode: mode_t) throws {
    let temporary = url.path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard fd >= 0 else { throw TrailError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    try data.withUnsafeBytes { buffer in try writeAll(fd, buffer, path: temporary) }
    fsync(fd)
    guard rename(temporary, url.path) == 0 else { throw TrailError("cannot rename \(temporary): \(String(cString: strerror(errno)))") }
  }

  static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
    var offset = 0
    while offset < buffer.count {
      let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw TrailError("cannot write \(path): \(String(cString: strerror(errno)))")
      }
      offset += n
    }
  }
}

/// A trail file could not be read or written.
public struct TrailError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
