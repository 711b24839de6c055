import Prometheus

/// The server's Prometheus metrics: requests by operation and status, latency by operation,
/// and authorization decisions by outcome.
public final class ServerMetrics: Sendable {
  public let registry = PrometheusCollectorRegistry()

  public init() {}

  func requestFinished(operation: String, status: Int, seconds: Double) {
    registry.makeCounter(
      descriptor: MetricNameDescriptor(
        namespace: "portcullis", metricName: "requests", unitName: "total", helpText: "API requests by operation and status"),
      labels: [("operation", operation), ("status", String(status))]
    ).increment()
    registry.makeDurationHistogram(
      descriptor: MetricNameDescriptor(
        namespace: "portcullis", metricName: "request_duration", unitName: "seconds", helpText: "API request latency"),
      labels: [("operation", operation)],
      buckets: [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
                .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1)]
    ).recordNanoseconds(Int64(seconds * 1e9))
  }

  func authorization(outcome: String) {
    registry.makeCounter(
      descriptor: MetricNameDescriptor(
        namespace: "portcullis", metricName: "authorization_decisions", unitName: "total",
        helpText: "Authorization decisions by outcome"),
      labels: [("outcome", outcome)]
    ).increment()
  }
}
