import Foundation

/// Finds events in the trail, newest first, as `LookupEvents` and `portcullis trail lookup` do.
public struct TrailQuery: Sendable {
  /// CloudTrail's lookup attributes: `EventName`, `Username`, `ResourceName`, `ResourceType`,
  /// `AccessKeyId`, `EventSource`, `ReadOnly`, `EventId`.
  public var attribute: (key: String, value: String)?
  public var startTime: Date?
  public var endTime: Date?

  public init(attribute: (key: String, value: String)? = nil, startTime: Date? = nil, endTime: Date? = nil) {
    self.attribute = attribute
    self.startTime = startTime
    self.endTime = endTime
  }

  /// The lookup attribute keys CloudTrail accepts.
  public static let attributeKeys: Set<String> = [
    "EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId",
  ]

  public func matches(_ record: TrailJSON) -> Bool {
    if startTime != nil || endTime != nil {
      guard let time = record["eventTime"]?.stringValue.flatMap(AuditEvent.parseTimestamp) else { return false }
      if let startTime, time < startTime.addingTimeInterval(-0.999) { return false }
      if let endTime, time > endTime { return false }
    }
    guard let (key, value) = attribute else { return true }
    switch key {
    case "EventId": return record["eventID"]?.stringValue == value
    case "EventName": return record["eventName"]?.stringValue == value
    case "EventSource": return record["eventSource"]?.stringValue == value
    case "ReadOnly": return record["readOnly"] == .bool(value == "true")
    case "Username": return TrailEventView(record).userName == value
    case "AccessKeyId": return record["userIdentity"]?["accessKeyId"]?.stringValue == value
    case "ResourceName": return TrailEventView(record).resources.contains { $0.name == value }
    case "ResourceType": return TrailEventView(record).resources.contains { $0.type == value }
    default: return false
    }
  }
}

/// The facts `LookupEvents` reports about a record beyond the record itself.
public struct TrailEventView {
  public let record: TrailJSON

  public init(_ record: TrailJSON) {
    self.record = record
  }

  /// CloudTrail's `Username`: the user name, or the session name of a role session, or `root`.
  public var userName: String? {
    let identity = record["userIdentity"]
    if let name = identity?["userName"]?.stringValue { return name }
    if identity?["type"]?.stringValue == "Root" { return "root" }
    if let arn = identity?["arn"]?.stringValue, arn.contains(":assumed-role/") || arn.contains(":federated-user/") {
      return arn.split(separator: "/").last.map(String.init)
    }
    return nil
  }

  /// The resources a request named, by the IAM/STS parameter that names them.
  public var resources: [(type: String, name: String)] {
    guard case .object(let members) = record["requestParameters"] ?? .null else { return [] }
    let types: [String: String] = [
      "userName": "AWS::IAM::User", "groupName": "AWS::IAM::Group", "roleName": "AWS::IAM::Role",
      "policyArn": "AWS::IAM::Policy", "policyName": "AWS::IAM::Policy", "instanceProfileName": "AWS::IAM::InstanceProfile",
      "accessKeyId": "AWS::IAM::AccessKey", "serialNumber": "AWS::IAM::MFADevice", "roleArn": "AWS::IAM::Role",
      "openIDConnectProviderArn": "AWS::IAM::OIDCProvider", "virtualMFADeviceName": "AWS::IAM::MFADevice",
    ]
    return members.compactMap { member in
      guard let type = types[member.key], let name = member.value.stringValue else { return nil }
      return (type, name)
    }
  }
}

extension TrailFiles {
  /// Records matching `query`, newest first, at most `limit`, skipping the first `skip` matches.
  public func lookup(
    _ query: TrailQuery, skip: Int = 0, limit: Int, where include: (TrailJSON) -> Bool = { _ in true }
  ) -> (records: [TrailJSON], more: Bool) {
    var found: [TrailJSON] = []
    var skipped = 0
    for name in segmentNames().reversed() {
      guard let data = try? Data(contentsOf: segments.appendingPathComponent(name)) else { continue }
      let records = TrailSegment.read(Array(data)).records
      if let startTime = query.startTime, let newest = records.last?["eventTime"]?.stringValue.flatMap(AuditEvent.parseTimestamp),
        newest < startTime.addingTimeInterval(-1)
      {
        break
      }
      for record in records.reversed() where query.matches(record) && include(record) {
        if skipped < skip {
          skipped += 1
          continue
        }
        if found.count == limit { return (found, true) }
        found.append(record)
      }
    }
    return (found, false)
  }
}
