import ArgumentParser

/// The `portcullis` command: one binary for the engine's tools (and, in later issues, the
/// server, the analyzer and the trail).
@main
struct Portcullis: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "portcullis",
    abstract: "A self-hosted, AWS-compatible IAM: policy engine, server and analyzer.",
    subcommands: [ServeCommand.self, PolicyCommand.self])
}

/// `portcullis policy ...`: validate, evaluate and benchmark IAM policies offline.
struct PolicyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy",
    abstract: "Validate, evaluate and benchmark IAM policy documents.",
    subcommands: [PolicyValidateCommand.self, PolicyEvalCommand.self, PolicyBenchCommand.self])
}
