import Prometheus
import Synchronization

/// The server's Prometheus metrics: requests by operation and status, latency by operation,
/// and authorization decisions by outcome.
///
/// The registry hands back the same instrument for the same name and labels, but finding it
/// costs a descriptor, a label array and a locked lookup; the instruments are therefore kept
/// here by their labels once made, and a request only increments them.
public final class ServerMetrics: Sendable {
  public let registry = PrometheusCollectorRegistry()

  private struct RequestKey: Hashable {
    let operation: String
    let status: Int
  }

  private let requestCounters = Mutex<[RequestKey: Counter]>([:])
  private let durationHistograms = Mutex<[String: DurationHistogram]>([:])
  private let decisionCounters = Mutex<[String: Counter]>([:])

  public init() {}

  func requestFinished(operation: String, status: Int, seconds: Double) {
    requestCounter(operation: operation, status: status).increment()
    durationHistogram(operation: operation).recordNanoseconds(Int64(seconds * 1e9))
  }

  func authorization(outcome: String) {
    if let counter = decisionCounters.withLock({ $0[outcome] }) {
      counter.increment()
      return
    }
    let counter = registry.makeCounter(
      descriptor: MetricNameDescriptor(
        namespace: "portcullis", metricName: "authorization_decisions", unitName: "total",
        helpText: "Authorization decisions by outcome"),
      labels: [("outcome", outcome)]
    )
    decisionCounters.withLock { $0[outcome] = counter }
    counter.increment()
  }

  private func requestCounter(operation: String, status: Int) -> Counter {
    let key = RequestKey(operation: operation, status: status)
    if let counter = requestCounters.withLock({ $0[key] }) { return counter }
    // Made outside the lock; the registry returns the same instrument to concurrent makers.
    let counter = registry.makeCounter(
      descriptor: MetricNameDescriptor(
        namespace: "portcullis", metricName: "requests", unitName: "total", helpText: "API requests by operation and status"),
      labels: [("operation", operation), ("status", String(status))]
    )
    requestCounters.withLock { $0[key] = counter }
    return counter
  }

  private func durationHistogram(operation: String) -> DurationHistogram {
    if let histogram = durationHistograms.withLock({ $0[operation] }) { return histogram }
    let histogram = registry.makeDurationHistogram(
      descriptor: MetricNameDescriptor(
        namespace: "portcullis", metricName: "request_duration", unitName: "seconds", helpText: "API request latency"),
      labels: [("operation", operation)],
      buckets: [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
                .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1)]
    )
    durationHistograms.withLock { $0[operation] = histogram }
    return histogram
  }
}
