import Foundation

/// Reads CloudTrail log files (`{"Records": [...]}`) and keeps, per principal, the time of its
/// latest event: IAM users and access keys by their own ARN / id, role sessions by the role's
/// ARN (the session issuer).
public enum CloudTrailReader {
  /// The latest activity per ARN or access key id found in `urls` (files or folders, searched
  /// recursively for `.json` and `.json.gz`), and notes about files that could not be read.
  public static func lastActivity(in urls: [URL]) -> (activity: [String: Date], notes: [String]) {
    var activity: [String: Date] = [:]
    var notes: [String] = []
    for file in files(in: urls) {
      let data: Data?
      if file.pathExtension == "gz" {
        data = gunzip(file)
        if data == nil { notes.append("skipped \(file.path): could not decompress it (needs `gzip` on PATH)") }
      } else {
        data = try? Data(contentsOf: file)
      }
      guard let data else { continue }
      guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let records = object["Records"] as? [[String: Any]]
      else {
        notes.append("skipped \(file.path): not a CloudTrail log file (no `Records` array)")
        continue
      }
      for record in records {
        guard let time = (record["eventTime"] as? String).flatMap(parseAWSDate),
          let identity = record["userIdentity"] as? [String: Any]
        else { continue }
        var keys: [String] = []
        if let session = identity["sessionContext"] as? [String: Any],
          let issuer = session["sessionIssuer"] as? [String: Any], let arn = issuer["arn"] as? String
        {
          keys.append(arn)
        } else if let arn = identity["arn"] as? String {
          keys.append(arn)
        }
        if let key = identity["accessKeyId"] as? String, key.hasPrefix("AKIA") { keys.append(key) }
        for k in keys where (activity[k] ?? .distantPast) < time { activity[k] = time }
      }
    }
    return (activity, notes)
  }

  static func files(in urls: [URL]) -> [URL] {
    var out: [URL] = []
    for url in urls {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
      if !isDirectory.boolValue {
        out.append(url)
        continue
      }
      let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
      while let next = walker?.nextObject() as? URL {
        let name = next.lastPathComponent
        if name.hasSuffix(".json") || name.hasSuffix(".json.gz") { out.append(next) }
      }
    }
    return out.sorted { $0.path < $1.path }
  }

  /// Decompresses a gzip file with the system's `gzip` (Foundation on Linux has no inflater).
  static func gunzip(_ url: URL) -> Data? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-dc", url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? data : nil
  }
}
