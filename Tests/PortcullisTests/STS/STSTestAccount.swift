import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// The IAM test account (123456789012, pinned clock) with the STS service over the same
/// directory and a fresh session key ring: STS suites set up users and roles through IAM as the
/// root user, then call STS as the HTTP layer does.
struct STSTestAccount: Sendable {
  typealias A = IAMTestAccount

  let iamAccount: IAMTestAccount
  let sts: STSService
  let ring: SessionKeyRing

  init(ring: SessionKeyRing = .ephemeral(), verifyMFA: @escaping STSService.MFAVerifier = { _, _, _ in false }) throws {
    iamAccount = try IAMTestAccount()
    self.ring = ring
    sts = STSService(
      directory: iamAccount.directory, authorizer: iamAccount.iam.authorizer, keyRing: ring, verifyMFA: verifyMFA,
      now: { IAMTestAccount.now })
  }

  var accountID: String { iamAccount.accountID }
  var root: Caller { iamAccount.root }
  func user(_ name: String) -> Caller { iamAccount.user(name) }

  /// Runs an STS operation as `caller`.
  @discardableResult
  func call(_ operation: String, _ input: ModelValue = [:], as caller: Caller) throws(AWSError) -> ModelValue {
    try sts.handle(operation, input: input, caller: caller)
  }

  /// The error an STS operation fails with, or nil when it succeeds.
  func error(_ operation: String, _ input: ModelValue = [:], as caller: Caller) -> AWSError? {
    do {
      try call(operation, input, as: caller)
      return nil
    } catch {
      return error
    }
  }

  /// Runs an IAM operation as root (set-up).
  @discardableResult
  func iam(_ operation: String, _ input: ModelValue) throws(AWSError) -> ModelValue {
    try iamAccount.call(operation, input)
  }

  /// Creates role `name` trusting as `trust` says, and returns its ARN.
  @discardableResult
  func createRole(_ name: String, trust: String, maxSessionDuration: Int? = nil) throws(AWSError) -> String {
    var input: ModelValue = ["RoleName": .string(name), "AssumeRolePolicyDocument": .string(trust)]
    if let maxSessionDuration, case .structure(var members) = input {
      members["MaxSessionDuration"] = .integer(Int64(maxSessionDuration))
      input = .structure(members)
    }
    try iam("CreateRole", input)
    return "arn:aws:iam::\(accountID):role/\(name)"
  }

  /// Gives user or role `name` an inline policy.
  func putPolicy(user name: String, _ document: String) throws(AWSError) {
    try iam("PutUserPolicy", ["UserName": .string(name), "PolicyName": "inline", "PolicyDocument": .string(document)])
  }

  func putPolicy(role name: String, _ document: String) throws(AWSError) {
    try iam("PutRolePolicy", ["RoleName": .string(name), "PolicyName": "inline", "PolicyDocument": .string(document)])
  }

  /// Opens the session token of a `Credentials` result and returns the caller its requests
  /// would have, as the HTTP layer builds it.
  func sessionCaller(_ result: ModelValue, at time: Date = IAMTestAccount.now) throws -> Caller {
    let token = try #require(result.string(at: "Credentials", "SessionToken"))
    let keyID = try #require(result.string(at: "Credentials", "AccessKeyId"))
    let session = try SessionToken.open(token, with: ring, accessKeyID: keyID, now: time)
    return Caller(
      session: session, sourceIP: "192.0.2.10", secureTransport: true, region: "us-east-1", time: time)
  }

  /// Assumes `roleARN` as `caller` and returns the session's caller.
  func assume(_ roleARN: String, session: String = "s1", as caller: Caller, _ extra: [String: ModelValue] = [:])
    throws -> Caller
  {
    var members: [String: ModelValue] = ["RoleArn": .string(roleARN), "RoleSessionName": .string(session)]
    for (k, v) in extra { members[k] = v }
    return try sessionCaller(call("AssumeRole", .structure(members), as: caller))
  }

  // MARK: documents

  /// A trust policy allowing `principal` (an ARN or account id) `actions`, with an optional
  /// condition block.
  static func trust(_ principal: String, actions: [String] = ["sts:AssumeRole"], condition: String? = nil) -> String {
    let list = actions.map { "\"\($0)\"" }.joined(separator: ",")
    let condition = condition.map { #","Condition":\#($0)"# } ?? ""
    return
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"\#(principal)"},"Action":[\#(list)]\#(condition)}]}"#
  }
}
