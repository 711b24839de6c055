import AWSWire
import Audit
import Directory
import Foundation

/// CloudTrail's `LookupEvents` over Portcullis's own trail (JSON 1.1,
/// `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`), so
/// `aws cloudtrail lookup-events --endpoint-url …` answers "who did what".
///
/// A caller sees the events recorded for its own account (`recipientAccountId`), as on AWS,
/// where each account's event history is its own.
public final class CloudTrailService: Sendable {
  public let directory: Directory
  public let authorizer: Authorizer
  /// `nil` when the server keeps no trail (in memory, or turned off).
  public let trail: TrailWriter?

  public init(directory: Directory, authorizer: Authorizer, trail: TrailWriter?) {
    self.directory = directory
    self.authorizer = authorizer
    self.trail = trail
  }

  public static let operations = ["LookupEvents"]

  public func handle(_ operation: String, input: ModelValue, caller: Caller) throws(AWSError) -> ModelValue {
    guard operation == "LookupEvents" else {
      throw AWSError(code: "UnsupportedOperationException", message: "The operation \(operation) is not supported by this endpoint.", status: 400)
    }
    return try lookupEvents(input, caller)
  }

  static func error(_ code: String, _ message: String) -> AWSError {
    AWSError(code: code, message: message, status: 400)
  }

  func lookupEvents(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    try authorizer.authorize(caller, action: "cloudtrail:LookupEvents", resource: "*", snapshot: directory.snapshot)
    var query = TrailQuery()
    let attributes = input[member: "LookupAttributes"]?.listValue ?? []
    if attributes.count > 1 {
      throw Self.error("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
    }
    if let attribute = attributes.first {
      let key = attribute[member: "AttributeKey"]?.stringValue ?? ""
      let value = attribute[member: "AttributeValue"]?.stringValue ?? ""
      guard TrailQuery.attributeKeys.contains(key) else {
        throw Self.error("InvalidLookupAttributesException", "Lookup attribute key \(key) is not valid.")
      }
      query.attribute = (key, value)
    }
    query.startTime = input[member: "StartTime"]?.timestampValue
    query.endTime = input[member: "EndTime"]?.timestampValue
    if let start = query.startTime, let end = query.endTime, start > end {
      throw Self.error("InvalidTimeRangeException", "Start time must be before end time.")
    }
    let maxResults = Int(input[member: "MaxResults"]?.integerValue ?? 50)
    guard (1...50).contains(maxResults) else {
      throw Self.error("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
    }
    var skip = 0
    if let token = input[member: "NextToken"]?.stringValue {
      guard let decoded = Self.decodeToken(token, query: query, account: caller.accountID) else {
        throw Self.error("InvalidNextTokenException", "Invalid NextToken.")
      }
      skip = decoded
    }
    guard let trail else {
      return .structure(["Events": .list([])])
    }
    trail.flush()
    let account = caller.accountID
    let found = trail.files.lookup(query, skip: skip, limit: maxResults) { record in
      record["recipientAccountId"]?.stringValue == account
    }
    var output: [String: ModelValue] = ["Events": .list(found.records.map(Self.event))]
    if found.more {
      output["NextToken"] = .string(Self.encodeToken(skip: skip + found.records.count, query: query, account: account))
    }
    return .structure(output)
  }

  static func event(_ record: TrailJSON) -> ModelValue {
    let view = TrailEventView(record)
    var e: [String: ModelValue] = [
      "CloudTrailEvent": .string(record.serialized),
      "ReadOnly": .string(record["readOnly"] == .bool(true) ? "true" : "false"),
      "Resources": .list(
        view.resources.map { .structure(["ResourceType": .string($0.type), "ResourceName": .string($0.name)]) }),
    ]
    if let id = record["eventID"]?.stringValue { e["EventId"] = .string(id) }
    if let name = record["eventName"]?.stringValue { e["EventName"] = .string(name) }
    if let source = record["eventSource"]?.stringValue { e["EventSource"] = .string(source) }
    if let key = record["userIdentity"]?["accessKeyId"]?.stringValue { e["AccessKeyId"] = .string(key) }
    if let user = view.userName { e["Username"] = .string(user) }
    if let time = record["eventTime"]?.stringValue.flatMap(AuditEvent.parseTimestamp) { e["EventTime"] = .timestamp(time) }
    return .structure(e)
  }

  /// The token names how many matches were already returned, for the same query and account.
  static func encodeToken(skip: Int, query: TrailQuery, account: String) -> String {
    Data("\(skip)|\(fingerprint(query, account))".utf8).base64EncodedString()
  }

  static func decodeToken(_ token: String, query: TrailQuery, account: String) -> Int? {
    guard let data = Data(base64Encoded: token) else { return nil }
    let parts = String(decoding: data, as: UTF8.self).split(separator: "|", maxSplits: 1).map(String.init)
    guard parts.count == 2, let skip = Int(parts[0]), skip >= 0, parts[1] == fingerprint(query, account) else { return nil }
    return skip
  }

  static func fingerprint(_ query: TrailQuery, _ account: String) -> String {
    let attribute = query.attribute.map { "\($0.key)=\($0.value)" } ?? ""
    return "\(account);\(attribute);\(query.startTime?.timeIntervalSince1970 ?? 0);\(query.endTime?.timeIntervalSince1970 ?? 0)"
  }
}
