import AWSWire
import Foundation

/// Turns an operation's decoded input or output into the trail's `requestParameters` and
/// `responseElements`: member names in CloudTrail's lower camel case, secrets replaced.
///
/// AWS's own trail never carries secret access keys, passwords, session tokens, MFA seeds or
/// codes, private keys or identity tokens; Portcullis replaces each with the marker AWS uses
/// (`HIDDEN_DUE_TO_SECURITY_REASONS`). The list is by member name, so a member added later
/// under one of these names is hidden without anyone remembering to.
public enum AuditParameters {
  /// Member names whose values never reach the trail.
  public static let secretMembers: Set<String> = [
    "SecretAccessKey", "SessionToken", "Password", "OldPassword", "NewPassword", "Base32StringSeed", "QRCodePNG",
    "AuthenticationCode1", "AuthenticationCode2", "TokenCode", "WebIdentityToken", "SAMLAssertion", "PrivateKey",
    "ServicePassword", "ServiceCredentialSecret", "CertificateChain", "EncodedMessage", "DecodedMessage", "Content",
  ]

  public static let hidden = "HIDDEN_DUE_TO_SECURITY_REASONS"

  /// The value as the trail records it; `nil` for an empty structure.
  public static func json(_ value: ModelValue) -> TrailJSON? {
    guard case .structure(let members) = value, !members.isEmpty else { return nil }
    return convert(value)
  }

  static func convert(_ value: ModelValue) -> TrailJSON {
    switch value {
    case .string(let s): return .string(s)
    case .integer(let i): return .int(i)
    case .double(let d): return .double(d)
    case .boolean(let b): return .bool(b)
    case .timestamp(let date): return .string(AuditEvent.timestamp(date))
    case .blob(let data): return .string(data.base64EncodedString())
    case .list(let items): return .array(items.map(convert))
    case .map(let entries):
      return .object(entries.keys.sorted().map { TrailJSON.Member($0, convert(entries[$0]!)) })
    case .structure(let members):
      return .object(
        members.keys.sorted().map { key in
          TrailJSON.Member(lowerCamel(key), secretMembers.contains(key) ? .string(hidden) : convert(members[key]!))
        })
    }
  }

  /// `UserName` → `userName`, `MFADevices` → `mFADevices` stays readable as AWS writes it
  /// (`serialNumber`, `policyArn`): only the first letter is lowered.
  static func lowerCamel(_ name: String) -> String {
    guard let first = name.first, first.isUppercase else { return name }
    return first.lowercased() + name.dropFirst()
  }

  /// Whether an operation only reads (CloudTrail's `readOnly`).
  public static func isReadOnly(_ operation: String) -> Bool {
    for prefix in ["Get", "List", "Describe", "Lookup", "Simulate", "Decode", "Generate", "Validate"] where operation.hasPrefix(prefix) {
      return true
    }
    return false
  }
}
