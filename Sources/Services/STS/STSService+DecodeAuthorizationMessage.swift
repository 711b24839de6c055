import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// `DecodeAuthorizationMessage`: the details behind an `AccessDenied` message's encoded part
/// (see `AuthorizationMessage`), for callers allowed `sts:DecodeAuthorizationMessage`.
extension STSService {
  static func registerDecodeAuthorizationMessage(_ h: inout [String: Handler]) {
    h["DecodeAuthorizationMessage"] = { s, i, c in try s.decodeAuthorizationMessage(i, c) }
  }

  func decodeAuthorizationMessage(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "DecodeAuthorizationMessage", "*", snapshot: snapshot)
    guard let message = AuthorizationMessage.decode(input.string("EncodedMessage") ?? "", with: keyRing) else {
      throw AWSError(
        code: "InvalidAuthorizationMessageException",
        message: "The error message provided is not a valid encoded authorization failure message.", status: 400)
    }
    return .structure(["DecodedMessage": .string(message.json)])
  }
}
