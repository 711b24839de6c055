import Synchronization

/// A bounded queue in front of one sink, drained by one background task. Enqueueing never
/// waits: when the queue is full the oldest waiting alert is dropped and counted, because a
/// recent alert is worth more than an old one and the request path must not stall on a dead
/// webhook.
final class AlertQueue: Sendable {
  let sink: any AlertSink
  private let continuation: AsyncStream<Alert>.Continuation
  private let drain: Task<Void, Never>
  private let droppedCount = Atomic<Int>(0)

  init(sink: any AlertSink) {
    self.sink = sink
    let (stream, continuation) = AsyncStream<Alert>.makeStream(bufferingPolicy: .bufferingNewest(max(1, sink.queueCapacity)))
    self.continuation = continuation
    drain = Task.detached {
      for await alert in stream {
        await sink.deliver(alert)
      }
    }
  }

  /// Alerts dropped because the queue was full.
  var dropped: Int { droppedCount.load(ordering: .relaxed) }

  func enqueue(_ alert: Alert) {
    guard alert.severity >= sink.minimumSeverity else { return }
    switch continuation.yield(alert) {
    case .dropped: droppedCount.add(1, ordering: .relaxed)
    case .enqueued, .terminated: break
    @unknown default: break
    }
  }

  /// Stops accepting alerts and waits for the waiting ones to be delivered, at most `timeout`;
  /// after that the drain task is cancelled (a webhook's backoff ends at once).
  func finish(timeout: Duration) async {
    continuation.finish()
    let drain = self.drain
    await withTaskGroup(of: Bool.self) { group in
      group.addTask {
        await drain.value
        return true
      }
      group.addTask {
        try? await Task.sleep(for: timeout)
        return false
      }
      if await group.next() == false { drain.cancel() }
      group.cancelAll()
      await drain.value
    }
  }
}
