import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Checks of STS parameters. The wire layer already enforces the model's constraints (lengths,
/// patterns, ranges) for HTTP requests; the ones repeated here are those an in-process caller
/// could bypass and that decide what a session is (its name, its duration), and the rules the
/// model cannot express (unique tag keys, transitive tags, session policy grammar).
extension STSService {
  /// The space session policies and tags may take in a token, in characters: AWS's plain-text
  /// limit for session policies. AWS packs policies, ARNs and tags into a compressed binary
  /// with its own limit; here policy text (without white space), ARNs, and tag keys and values
  /// all count against this one allotment, and `PackedPolicySize` is the percentage used.
  static let packedPolicyAllotment = 2048

  /// At most this many managed session policies (`PolicyArns`), as in AWS.
  static let maximumSessionPolicyARNs = 10

  /// A role session name or source identity: 2 to 64 of `[\w+=,.@-]`, worded as the wire
  /// validation words it.
  func validateName(_ value: String, member: String) throws(AWSError) {
    var violations: [ConstraintViolation] = []
    let count = value.count
    if count < 2 {
      violations.append(.init(path: member, value: .shown(value), constraint: "Member must have length greater than or equal to 2"))
    } else if count > 64 {
      violations.append(.init(path: member, value: .shown(value), constraint: "Member must have length less than or equal to 64"))
    }
    let allowed = value.unicodeScalars.allSatisfy { s in
      s.isASCII && (CharacterSet.alphanumerics.contains(s) || "_+=,.@-".unicodeScalars.contains(s))
    }
    if !allowed {
      violations.append(
        .init(path: member, value: .shown(value), constraint: #"Member must satisfy regular expression pattern: [\w+=,.@-]*"#))
    }
    if !violations.isEmpty { throw .validationError(violations: violations) }
  }

  /// Session tags: unique keys (case-insensitively), none reserved, transitive keys among the
  /// tags passed, and none overriding a transitive tag the calling session passes on.
  func validateSessionTags(_ tags: [Tag], transitiveKeys: [String], inherited: [Tag]) throws(AWSError) {
    var keys = Set<String>()
    for tag in tags {
      if tag.key.lowercased().hasPrefix("aws:") {
        throw .validationError("User-provided tag keys cannot start with the reserved prefix 'aws:'.")
      }
      if !keys.insert(tag.key.lowercased()).inserted {
        throw .validationError("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
      }
    }
    for key in transitiveKeys where !keys.contains(key.lowercased()) {
      throw .validationError("the transitive tag key `\(key)` is not the key of a session tag in the request")
    }
    for tag in inherited where keys.contains(tag.key.lowercased()) {
      throw .validationError("the session tag `\(tag.key)` cannot override a transitive tag of the calling session")
    }
    if tags.count + inherited.count > 50 {
      throw .validationError(violations: [
        ConstraintViolation(
          path: "tags", value: .shown("\(tags.count + inherited.count) tags"),
          constraint: "Member must have length less than or equal to 50")
      ])
    }
  }

  /// The inline session policy must be a valid identity-grammar policy (`MalformedPolicyDocument`
  /// as IAM words it); managed ones must be named by policy ARNs, at most ten.
  func validateSessionPolicies(_ policy: String?, arns: [String]) throws(AWSError) {
    if arns.count > Self.maximumSessionPolicyARNs {
      throw .validationError(violations: [
        ConstraintViolation(
          path: "policyArns", value: .shown("\(arns.count) ARNs"),
          constraint: "Member must have length less than or equal to \(Self.maximumSessionPolicyARNs)")
      ])
    }
    for arn in arns {
      guard let parsed = ARN(arn), parsed.service == "iam", parsed.resource.hasPrefix("policy/") else {
        throw .validationError("the session policy ARN `\(arn)` is not the ARN of a managed policy")
      }
    }
    guard let policy else { return }
    let result = PolicyParser.parse(policy, kind: .session)
    guard let error = result.firstError else { return }
    if error.code == "policySize" {
      throw .packedPolicyTooLarge(percent: packedPolicyPercent(policy: policy, arns: arns, tags: []))
    }
    throw .malformedPolicyDocument(error.message)
  }

  /// `PackedPolicySize`: the percentage of `packedPolicyAllotment` the session policies and
  /// tags take, rounded up.
  func packedPolicyPercent(policy: String?, arns: [String], tags: [Tag]) -> Int {
    var size = policy.map { PolicyParser.countedSize(of: Array($0.utf8)) } ?? 0
    size += arns.reduce(0) { $0 + $1.count }
    size += tags.reduce(0) { $0 + $1.key.count + $1.value.count }
    return (size * 100 + Self.packedPolicyAllotment - 1) / Self.packedPolicyAllotment
  }
}

extension STSService {
  /// Checks a federation credential (a web identity token, a SAML assertion) against the model's
  /// bounds — at least 4 characters, at most `maximum` bytes — before it is parsed, so in-process
  /// callers are bounded too. The value is never echoed: it is a credential.
  func validateFederationCredential(_ text: String, member: String, maximum: Int) throws(AWSError) {
    guard text.count < 4 || text.utf8.count > maximum else { return }
    throw .validationError(violations: [
      ConstraintViolation(
        path: member, value: .redacted,
        constraint: text.count < 4
          ? "Member must have length greater than or equal to 4"
          : "Member must have length less than or equal to \(maximum)")
    ])
  }

  /// The request's session policies (`Policy`, `PolicyArns`), validated.
  func sessionPolicies(_ input: ModelValue) throws(AWSError) -> (policy: String?, arns: [String]) {
    let policy = input.string("Policy")
    let arns = (input.list("PolicyArns") ?? []).compactMap { $0.string("arn") }
    try validateSessionPolicies(policy, arns: arns)
    return (policy, arns)
  }
}
