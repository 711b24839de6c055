import Foundation

/// One API call as a CloudTrail record describes it, reduced to what policy generation needs.
public struct TrailCall: Sendable, Equatable {
  public var time: Date
  /// The caller's ARN as the trail names it (`arn:aws:sts::…:assumed-role/R/s` for sessions).
  public var callerARN: String
  /// The IAM user or role the call's permissions came from: the session issuer for role
  /// sessions, otherwise the caller.
  public var principalARN: String
  /// `iam.amazonaws.com`…
  public var eventSource: String
  public var eventName: String
  public var region: String
  /// The account the call was made in (`recipientAccountId`, else the caller's account).
  public var account: String
  /// Request parameters whose values are strings (CloudTrail's lower camel case keys).
  public var parameters: [String: String]
  /// `nil` for a call that succeeded.
  public var errorCode: String?

  public var succeeded: Bool { errorCode == nil }
}

/// Reads CloudTrail log files and Portcullis trail segments into `TrailCall`s.
///
/// A Portcullis segment is a `{"Records":[...]}` document with one record per line; the segment
/// being written (or one a crash cut short) lacks its closing line, so a file that does not parse
/// as a whole is read line by line, as `TrailSegment` does.
public enum TrailCallReader {
  /// The calls recorded in `urls` (files or folders, searched recursively for `.json` and
  /// `.json.gz`), in time order, and notes about files that could not be read. Digest files and
  /// other JSON without records are skipped quietly.
  public static func calls(in urls: [URL]) -> (calls: [TrailCall], notes: [String]) {
    var calls: [TrailCall] = []
    var notes: [String] = []
    for file in CloudTrailReader.files(in: urls) {
      let data: Data?
      if file.pathExtension == "gz" {
        data = CloudTrailReader.gunzip(file)
        if data == nil { notes.append("skipped \(file.path): could not decompress it (needs `gzip` on PATH)") }
      } else {
        data = try? Data(contentsOf: file)
      }
      guard let data else { continue }
      for record in records(in: data) {
        if let call = call(from: record) { calls.append(call) }
      }
    }
    calls.sort { $0.time < $1.time }
    return (calls, notes)
  }

  /// The latest activity per principal ARN (roles for their sessions; access keys are not kept),
  /// like `CloudTrailReader.lastActivity`, but also reading Portcullis segments cut short (the one
  /// being written): `portcullis analyze --data-dir` can pass `DIR/trail/segments`.
  public static func lastActivity(in urls: [URL]) -> (activity: [String: Date], notes: [String]) {
    var activity: [String: Date] = [:]
    let (calls, notes) = calls(in: urls)
    for call in calls {
      if (activity[call.principalARN] ?? .distantPast) < call.time { activity[call.principalARN] = call.time }
    }
    return (activity, notes)
  }

  /// The records of a whole log file, or of the complete lines of a cut-short segment.
  static func records(in data: Data) -> [[String: Any]] {
    if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
      return object["Records"] as? [[String: Any]] ?? []
    }
    var out: [[String: Any]] = []
    for line in data.split(separator: UInt8(ascii: "\n")) {
      var slice = line[...]
      while let f = slice.first, f == UInt8(ascii: ",") || f == UInt8(ascii: " ") { slice = slice.dropFirst() }
      while let l = slice.last, l == UInt8(ascii: ",") || l == UInt8(ascii: "\r") { slice = slice.dropLast() }
      guard slice.first == UInt8(ascii: "{"),
        let record = try? JSONSerialization.jsonObject(with: Data(slice)) as? [String: Any],
        record["eventName"] != nil
      else { continue }
      out.append(record)
    }
    return out
  }

  static func call(from record: [String: Any]) -> TrailCall? {
    guard let time = (record["eventTime"] as? String).flatMap(parseAWSDate),
      let source = record["eventSource"] as? String, let name = record["eventName"] as? String,
      let identity = record["userIdentity"] as? [String: Any]
    else { return nil }
    let caller = identity["arn"] as? String ?? ""
    var principal = caller
    if let session = identity["sessionContext"] as? [String: Any],
      let issuer = session["sessionIssuer"] as? [String: Any], let arn = issuer["arn"] as? String
    {
      principal = arn
    } else if caller.contains(":assumed-role/") {
      principal = roleARN(fromSession: caller) ?? caller
    }
    var parameters: [String: String] = [:]
    for (k, v) in record["requestParameters"] as? [String: Any] ?? [:] {
      if let s = v as? String { parameters[k] = s }
    }
    let account = record["recipientAccountId"] as? String ?? identity["accountId"] as? String
      ?? caller.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init) ?? ""
    let error = record["errorCode"] as? String
    return TrailCall(
      time: time, callerARN: caller, principalARN: principal, eventSource: source, eventName: name,
      region: record["awsRegion"] as? String ?? "", account: account, parameters: parameters,
      errorCode: (error?.isEmpty ?? true) ? nil : error)
  }

  /// `arn:aws:sts::A:assumed-role/R/s` → `arn:aws:iam::A:role/R` (the path is not in a session
  /// ARN; trails that carry `sessionIssuer` never need this).
  static func roleARN(fromSession arn: String) -> String? {
    let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    guard parts.count == 6 else { return nil }
    let resource = parts[5].split(separator: "/")
    guard resource.count >= 2, resource[0] == "assumed-role" else { return nil }
    return "arn:\(parts[1]):iam::\(parts[4]):role/\(resource[1])"
  }
}
