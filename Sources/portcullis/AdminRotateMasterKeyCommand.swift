import ArgumentParser
import Directory
import Foundation
import Server

/// `portcullis admin rotate-master-key`: a new master key for a stopped data directory, with
/// every secret at rest (access key secrets, MFA seeds) re-sealed under it.
struct AdminRotateMasterKeyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rotate-master-key",
    abstract: "Replace the master key and re-encrypt every secret at rest (the server must be stopped).",
    discussion: """
      Refuses while a server holds the data directory. With the key in DATA_DIR/master.key, the
      file is replaced atomically; the old key is kept in master.key.previous until every secret
      is re-encrypted, so an interrupted rotation leaves a readable directory (run the command
      again to finish it). With PORTCULLIS_MASTER_KEY set, no file is written: the new key is
      printed once, before anything changes; start the server with it afterwards.
      """)

  @Option(name: .customLong("data-dir"), help: "Data directory (default: PORTCULLIS_DATA_DIR or ./.portcullis).")
  var dataDir: String?

  func run() throws {
    let environment = ServerConfiguration.fromEnvironment()
    let directory = dataDir ?? environment.dataDirectory
    let environmentKey = environment.masterKey
    // Failures (the directory in use, a secret that does not open) print as `Error: ...` and
    // exit non-zero, having changed nothing the server cannot read.
    let outcome = try MasterKeyRotation.rotate(directory: directory, environmentKey: environmentKey) { newKey in
      guard environmentKey != nil else { return }
      // The only copy the operator gets: printed, never logged or written.
      print(
        """
        New master key (set PORTCULLIS_MASTER_KEY to it before starting the server):
          PORTCULLIS_MASTER_KEY=\(newKey.base64Key)
        """)
      fflush(nil)
    }
    if outcome.finishedInterruptedRotation {
      print("Finished an interrupted rotation first.")
    }
    print("Rotated the master key of \(directory): re-encrypted the secrets of \(outcome.resealed) entities.")
  }
}
