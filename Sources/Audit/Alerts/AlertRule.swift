/// How loud an alert is; webhooks can ask for a minimum.
public enum AlertSeverity: String, Sendable, CaseIterable, Comparable {
  case low, medium, high, critical

  var rank: Int { Self.allCases.firstIndex(of: self)! }

  public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a.rank < b.rank }
}

/// "At least `count` matching events within `windowSeconds`, counted per `groupBy`": turns a
/// pattern that is normal once (a failed sign-in, one `AccessDenied`) into a burst worth waking
/// someone for. Without `groupBy`, all matching events count together.
public struct AlertThreshold: Sendable, Equatable {
  public var count: Int
  public var windowSeconds: Int
  public var groupBy: JSONSelector?

  public init(count: Int, windowSeconds: Int, groupBy: JSONSelector? = nil) {
    self.count = count
    self.windowSeconds = windowSeconds
    self.groupBy = groupBy
  }
}

/// One alert rule: a filter pattern over trail events, and optionally a threshold and a
/// time-of-day condition.
public struct AlertRule: Sendable {
  /// Stable, kebab-case: what a rules file silences or replaces.
  public var id: String
  public var title: String
  public var severity: AlertSeverity
  public var pattern: FilterPattern
  public var threshold: AlertThreshold?
  /// When true, the rule only fires for events outside the configured business hours.
  public var outsideBusinessHours: Bool
  /// Why the rule matters, for the reader of the alert.
  public var description: String?

  public init(
    id: String, title: String, severity: AlertSeverity, pattern: FilterPattern, threshold: AlertThreshold? = nil,
    outsideBusinessHours: Bool = false, description: String? = nil
  ) {
    self.id = id
    self.title = title
    self.severity = severity
    self.pattern = pattern
    self.threshold = threshold
    self.outsideBusinessHours = outsideBusinessHours
    self.description = description
  }
}
