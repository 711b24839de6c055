import Foundation
import Synchronization

/// Runs the alert rules over every trail event and hands matches to the sinks.
///
/// `observe` is what the trail calls for each event, on the request path: it matches the
/// precompiled patterns (a walk over the event), updates the threshold counters under one short
/// lock, and enqueues any alert on each sink's bounded queue. Nothing in it waits on I/O.
/// `shutdown` drains the queues, so alerts of a clean shutdown are delivered.
public final class AlertEngine: Sendable {
  public let configuration: AlertConfiguration
  let queues: [AlertQueue]
  let clock: @Sendable () -> Date
  private let counters: Mutex<ThresholdCounters>
  private let firedCount = Atomic<Int>(0)

  /// - Parameter clock: the time of an event without a readable `eventTime`.
  public init(
    configuration: AlertConfiguration, sinks: [any AlertSink], clock: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.configuration = configuration
    queues = sinks.map(AlertQueue.init(sink:))
    self.clock = clock
    counters = Mutex(ThresholdCounters(ruleCount: configuration.rules.count))
  }

  /// The server's setup: the log closure, `<data-dir>/alerts.jsonl`, and the configured webhooks.
  public convenience init(
    configuration: AlertConfiguration, dataDirectory: String, log: @escaping @Sendable (Alert) -> Void,
    transport: any WebhookTransport = URLSessionWebhookTransport()
  ) {
    var sinks: [any AlertSink] = [
      LogAlertSink(log),
      JSONLinesAlertSink(path: (dataDirectory as NSString).appendingPathComponent(JSONLinesAlertSink.fileName)),
    ]
    for hook in configuration.webhooks { sinks.append(WebhookAlertSink(configuration: hook, transport: transport)) }
    self.init(configuration: configuration, sinks: sinks)
  }

  /// Alerts fired since start.
  public var alertsFired: Int { firedCount.load(ordering: .relaxed) }
  /// Alerts dropped by full sink queues since start.
  public var alertsDropped: Int { queues.reduce(0) { $0 + $1.dropped } }

  /// Evaluates every rule against one event; returns the alerts it fired (already queued for
  /// the sinks). Safe to call from any thread.
  @discardableResult
  public func observe(_ event: TrailJSON) -> [Alert] {
    var fired: [Alert] = []
    var time: Date?
    for (index, rule) in configuration.rules.enumerated() where rule.pattern.matches(event) {
      let when = time ?? event["eventTime"]?.stringValue.flatMap(AuditEvent.parseTimestamp) ?? clock()
      time = when
      if rule.outsideBusinessHours && configuration.businessHours.contains(when) { continue }
      guard let threshold = rule.threshold else {
        fired.append(Alert(ruleID: rule.id, title: rule.title, severity: rule.severity, time: when, event: event))
        continue
      }
      let group = threshold.groupBy?.groupKey(in: event) ?? ""
      let reached = counters.withLock { $0.record(rule: index, group: group, time: when, threshold: threshold) }
      guard let count = reached else { continue }
      fired.append(
        Alert(
          ruleID: rule.id, title: rule.title, severity: rule.severity, time: when, event: event,
          group: threshold.groupBy == nil ? nil : group, count: count, windowSeconds: threshold.windowSeconds))
    }
    if !fired.isEmpty {
      firedCount.add(fired.count, ordering: .relaxed)
      for alert in fired {
        for queue in queues { queue.enqueue(alert) }
      }
    }
    return fired
  }

  /// Stops the sinks after delivering what is queued; waits at most `timeout` (then pending
  /// webhook retries are abandoned).
  public func shutdown(timeout: Duration = .seconds(10)) async {
    await withTaskGroup(of: Void.self) { group in
      for queue in queues {
        group.addTask { await queue.finish(timeout: timeout) }
      }
    }
  }
}

/// Recent match times per rule and group, for threshold rules.
///
/// Memory is bounded: a rule keeps at most `maxGroups` groups (stale ones are pruned first, then
/// the oldest), and a group at most `count` times. When a group reaches its count the alert fires
/// and the group starts again, so a sustained burst alerts once per `count` events, not once per
/// event.
struct ThresholdCounters {
  var groups: [[String: [TimeInterval]]]
  static let maxGroups = 10_000

  init(ruleCount: Int) {
    groups = Array(repeating: [:], count: ruleCount)
  }

  /// Records a match; returns the count reached when it crosses the threshold.
  mutating func record(rule: Int, group: String, time: Date, threshold: AlertThreshold) -> Int? {
    let now = time.timeIntervalSince1970
    let cutoff = now - TimeInterval(threshold.windowSeconds)
    var times = groups[rule][group] ?? []
    times.removeAll { $0 <= cutoff }
    times.append(now)
    if times.count >= threshold.count {
      groups[rule][group] = nil
      return times.count
    }
    groups[rule][group] = times
    if groups[rule].count > Self.maxGroups {
      groups[rule] = groups[rule].filter { $0.value.contains { $0 > cutoff } }
      while groups[rule].count > Self.maxGroups {
        let oldest = groups[rule].min { ($0.value.last ?? 0) < ($1.value.last ?? 0) }!.key
        groups[rule][oldest] = nil
      }
    }
    return nil
  }
}
