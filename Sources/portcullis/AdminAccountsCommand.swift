import AWSWire
import ArgumentParser
import Directory
import Foundation
import HashTreeCollections
import Server
import Services

/// Opens a stopped server's data directory for an offline task: takes its lock (refusing while a
/// server holds it), loads the master key and the store.
private func openStoppedDirectory(_ dataDir: String?) throws -> (Directory, DataDirectoryLock) {
  let environment = ServerConfiguration.fromEnvironment()
  let path = dataDir ?? environment.dataDirectory
  guard FileManager.default.fileExists(atPath: "\(path)/portcullis.sqlite") else {
    throw ValidationError("no Portcullis data directory at \(path): start `portcullis serve` on it once first")
  }
  do {
    let lock = try DataDirectoryLock(directory: path)
    let secrets = try SecretBox.load(path: "\(path)/master.key", override: environment.masterKey)
    let store = try SQLiteDirectoryStore(path: "\(path)/portcullis.sqlite")
    return (try Directory(store: store, secrets: secrets), lock)
  } catch let error as DirectoryLoadError {
    throw ValidationError(error.message)
  }
}

/// Prints root credentials once; they are never written anywhere else in plaintext.
private func printRootKey(_ credentials: AccountFactory.RootCredentials, verb: String) {
  print(
    """
    Portcullis \(verb) account \(credentials.accountID) and its root access key:
      AWS_ACCESS_KEY_ID=\(credentials.accessKeyID)
      AWS_SECRET_ACCESS_KEY=\(credentials.secretAccessKey)
    """)
}

/// `portcullis admin create-account`: another standalone account on the server, outside any
/// organization, with a root access key printed once — for multi-account setups without
/// Organizations, and for testing cross-account access from outside an organization.
struct AdminCreateAccountCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create-account",
    abstract: "Create an account (outside any organization) and print its root access key (server stopped).")

  @Option(name: .customLong("data-dir"), help: "Data directory (default: PORTCULLIS_DATA_DIR or ./.portcullis).")
  var dataDir: String?

  @Option(help: "The account's alias, as `iam create-account-alias` sets it (3-63 lowercase letters, digits, hyphens).")
  var name: String

  @Option(name: .customLong("account-id"), help: "The 12-digit account id (default: random).")
  var accountID: String?

  func validate() throws {
    let allowed = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    guard (3...63).contains(name.count), allowed, !name.hasPrefix("-"), !name.hasSuffix("-"), !name.contains("--")
    else {
      throw ValidationError("--name must be 3 to 63 lowercase letters, digits and single hyphens, as an account alias")
    }
  }

  func run() throws {
    let (directory, lock) = try openStoppedDirectory(dataDir)
    defer { withExtendedLifetime(lock) {} }
    let credentials: AccountFactory.RootCredentials
    do {
      credentials = try directory.write { tx throws(AWSError) -> AccountFactory.RootCredentials in
        if tx.snapshot.accounts.values.contains(where: { $0.account.alias == name }) {
          throw .entityAlreadyExists("an account with the alias `\(name)` already exists")
        }
        let id = accountID ?? AccountFactory.unusedAccountID(in: tx.snapshot)
        let created = try AccountFactory.createAccount(
          id: id, in: &tx, secrets: directory.secrets, now: Date(), withRootKey: true)!
        var account = tx.snapshot.accounts[id]!.account
        account.alias = name
        tx.put(account)
        return created
      }
    } catch {
      throw ValidationError(error.message)
    }
    printRootKey(credentials, verb: "created")
  }
}

/// `portcullis admin create-root-key`: a root access key for an existing account that has
/// none — typically a member created by Organizations' `CreateAccount`, whose root, as on AWS,
/// starts without credentials.
struct AdminCreateRootKeyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "create-root-key",
    abstract: "Create a root access key for an account and print it once (server stopped).")

  @Option(name: .customLong("data-dir"), help: "Data directory (default: PORTCULLIS_DATA_DIR or ./.portcullis).")
  var dataDir: String?

  @Option(name: .customLong("account-id"), help: "The account's 12-digit id.")
  var accountID: String

  func run() throws {
    let (directory, lock) = try openStoppedDirectory(dataDir)
    defer { withExtendedLifetime(lock) {} }
    let credentials: AccountFactory.RootCredentials
    do {
      credentials = try directory.write { tx throws(AWSError) -> AccountFactory.RootCredentials in
        guard let account = tx.snapshot.accounts[accountID] else {
          throw .noSuchEntity("no account \(accountID) on this server")
        }
        // AWS allows a root user two access keys.
        if account.accessKeys.values.filter({ $0.userName == nil }).count >= 2 {
          throw .limitExceeded("account \(accountID) already has two root access keys")
        }
        let keyID = Identifiers.accessKeyID()
        let secret = Identifiers.secretAccessKey()
        tx.put(
          AccessKey(
            accountID: accountID, id: keyID, userName: nil, sealedSecret: directory.secrets.seal(secret),
            createDate: Date()))
        return AccountFactory.RootCredentials(accountID: accountID, accessKeyID: keyID, secretAccessKey: secret)
      }
    } catch {
      throw ValidationError(error.message)
    }
    printRootKey(credentials, verb: "created a root access key for")
  }
}

/// `portcullis admin list-accounts`: every account on the server, with its alias and
/// organization.
struct AdminListAccountsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list-accounts",
    abstract: "List the accounts of a data directory (server stopped).")

  @Option(name: .customLong("data-dir"), help: "Data directory (default: PORTCULLIS_DATA_DIR or ./.portcullis).")
  var dataDir: String?

  func run() throws {
    let (directory, lock) = try openStoppedDirectory(dataDir)
    defer { withExtendedLifetime(lock) {} }
    let snapshot = directory.snapshot
    let accounts = snapshot.accounts.values.map(\.account).sorted { ($0.createDate, $0.id) < ($1.createDate, $1.id) }
    print("ACCOUNT_ID\tALIAS\tORGANIZATION\tROLE\tCREATED")
    for account in accounts {
      let org = snapshot.organizations.organization(of: account.id)?.organization
      let role = org.map { $0.managementAccountID == account.id ? "management" : "member" } ?? "-"
      print(
        "\(account.id)\t\(account.alias ?? "-")\t\(org?.id ?? "-")\t\(role)\t\(TimestampFormat.iso8601.format(account.createDate))"
      )
    }
  }
}
