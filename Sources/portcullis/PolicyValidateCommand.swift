import ArgumentParser
import Foundation
import PolicyEngine

/// `portcullis policy validate FILE...`: checks documents as IAM would when they are saved.
struct PolicyValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Validate policy documents with AWS's rules and messages (exit 0 valid, 1 invalid).")

  @Option(name: .long, help: "Where the policies are used: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: PolicyKind = .managed

  @Argument(help: "Policy files (JSON); `-` reads standard input.")
  var files: [String]

  func run() throws {
    var invalid = false
    for file in files {
      let bytes: [UInt8]
      do {
        bytes = try readInput(file)
      } catch {
        print("\(file): error: cannot read: \(error.localizedDescription)")
        invalid = true
        continue
      }
      let result = PolicyParser.parse(bytes: bytes, kind: kind)
      for diagnostic in result.diagnostics {
        let place = diagnostic.line.map { ":\($0):\(diagnostic.column ?? 1)" } ?? ""
        print("\(file)\(place): \(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code)] \(diagnostic.detail)")
      }
      if result.document == nil {
        invalid = true
      } else if result.diagnostics.isEmpty {
        print("\(file): valid \(kind.rawValue) policy")
      }
    }
    if invalid { throw ExitCode(1) }
  }
}

extension PolicyKind: ExpressibleByArgument {}

/// Reads a file, or standard input for `-`.
func readInput(_ path: String) throws -> [UInt8] {
  if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
  return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
