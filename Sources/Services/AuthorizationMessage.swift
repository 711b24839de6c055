import Directory
import Foundation
import PolicyEngine

/// The details of a denial, as `sts:DecodeAuthorizationMessage` returns them: whether the
/// request was allowed, whether an explicit deny decided, the statements that matched, and the
/// request's context (principal, action, resource, condition keys).
///
/// `AccessDenied` messages carry it sealed (AES-GCM under the session key ring, so only this
/// server's nodes can read it and none can forge it) and base64url-encoded, after the words
/// `Encoded authorization failure message:`, so a caller learns why it was denied only if it
/// is allowed `sts:DecodeAuthorizationMessage`. Nothing secret goes in: the context holds the
/// request's condition keys and the statement is named, not quoted.
public struct AuthorizationMessage: Sendable, Equatable {
  /// The decoded JSON, in AWS's shape.
  public var json: String

  /// The message for a decision on `request`.
  /// - Parameter keyNames: condition keys as the caller spelled them; the request context keeps
  ///   keys lowercased, and the message shows them as written (global keys as AWS writes them).
  public init(
    decision: Decision, request: AuthorizationRequest, principalID: String, principalName: String?,
    keyNames: [String] = []
  ) {
    var statements: [[String: Any]] = []
    if let s = decision.statement {
      statements.append([
        "statementId": s.sid ?? "", "effect": s.effect == .deny ? "DENY" : "ALLOW",
        "policy": s.policyName.isEmpty ? "policy \(s.policyIndex + 1)" : s.policyName,
        "policyType": "\(s.slot)", "statementIndex": s.statementIndex,
      ])
    }
    var principal: [String: Any] = ["id": principalID, "arn": request.principal.arn]
    if let principalName { principal["name"] = principalName }
    let conditions: [[String: Any]] = request.context.keys.sorted().compactMap { key in
      guard let value = request.context[key] else { return nil }
      return ["key": Self.displayName(key, keyNames), "values": ["items": value.values.map { ["value": $0] }]]
    }
    let object: [String: Any] = [
      "allowed": decision.isAllowed,
      "explicitDeny": decision.outcome == .explicitDeny,
      "matchedStatements": ["items": statements],
      "failures": ["items": [] as [Any]],
      "context": [
        "principal": principal, "action": request.action, "resource": request.resource,
        "conditions": ["items": conditions],
      ] as [String: Any],
    ]
    // INVARIANT: built from strings, numbers, booleans, arrays and dictionaries only.
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    json = String(decoding: data, as: UTF8.self)
  }

  /// Global condition keys as AWS spells them, by lowercased name.
  private static let globalKeys: [String: String] = Dictionary(
    uniqueKeysWithValues: [
      "aws:SourceIp", "aws:SecureTransport", "aws:RequestedRegion", "aws:CurrentTime", "aws:EpochTime", "aws:userid",
      "aws:username", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalType", "aws:PrincipalIsAWSService",
      "aws:UserAgent", "aws:TokenIssueTime", "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge",
      "aws:SourceIdentity", "aws:FederatedProvider", "aws:TagKeys", "aws:PrincipalOrgID", "aws:ResourceAccount",
    ].map { ($0.lowercased(), $0) })

  private static func displayName(_ key: String, _ names: [String]) -> String {
    if let name = globalKeys[key] ?? names.first(where: { $0.lowercased() == key }) { return name }
    for prefix in ["aws:PrincipalTag/", "aws:RequestTag/", "aws:ResourceTag/"] where key.hasPrefix(prefix.lowercased()) {
      return prefix + key.dropFirst(prefix.count)
    }
    return key
  }

  private init(json: String) {
    self.json = json
  }

  /// Separates these boxes from session tokens sealed under the same ring: neither opens as
  /// the other.
  private static let purpose = Data("portcullis-authorization-message-v1\n".utf8)

  /// Sealed under `ring` and base64url-encoded.
  public func encoded(with ring: SessionKeyRing) -> String {
    let sealed = ring.seal(Self.purpose + Data(json.utf8))
    return sealed.base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
  }

  /// Opens what `encoded(with:)` produced; `nil` for anything else (altered, truncated, sealed
  /// under a key no longer in the ring, or not a message at all).
  public static func decode(_ text: String, with ring: SessionKeyRing) -> AuthorizationMessage? {
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.count % 4 != 0 { s.append("=") }
    guard let sealed = Data(base64Encoded: s), let plain = ring.open(sealed), plain.starts(with: purpose) else {
      return nil
    }
    return AuthorizationMessage(json: String(decoding: plain.dropFirst(purpose.count), as: UTF8.self))
  }
}
