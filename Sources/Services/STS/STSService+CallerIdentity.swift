import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension STSService {
  static func registerCallerIdentity(_ h: inout [String: Handler]) {
    h["GetCallerIdentity"] = { s, i, c in s.getCallerIdentity(i, c) }
    h["GetAccessKeyInfo"] = { s, i, c in try s.getAccessKeyInfo(i, c) }
  }

  /// Who the caller is. Needs no permission and is never denied, as in AWS: a policy denying
  /// `sts:GetCallerIdentity` has no effect.
  func getCallerIdentity(_ input: ModelValue, _ caller: Caller) -> ModelValue {
    .structure([
      "UserId": .string(caller.userID), "Account": .string(caller.accountID), "Arn": .string(caller.arn),
    ])
  }

  /// The account an access key id belongs to: the directory's for a long-term key it holds,
  /// else the account encoded in the id itself (every `ASIA…` id this server issues, and AWS's).
  func getAccessKeyInfo(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "GetAccessKeyInfo", "*", snapshot: snapshot)
    let id = input.string("AccessKeyId") ?? ""
    guard let account = snapshot.accessKeyAccounts[id] ?? TemporaryAccessKeyID.accountID(of: id) else {
      // AWS's wording for a malformed id is not observable; the message is ours.
      throw .validationError("the access key id `\(id)` is not a valid access key id")
    }
    return .structure(["Account": .string(account)])
  }
}
