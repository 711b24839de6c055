import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services

/// One account, 123456789012, on a fresh in-memory directory, with the IAM service over it and
/// a pinned clock: what every IAM suite drives in-process, through `IAMService.handle` exactly
/// as the HTTP layer calls it.
struct IAMTestAccount: Sendable {
  static let id = "123456789012"
  static let now = Date(timeIntervalSince1970: 1_750_000_000)

  /// This account's id: `id` unless the account was made with `joining(_:)`.
  let accountID: String
  let directory: Directory
  let store: SQLiteDirectoryStore
  let iam: IAMService

  init(quotas: IAMQuotas = IAMQuotas()) throws {
    accountID = Self.id
    store = try SQLiteDirectoryStore()
    directory = try Directory(store: store, secrets: .ephemeral())
    try directory.write { tx in tx.put(Account(id: Self.id, createDate: Self.now)) }
    iam = IAMService(directory: directory, authorizer: Authorizer(), quotas: quotas, now: { Self.now })
  }

  /// A second account, `accountID`, on the same directory and service as `other`.
  init(joining other: IAMTestAccount, accountID: String) throws {
    self.accountID = accountID
    store = other.store
    directory = other.directory
    iam = other.iam
    try directory.write { tx in tx.put(Account(id: accountID, createDate: Self.now)) }
  }

  /// The account's root user.
  var root: Caller {
    caller(principal: "arn:aws:iam::\(accountID):root", userName: nil, userID: accountID)
  }

  /// The IAM user `name` (which must exist) as a caller.
  func user(_ name: String) -> Caller {
    let user = directory.snapshot.accounts[accountID]?.users[name.lowercased()]
    precondition(user != nil, "no user \(name) in the test account")
    return caller(principal: user!.arn, userName: user!.name, userID: user!.id)
  }

  private func caller(principal: String, userName: String?, userID: String) -> Caller {
    Caller(
      accountID: accountID, principal: RequestPrincipal(principal), userName: userName, userID: userID,
      accessKeyID: "AKIATESTCALLER000000", sourceIP: "192.0.2.10", secureTransport: true, region: "us-east-1",
      time: Self.now)
  }

  /// Runs `operation` as `caller` (the root user unless given).
  @discardableResult
  func call(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) throws(AWSError) -> ModelValue {
    try iam.handle(operation, input: input, caller: caller ?? root)
  }

  /// The error `operation` fails with, or nil when it succeeds.
  func error(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) -> AWSError? {
    do {
      try call(operation, input, as: caller)
      return nil
    } catch {
      return error
    }
  }

  /// The account's entities right now.
  var entities: AccountDirectory {
    directory.snapshot.accounts[accountID]!
  }

  // MARK: set-up shortcuts, as the root user

  func createUser(_ name: String, path: String = "/") throws(AWSError) {
    try call("CreateUser", ["UserName": .string(name), "Path": .string(path)])
  }

  func createGroup(_ name: String) throws(AWSError) {
    try call("CreateGroup", ["GroupName": .string(name)])
  }

  func createRole(_ name: String) throws(AWSError) {
    try call("CreateRole", ["RoleName": .string(name), "AssumeRolePolicyDocument": .string(Self.ec2Trust)])
  }

  /// Creates a customer managed policy and returns its ARN.
  @discardableResult
  func createPolicy(_ name: String, document: String = IAMTestAccount.allow("s3:GetObject")) throws(AWSError) -> String
  {
    try call("CreatePolicy", ["PolicyName": .string(name), "PolicyDocument": .string(document)])
    return "arn:aws:iam::\(accountID):policy/\(name)"
  }

  static func policyARN(_ name: String) -> String { "arn:aws:iam::\(id):policy/\(name)" }
  static func userARN(_ name: String) -> String { "arn:aws:iam::\(id):user/\(name)" }

  // MARK: documents

  /// An identity policy with one statement of `effect` on `actions` and `resource`.
  static func statement(
    _ effect: String, _ actions: [String], resource: String = "*", condition: String? = nil
  ) -> String {
    let list = actions.map { "\"\($0)\"" }.joined(separator: ",")
    let condition = condition.map { #","Condition":\#($0)"# } ?? ""
    return
      #"{"Version":"2012-10-17","Statement":[{"Effect":"\#(effect)","Action":[\#(list)],"Resource":"\#(resource)"\#(condition)}]}"#
  }

  static func allow(_ actions: String..., resource: String = "*") -> String {
    statement("Allow", actions, resource: resource)
  }

  static func deny(_ actions: String..., resource: String = "*") -> String {
    statement("Deny", actions, resource: resource)
  }

  static let ec2Trust =
    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
}

extension ModelValue {
  /// The value at a path of structure members, e.g. `value(at: "User", "UserName")`.
  func value(at path: String...) -> ModelValue? {
    path.reduce(Optional(self)) { value, member in value?[member: member] }
  }

  /// The string at a path of structure members.
  func string(at path: String...) -> String? {
    path.reduce(Optional(self)) { value, member in value?[member: member] }?.stringValue
  }

  /// The strings at `member` of each element of the list at `list`, e.g. the user names of a
  /// `ListUsers` result: `names(in: "Users", member: "UserName")`.
  func names(in list: String, member: String) -> [String] {
    (self[member: list]?.listValue ?? []).compactMap { $0[member: member]?.stringValue }
  }
}
