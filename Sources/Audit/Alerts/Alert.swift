import Foundation

/// One firing of a rule: what every sink receives.
public struct Alert: Sendable {
  /// Unique per alert, so a webhook receiver can drop the duplicate a retry may cause.
  public var id: String
  public var ruleID: String
  public var title: String
  public var severity: AlertSeverity
  /// When the alert fired (the event's time when it has one).
  public var time: Date
  /// The event that matched (for a threshold rule, the one that crossed the threshold).
  public var event: TrailJSON
  /// For a threshold rule: the group's value, the count reached and the window.
  public var group: String?
  public var count: Int?
  public var windowSeconds: Int?

  public init(
    id: String = UUID().uuidString.lowercased(), ruleID: String, title: String, severity: AlertSeverity, time: Date,
    event: TrailJSON, group: String? = nil, count: Int? = nil, windowSeconds: Int? = nil
  ) {
    self.id = id
    self.ruleID = ruleID
    self.title = title
    self.severity = severity
    self.time = time
    self.event = event
    self.group = group
    self.count = count
    self.windowSeconds = windowSeconds
  }

  /// The alert's own members (without the event).
  public var alertJSON: TrailJSON {
    .object([
      "alertId": .string(id), "ruleId": .string(ruleID), "title": .string(title), "severity": .string(severity.rawValue),
      "time": .string(AuditEvent.timestamp(time)), "group": group.map(TrailJSON.string),
      "count": count.map { .int(Int64($0)) }, "windowSeconds": windowSeconds.map { .int(Int64($0)) },
    ])
  }

  /// `{"alert": {…}, "event": {…}}`: one line of `alerts.jsonl` and the body of a webhook call.
  public var record: TrailJSON {
    .object(["alert": alertJSON, "event": event])
  }

  /// One line for a log: rule, severity, who, what, from where.
  public var summary: String {
    var parts = ["alert \(ruleID) (\(severity.rawValue)): \(title)"]
    if let name = event["eventName"]?.stringValue { parts.append("event=\(name)") }
    if let arn = event["userIdentity"]?["arn"]?.stringValue { parts.append("principal=\(arn)") }
    if let ip = event["sourceIPAddress"]?.stringValue { parts.append("source=\(ip)") }
    if let count, let windowSeconds { parts.append("count=\(count) in \(windowSeconds)s") }
    if let group { parts.append("group=\(group)") }
    return parts.joined(separator: " ")
  }
}
