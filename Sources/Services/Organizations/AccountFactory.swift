import AWSWire
import Directory
import Foundation
import HashTreeCollections

/// Creates accounts on this server: for Organizations' `CreateAccount` (no root key, an
/// `OrganizationAccountAccessRole` trusting the management account, as AWS does) and for
/// `portcullis admin create-account` (a root access key, printed once).
public enum AccountFactory {
  /// What AWS attaches to the role it creates in a new member account.
  public static let administratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"

  /// Root credentials made with a new account.
  public struct RootCredentials: Sendable {
    public var accountID: String
    public var accessKeyID: String
    public var secretAccessKey: String

    public init(accountID: String, accessKeyID: String, secretAccessKey: String) {
      self.accountID = accountID
      self.accessKeyID = accessKeyID
      self.secretAccessKey = secretAccessKey
    }
  }

  /// A 12-digit id no account on the server has.
  public static func unusedAccountID(in snapshot: DirectorySnapshot) -> String {
    var id = Identifiers.accountID()
    while snapshot.accounts[id] != nil { id = Identifiers.accountID() }
    return id
  }

  /// Creates account `id` in `tx`, with a root access key when `withRootKey` (returned, the
  /// secret sealed under `secrets` in the store).
  /// - Throws: `EntityAlreadyExists` when the id is taken, `InvalidInput` when it is not 12 digits.
  @discardableResult
  public static func createAccount(
    id: String, in tx: inout DirectoryTransaction, secrets: SecretBox, now: Date, withRootKey: Bool
  ) throws(AWSError) -> RootCredentials? {
    guard id.count == 12, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
      throw .invalidInput("the account id `\(id)` is not 12 digits")
    }
    guard tx.snapshot.accounts[id] == nil else { throw .entityAlreadyExists("The account \(id) already exists.") }
    tx.put(Account(id: id, createDate: now))
    guard withRootKey else { return nil }
    let keyID = Identifiers.accessKeyID()
    let secret = Identifiers.secretAccessKey()
    tx.put(AccessKey(accountID: id, id: keyID, userName: nil, sealedSecret: secrets.seal(secret), createDate: now))
    return RootCredentials(accountID: id, accessKeyID: keyID, secretAccessKey: secret)
  }

  /// Creates the role through which the management account administers a member account it
  /// created: trusting the management account's root (so its administrators may assume it),
  /// with `AdministratorAccess` attached.
  public static func createAccessRole(
    named name: String, in accountID: String, trusting managementAccountID: String, tx: inout DirectoryTransaction,
    now: Date
  ) {
    let trust = """
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\(managementAccountID):root"},"Action":"sts:AssumeRole"}]}
      """
    var role = Role(
      accountID: accountID, id: Identifiers.uniqueID(prefix: "AROA"), name: name, path: "/", createDate: now,
      assumeRolePolicyDocument: trust)
    role.attachedPolicies = [administratorAccessARN]
    tx.put(role)
  }
}
