import Analyzer
import ArgumentParser
import Foundation

extension AnalyzeCommand {
  /// `--baseline PREVIOUS.json`: the current findings against a previous `--format json` run,
  /// or `nil` without the option. An unreadable baseline is bad input (exit 1): failing open
  /// would let `--fail-on` pass on every known finding.
  func compareWithBaseline(_ findings: [Finding]) throws -> BaselineComparison? {
    guard let baselinePath else { return nil }
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: baselinePath))
      return BaselineComparison(current: findings, baseline: try Baseline.read(data), source: baselinePath)
    } catch let error as AnalyzerInputError {
      FileHandle.standardError.write(Data("error: --baseline `\(baselinePath)`: \(error)\n".utf8))
      throw ExitCode(1)
    } catch {
      FileHandle.standardError.write(Data("error: cannot read --baseline `\(baselinePath)`: \(error.localizedDescription)\n".utf8))
      throw ExitCode(1)
    }
  }

  /// Whether `--fail-on` trips: with a baseline, only new findings count (the quarterly review
  /// accepts what it already saw); without one, every finding.
  func failsThreshold(_ report: Report, _ baseline: BaselineComparison?) -> Bool {
    guard let failOn, let threshold = Severity(name: failOn) else { return false }
    if let baseline { return baseline.hasNewFinding(atOrAbove: threshold) }
    return report.hasFinding(atOrAbove: threshold)
  }
}
