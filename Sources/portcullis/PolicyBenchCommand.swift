import ArgumentParser
import Dispatch
import Foundation
import PolicyEngine

#if canImport(Glibc)
  import Glibc
#endif

/// `portcullis policy bench`: measures the engine on a named workload or on the user's own
/// policies and requests, in-process, on one core.
struct PolicyBenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmark policy evaluation: decisions/s, median and p99 latency.",
    discussion: """
      Build with `swift build -c release` for meaningful figures. Either name built-in workloads
      (--workload W1|W2|W3, --compile N, or --all), or give your own --policies (a JSON array
      of identity policy documents) and --requests (JSON lines of
      {"principal","action","resource","context"}).
      """)

  @Option(help: "A built-in workload: W1, W2 or W3 (repeatable).")
  var workload: [String] = []

  @Flag(help: "Run W1, W2, W3 and the 10,000-policy compile benchmark.")
  var all = false

  @Option(help: "Parse and compile this many generated managed policies and report the time.")
  var compile: Int?

  @Option(help: "A JSON array of identity policy documents.")
  var policies: String?

  @Option(help: "A JSON-lines file of requests.")
  var requests: String?

  @Option(help: "Seconds to run each throughput measurement.")
  var seconds: Double = 3

  @Option(help: "Write the built-in workloads' policies.json and requests.jsonl into this folder and exit.")
  var write: String?

  func run() throws {
    if let write {
      try writeWorkloads(to: write)
      return
    }
    var ran = false
    if let policies, let requests {
      let set = PolicySet(identity: try loadPolicies(policies))
      try measure(name: policies, CompiledPolicySet(set), loadRequests(requests))
      ran = true
    } else if policies != nil || requests != nil {
      throw ValidationError("--policies and --requests go together")
    }
    for name in all ? BenchWorkload.names : workload {
      let w = try BenchWorkload.make(name)
      let statements = w.policies.identity.reduce(0) { $0 + $1.document.statements.count }
      print("\(w.name): \(w.policies.identity.count) identity policies, \(statements) statements, \(w.policies.serviceControlPolicies.count) SCP levels, boundary: \(w.policies.permissionsBoundary != nil ? "yes" : "no"), \(w.requests.count) distinct requests")
      try measure(name: w.name, CompiledPolicySet(w.policies), w.requests)
      ran = true
    }
    if let count = compile ?? (all ? 10_000 : nil) {
      measureCompile(count: count)
      ran = true
    }
    if !ran { throw ValidationError("name a workload (--workload W2, --all) or give --policies and --requests") }
  }

  private func measure(name: String, _ compiled: CompiledPolicySet, _ requests: [AuthorizationRequest]) throws {
    guard !requests.isEmpty else { throw ValidationError("no requests") }
    var counts: [Decision.Outcome: Int] = [:]
    for r in requests { counts[compiled.decide(r).outcome, default: 0] += 1 }
    // Warm up, then count decisions for `seconds`.
    var sink = 0
    for r in requests { sink &+= compiled.decide(r).isAllowed ? 1 : 0 }
    var decisions = 0
    let start = now()
    let deadline = start + UInt64(seconds * 1e9)
    var end = start
    repeat {
      for r in requests { sink &+= compiled.decide(r).isAllowed ? 1 : 0 }
      decisions += requests.count
      end = now()
    } while end < deadline
    let perSecond = Double(decisions) / (Double(end - start) / 1e9)
    // Latency: each decision timed alone; the cost of reading the clock is measured and taken off.
    var overhead: [UInt64] = []
    for _ in 0..<10_000 {
      let a = now()
      overhead.append(now() - a)
    }
    overhead.sort()
    let clockCost = overhead[overhead.count / 2]
    var samples: [UInt64] = []
    samples.reserveCapacity(200_000)
    while samples.count < 200_000 {
      for r in requests {
        let a = now()
        let d = compiled.decide(r)
        let b = now()
        sink &+= d.isAllowed ? 1 : 0
        samples.append(b - a > clockCost ? b - a - clockCost : 0)
      }
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let p99 = samples[samples.count * 99 / 100]
    print(
      "  \(name): \(format(perSecond)) decisions/s  median \(median) ns  p99 \(p99) ns  (clock read \(clockCost) ns, subtracted)"
    )
    print(
      "  outcomes per pass: Allow \(counts[.allow] ?? 0), ExplicitDeny \(counts[.explicitDeny] ?? 0), ImplicitDeny \(counts[.implicitDeny] ?? 0)\(sink == -1 ? " " : "")"
    )
  }

  private func measureCompile(count: Int) {
    var rng = SplitMix64(seed: 42)
    let texts = (0..<count).map { BenchWorkload.identityPolicy(index: $0, statements: 3 + rng.next(10), rng: &rng) }
    let bytes = texts.map { Array($0.utf8) }
    let totalBytes = bytes.reduce(0) { $0 + $1.count }
    let start = now()
    var compiled: [Policy] = []
    compiled.reserveCapacity(count)
    for b in bytes {
      if let p = try? Policy(bytes: b, kind: .managed) { compiled.append(p) }
    }
    let parsed = now()
    let slots = compiled.map { PolicySlot(kind: .identity, policies: [$0]) }
    let indexed = now()
    print(
      "compile: \(compiled.count)/\(count) managed policies (\(totalBytes / 1024) KiB) parsed+validated+compiled in \(String(format: "%.3f", Double(parsed - start) / 1e9)) s; indexed in \(String(format: "%.3f", Double(indexed - parsed) / 1e9)) s more (\(slots.count) slots)"
    )
  }

  private func loadPolicies(_ path: String) throws -> [Policy] {
    let node = try JSONParser.parse(bytes: readInput(path))
    guard case .array(let items) = node.value else { throw ValidationError("\(path): expected a JSON array of policies") }
    return try items.enumerated().map { i, item in
      do {
        return try Policy(node: item, kind: .managed, name: "\(path)[\(i)]")
      } catch let error as PolicyValidationError {
        throw ValidationError("\(path)[\(i)]: \(error.message)")
      }
    }
  }

  private func loadRequests(_ path: String) throws -> [AuthorizationRequest] {
    let text = String(decoding: try readInput(path), as: UTF8.self)
    var out: [AuthorizationRequest] = []
    for (n, line) in text.split(separator: "\n").enumerated() where !line.allSatisfy(\.isWhitespace) {
      do {
        // Each line is the `request` object of the JSON-lines evaluation format.
        out.append(try EvaluationInput(line: #"{"request":\#(line)}"#).request)
      } catch {
        throw ValidationError("\(path):\(n + 1): \(error.message)")
      }
    }
    return out
  }

  private func writeWorkloads(to folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for name in BenchWorkload.names {
      let w = try BenchWorkload.make(name)
      let dir = "\(folder)/\(name)"
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try ("[\n" + w.identityJSON.joined(separator: ",\n") + "\n]\n").write(toFile: "\(dir)/policies.json", atomically: true, encoding: .utf8)
      let lines = w.requests.map { r -> String in
        let context = r.context.keys.sorted().map { key -> String in
          let v = r.context[key]!
          switch v {
          case .single(let s): return "\"\(key)\":\"\(s)\""
          case .multiple(let vs): return "\"\(key)\":[" + vs.map { "\"\($0)\"" }.joined(separator: ",") + "]"
          }
        }.joined(separator: ",")
        return #"{"principal":"\#(r.principal.arn)","action":"\#(r.action)","resource":"\#(r.resource)","context":{\#(context)}}"#
      }
      try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/requests.jsonl", atomically: true, encoding: .utf8)
      print("wrote \(dir)/policies.json and \(dir)/requests.jsonl")
    }
  }

  private func format(_ value: Double) -> String {
    let n = Int(value.rounded())
    var s = String(n)
    var i = s.count - 3
    while i > 0 {
      s.insert(",", at: s.index(s.startIndex, offsetBy: i))
      i -= 3
    }
    return s
  }
}

/// Monotonic nanoseconds.
@inline(__always)
func now() -> UInt64 {
  // CLOCK_MONOTONIC on Linux; `timespec` itself is ambiguous once FoundationNetworking (the
  // alert webhooks) brings CoreFoundation's declaration into the release build.
  DispatchTime.now().uptimeNanoseconds
}
