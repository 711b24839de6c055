/// A validated, compiled policy: what the evaluator works with.
///
/// Create one with `Policy(json:kind:name:)`; it throws with AWS's message if the document is
/// not valid for its kind. Compilation happens once; evaluation never parses policy text.
public struct Policy: Sendable {
  /// A name for explanations (the policy's name or ARN, or a file name).
  public var name: String
  /// Where the policy is used.
  public let kind: PolicyKind
  /// The parsed document.
  public let document: PolicyDocument
  /// Non-fatal diagnostics found while parsing.
  public let warnings: [Diagnostic]
  /// The statements, compiled (with `policyIndex` 0; slots renumber them).
  let statements: [CompiledStatement]

  /// Parses, validates and compiles a policy document.
  /// - Throws: `PolicyValidationError` carrying AWS's `MalformedPolicyDocument` message.
  /// - Parameter enforcingSizeLimit: `false` for documents already stored (their quota may
  ///   have changed) and AWS's own managed policies, which exceed the customer quota.
  public init(json: String, kind: PolicyKind, name: String = "", enforcingSizeLimit: Bool = true) throws(PolicyValidationError) {
    try self.init(bytes: Array(json.utf8), kind: kind, name: name, enforcingSizeLimit: enforcingSizeLimit)
  }

  /// Parses, validates and compiles a policy document from UTF-8 bytes.
  public init(bytes: [UInt8], kind: PolicyKind, name: String = "", enforcingSizeLimit: Bool = true) throws(PolicyValidationError) {
    let result = PolicyParser.parse(bytes: bytes, kind: kind, enforcingSizeLimit: enforcingSizeLimit)
    guard let document = result.document else {
      throw PolicyValidationError(diagnostics: result.diagnostics)
    }
    self.init(document: document, kind: kind, name: name, warnings: result.diagnostics)
  }

  /// Validates and compiles a policy given as a parsed JSON value.
  public init(node: JSONNode, kind: PolicyKind, name: String = "") throws(PolicyValidationError) {
    let result = PolicyParser.parse(node: node, kind: kind)
    guard let document = result.document else {
      throw PolicyValidationError(diagnostics: result.diagnostics)
    }
    self.init(document: document, kind: kind, name: name, warnings: result.diagnostics)
  }

  /// Compiles an already-parsed document.
  public init(document: PolicyDocument, kind: PolicyKind, name: String = "", warnings: [Diagnostic] = []) {
    self.name = name
    self.kind = kind
    self.document = document
    self.warnings = warnings
    statements = document.statements.map { CompiledStatement($0, version: document.version, policyIndex: 0) }
  }
}

/// Why a policy document was rejected.
public struct PolicyValidationError: Error, Sendable, CustomStringConvertible {
  /// Every diagnostic; the first error is the one AWS reports.
  public var diagnostics: [Diagnostic]

  /// AWS's `MalformedPolicyDocument` (or quota) message.
  public var message: String {
    diagnostics.first { $0.severity == .error }?.message ?? "Syntax errors in policy."
  }

  /// The first error diagnostic.
  public var firstError: Diagnostic? { diagnostics.first { $0.severity == .error } }

  public var description: String { message }
}
