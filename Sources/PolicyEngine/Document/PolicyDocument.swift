/// A policy document as written: the stage between raw JSON and a compiled `Policy`.
///
/// Every element keeps the values the author wrote (case included) and the byte offset where it
/// started, so validation messages and explanations can point back at the source.
public struct PolicyDocument: Sendable, Equatable {
  /// The `Version` element.
  public var version: PolicyVersion
  /// The optional `Id` element.
  public var id: String?
  /// The statements in source order (a single `Statement` object becomes one element).
  public var statements: [Statement]

  /// Creates a document.
  public init(version: PolicyVersion, id: String? = nil, statements: [Statement]) {
    self.version = version
    self.id = id
    self.statements = statements
  }
}

/// The policy language version. Policy variables exist only in `2012-10-17`; under the older
/// version, and when `Version` is missing, `${...}` is literal text.
public enum PolicyVersion: String, Sendable, Equatable {
  case v2012_10_17 = "2012-10-17"
  case v2008_10_17 = "2008-10-17"
  /// No `Version` element: AWS treats it as `2008-10-17`.
  case unspecified = ""

  /// Whether `${...}` is a policy variable under this version.
  public var supportsVariables: Bool { self == .v2012_10_17 }
}

/// `Allow` or `Deny`.
public enum Effect: String, Sendable, Equatable, Codable {
  case allow = "Allow"
  case deny = "Deny"
}

/// One statement of a policy document.
public struct Statement: Sendable, Equatable {
  /// The `Sid`, when given.
  public var sid: String?
  /// The `Effect`.
  public var effect: Effect
  /// `Principal` or `NotPrincipal`; `nil` in identity policies.
  public var principal: PrincipalElement?
  /// `Action` or `NotAction`.
  public var action: ListElement
  /// `Resource` or `NotResource`; `nil` in trust policies and resource policies that omit it.
  public var resource: ListElement?
  /// The `Condition` block flattened to one entry per operator and key.
  public var conditions: [ConditionEntry]
  /// Position of the statement in the document (0-based).
  public var index: Int
  /// Byte offset of the statement in the source.
  public var offset: Int

  /// Creates a statement.
  public init(
    sid: String? = nil, effect: Effect, principal: PrincipalElement? = nil, action: ListElement,
    resource: ListElement?, conditions: [ConditionEntry] = [], index: Int = 0, offset: Int = 0
  ) {
    self.sid = sid
    self.effect = effect
    self.principal = principal
    self.action = action
    self.resource = resource
    self.conditions = conditions
    self.index = index
    self.offset = offset
  }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a list of patterns, possibly negated.
public struct ListElement: Sendable, Equatable {
  /// `true` for `NotAction` / `NotResource`.
  public var isNegated: Bool
  /// The patterns as written.
  public var values: [String]

  /// Creates an element.
  public init(isNegated: Bool = false, _ values: [String]) {
    self.isNegated = isNegated
    self.values = values
  }
}

/// `Principal` or `NotPrincipal`.
public struct PrincipalElement: Sendable, Equatable {
  /// `true` for `NotPrincipal`.
  public var isNegated: Bool
  /// The principals by type; empty for `"Principal": "*"`.
  public var entries: [PrincipalEntry]
  /// `"Principal": "*"`: everyone, AWS services included (unlike `{"AWS": "*"}`).
  public var isEveryone: Bool

  /// Creates an element.
  public init(isNegated: Bool = false, entries: [PrincipalEntry], isEveryone: Bool = false) {
    self.isNegated = isNegated
    self.entries = entries
    self.isEveryone = isEveryone
  }
}

/// The principal types a policy may name.
public enum PrincipalType: String, Sendable, Equatable, CaseIterable {
  case aws = "AWS"
  case service = "Service"
  case federated = "Federated"
  case canonicalUser = "CanonicalUser"
}

/// The principals of one type in a `Principal` element.
public struct PrincipalEntry: Sendable, Equatable {
  /// The type (`AWS`, `Service`...).
  public var type: PrincipalType
  /// The identifiers as written.
  public var values: [String]

  /// Creates an entry.
  public init(type: PrincipalType, values: [String]) {
    self.type = type
    self.values = values
  }
}

/// One operator/key pair of a `Condition` block with its values.
public struct ConditionEntry: Sendable, Equatable {
  /// The operator, e.g. `ForAnyValue:StringLikeIfExists`.
  public var conditionOperator: ConditionOperator
  /// The condition key as written (matching is case-insensitive).
  public var key: String
  /// The values, as text; several values are OR-ed.
  public var values: [String]
  /// Byte offset of the key in the source.
  public var offset: Int

  /// Creates an entry.
  public init(conditionOperator: ConditionOperator, key: String, values: [String], offset: Int = 0) {
    self.conditionOperator = conditionOperator
    self.key = key
    self.values = values
    self.offset = offset
  }
}
