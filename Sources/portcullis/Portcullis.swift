import ArgumentParser
import NIOCore
import NIOPosix

/// The `portcullis` command: one binary for the engine's tools (and, in later issues, the
/// server, the analyzer and the trail).
@main
struct Portcullis: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "portcullis",
    abstract: "A self-hosted, AWS-compatible IAM: policy engine, server and analyzer.",
    subcommands: [ServeCommand.self, PolicyCommand.self, AnalyzeCommand.self, TrailCommand.self, AdminCommand.self])

  /// Parses and runs the command, as ArgumentParser's own entry point does, after one thing only
  /// the entry point can do: for `serve`, run Swift concurrency's jobs on NIO's event loops, so
  /// a request is not handed from the socket's thread to another pool and back (about a fifth
  /// of a request's CPU time). This must happen on the main thread, before anything is
  /// scheduled — which is where an async `main` starts.
  static func main() async {
    if CommandLine.arguments.dropFirst().first == "serve" {
      _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }
}

/// `portcullis policy ...`: validate, evaluate and benchmark IAM policies offline.
struct PolicyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy",
    abstract: "Validate, evaluate and benchmark IAM policy documents.",
    subcommands: [
      PolicyValidateCommand.self, PolicyLintCommand.self, PolicyEvalCommand.self, PolicyBenchCommand.self,
      PolicyGenerateCommand.self,
    ])
}

/// `portcullis admin ...`: operator tasks on a data directory (the server need not be running;
/// each subcommand says whether it must be stopped).
struct AdminCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "admin",
    abstract: "Administer a Portcullis data directory.",
    subcommands: [
      // One line per subcommand, in the order `--help` lists them.
      AdminRotateMasterKeyCommand.self,
      AdminCreateAccountCommand.self,
      AdminCreateRootKeyCommand.self,
      AdminListAccountsCommand.self,
    ])
}
