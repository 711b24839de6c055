/// Turns policy JSON into a `PolicyDocument`, checking it the way IAM does.
///
/// AWS reports one `MalformedPolicyDocument` message per rejected document, and which message
/// wins depends on the order of its checks; `parse` keeps that order, so the first error
/// diagnostic is what IAM would say. Later checks still run where they can, so `policy validate`
/// and the linter can show everything that is wrong.
public enum PolicyParser {
  /// The partitions IAM accepts in resource ARNs.
  static let partitions: Set<String> = [
    "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
  ]

  /// The resource-type prefixes IAM accepts in `arn:aws:iam::ACCOUNT:...` resources.
  static let iamResourcePrefixes = [
    "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
    "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/",
    "access-report/",
  ]

  /// The actions a trust policy may name.
  static let trustActions: Set<String> = [
    "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
    "sts:decodeauthorizationmessage", "sts:getaccesskeyinfo", "sts:getcalleridentity",
    "sts:getfederationtoken", "sts:getservicebearertoken", "sts:getsessiontoken",
    "sts:setsourceidentity", "sts:tagsession", "sts:setcontext",
  ]

  /// Parses and validates `text` as a policy of `kind`.
  /// - Parameter entityName: the user, group or role an inline policy belongs to, which IAM
  ///   names in its size error.
  public static func parse(_ text: String, kind: PolicyKind, entityName: String? = nil) -> PolicyParseResult {
    parse(bytes: Array(text.utf8), kind: kind, entityName: entityName)
  }

  /// Parses and validates UTF-8 `bytes` as a policy of `kind`.
  public static func parse(
    bytes: [UInt8], kind: PolicyKind, entityName: String? = nil, enforcingSizeLimit: Bool = true
  ) -> PolicyParseResult {
    var diagnostics: [Diagnostic] = []
    let root: JSONNode
    do {
      root = try JSONParser.parse(bytes: bytes)
    } catch {
      diagnostics.append(
        Diagnostic(
          code: "syntax", message: "Syntax errors in policy.",
          detail: "invalid JSON: \(error.reason)", offset: error.offset))
      return PolicyParseResult(document: nil, diagnostics: locate(diagnostics, in: bytes))
    }
    var parser = DocumentReader(kind: kind)
    let document = parser.read(root)
    diagnostics = parser.diagnostics
    if enforcingSizeLimit, let limit = kind.sizeLimit {
      let size = countedSize(of: bytes)
      if size > limit {
        diagnostics.append(
          Diagnostic(
            code: "policySize", message: kind.sizeExceededMessage(limit: limit, entityName: entityName),
            detail: "the policy has \(size) characters without white space; the \(kind.rawValue) quota is \(limit)"
          ))
      }
    }
    let errors = diagnostics.contains { $0.severity == .error }
    return PolicyParseResult(document: errors ? nil : document, diagnostics: locate(diagnostics, in: bytes))
  }

  /// Validates an already-parsed JSON value as a policy of `kind` (used where policies arrive
  /// embedded in a larger JSON document). The size is counted on its compact rendering.
  public static func parse(node: JSONNode, kind: PolicyKind) -> PolicyParseResult {
    var parser = DocumentReader(kind: kind)
    let document = parser.read(node)
    var diagnostics = parser.diagnostics
    if let limit = kind.sizeLimit {
      let size = countedSize(of: Array(node.value.rendered().utf8))
      if size > limit {
        diagnostics.append(
          Diagnostic(
            code: "policySize", message: kind.sizeExceededMessage(limit: limit),
            detail: "the policy has \(size) characters without white space; the \(kind.rawValue) quota is \(limit)"))
      }
    }
    let errors = diagnostics.contains { $0.severity == .error }
    return PolicyParseResult(document: errors ? nil : document, diagnostics: diagnostics)
  }

  /// The size IAM counts: characters, not counting white space outside string literals.
  public static func countedSize(of bytes: [UInt8]) -> Int {
    var count = 0
    var inString = false
    var escaped = false
    for b in bytes {
      if b & 0xC0 == 0x80 { continue }  // UTF-8 continuation byte: same character
      if inString {
        count += 1
        if escaped {
          escaped = false
        } else if b == UInt8(ascii: "\\") {
          escaped = true
        } else if b == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch b {
      case 0x20, 0x09, 0x0A, 0x0D: continue
      case UInt8(ascii: "\""): inString = true; count += 1
      default: count += 1
      }
    }
    return count
  }

  /// Fills in line and column from byte offsets.
  static func locate(_ diagnostics: [Diagnostic], in bytes: [UInt8]) -> [Diagnostic] {
    diagnostics.map { d in
      guard let offset = d.offset else { return d }
      var line = 1
      var column = 1
      for b in bytes.prefix(offset) {
        if b == 0x0A {
          line += 1
          column = 1
        } else if b & 0xC0 != 0x80 {
          column += 1
        }
      }
      var located = d
      located.line = line
      located.column = column
      return located
    }
  }
}

/// What parsing a policy produced: the document when it is valid, and every diagnostic.
public struct PolicyParseResult: Sendable {
  /// The document; `nil` when any diagnostic is an error.
  public var document: PolicyDocument?
  /// Errors and warnings, the first error being the one AWS would report.
  public var diagnostics: [Diagnostic]

  /// The first error, which is the message AWS would return.
  public var firstError: Diagnostic? { diagnostics.first { $0.severity == .error } }
}
