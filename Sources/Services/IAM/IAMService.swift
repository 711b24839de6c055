import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// The IAM API: one handler per operation, each authorizing with the policy engine and then
/// reading the snapshot or writing one directory transaction.
public final class IAMService: Sendable {
  public let directory: Directory
  public let authorizer: Authorizer
  public let quotas: IAMQuotas
  /// Access-key uses not yet written to the directory.
  public let lastUsed: LastUsedRecorder
  /// Hashes console passwords (`IAMService+LoginProfiles`).
  public let passwords: PasswordHasher
  let now: @Sendable () -> Date
  /// The latest credential report of each account (`IAMService+CredentialReport`).
  let credentialReports = CredentialReportStore()
  /// Who last tried which service, from the audit trail (`IAMService+LastAccessed`).
  public let serviceAccess: ServiceAccessIndex
  /// This node's service-last-accessed reports.
  let serviceLastAccessedJobs = ServiceLastAccessedJobs()

  public init(
    directory: Directory, authorizer: Authorizer, quotas: IAMQuotas = IAMQuotas(),
    lastUsed: LastUsedRecorder = LastUsedRecorder(), passwords: PasswordHasher = PasswordHasher(),
    now: @escaping @Sendable () -> Date = Date.init, serviceAccess: ServiceAccessIndex = ServiceAccessIndex()
  ) {
    self.directory = directory
    self.authorizer = authorizer
    self.quotas = quotas
    self.lastUsed = lastUsed
    self.passwords = passwords
    self.now = now
    self.serviceAccess = serviceAccess
  }

  // Untyped throws: typed-throwing closures in this table crash the 6.3 compiler (SILGen).
  typealias Handler = @Sendable (IAMService, ModelValue, Caller) throws -> ModelValue

  /// Operation name to handler.
  static let handlers: [String: Handler] = {
    var h: [String: Handler] = [:]
    registerUsers(&h)
    registerGroups(&h)
    registerRoles(&h)
    registerPolicies(&h)
    registerInlinePolicies(&h)
    registerAccessKeys(&h)
    registerInstanceProfiles(&h)
    registerAccount(&h)
    registerMFADevices(&h)
    registerCredentialReport(&h)
    registerSimulation(&h)
    registerLoginProfiles(&h)
    registerPasswordPolicy(&h)
    registerOIDCProviders(&h)
    registerCertificates(&h)  // signing and server certificates, SSH keys, service credentials
    registerSAMLProviders(&h)
    registerLastAccessed(&h)
    registerServiceLinkedRoles(&h)
    return h
  }()

  /// The operations this service implements.
  public static var operations: [String] { handlers.keys.sorted() }

  /// Runs `operation` for `caller`.
  public func handle(_ operation: String, input: ModelValue, caller: Caller) throws(AWSError) -> ModelValue {
    guard let handler = Self.handlers[operation] else { throw .invalidAction(operation) }
    do {
      return try handler(self, input, caller)
    } catch let error as AWSError {
      throw error
    } catch {
      throw .serviceFailure()
    }
  }

  // MARK: shared helpers

  /// Authorizes `iam:ACTION` on `resource` against the current snapshot.
  func authorize(
    _ caller: Caller, _ action: String, _ resource: String, context: [String: ContextValue] = [:],
    snapshot: DirectorySnapshot
  ) throws(AWSError) {
    try authorizer.authorize(caller, action: "iam:\(action)", resource: resource, context: context, snapshot: snapshot)
  }

  func arn(_ caller: Caller, _ type: String, path: String = "/", name: String) -> String {
    "arn:aws:iam::\(caller.accountID):\(type)\(path)\(name)"
  }

  /// Condition keys for tags in a request.
  func tagContext(_ tags: [Tag]) -> [String: ContextValue] {
    guard !tags.isEmpty else { return [:] }
    var c: [String: ContextValue] = ["aws:TagKeys": .multiple(tags.map(\.key))]
    for tag in tags { c["aws:RequestTag/\(tag.key)"] = .single(tag.value) }
    return c
  }

  func resourceTagContext(_ tags: [Tag]) -> [String: ContextValue] {
    var c: [String: ContextValue] = [:]
    for tag in tags { c["aws:ResourceTag/\(tag.key)"] = .single(tag.value) }
    return c
  }

  /// Checks tags against IAM's rules: keys of 1 to 128 and values of 0 to 256 characters from
  /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (the model's constraints, repeated for in-process callers and
  /// worded as the wire validation words them), unique keys, no `aws:` prefix, at most 50 per
  /// entity.
  func validateTags(_ tags: [Tag], existing: [Tag] = [], entity: String) throws(AWSError) {
    var violations: [ConstraintViolation] = []
    for (index, tag) in tags.enumerated() {
      let at = "tags.\(index + 1).member"
      if tag.key.isEmpty || !Self.isTagText(tag.key) {
        violations.append(.init(path: "\(at).key", value: .shown(tag.key), constraint: "Member must satisfy regular expression pattern: \(Self.tagKeyPattern)"))
      }
      if tag.key.isEmpty {
        violations.append(.init(path: "\(at).key", value: .shown(tag.key), constraint: "Member must have length greater than or equal to 1"))
      } else if tag.key.unicodeScalars.count > 128 {
        violations.append(.init(path: "\(at).key", value: .shown(tag.key), constraint: "Member must have length less than or equal to 128"))
      }
      if !Self.isTagText(tag.value) {
        violations.append(.init(path: "\(at).value", value: .shown(tag.value), constraint: "Member must satisfy regular expression pattern: \(Self.tagValuePattern)"))
      }
      if tag.value.unicodeScalars.count > 256 {
        violations.append(.init(path: "\(at).value", value: .shown(tag.value), constraint: "Member must have length less than or equal to 256"))
      }
    }
    if !violations.isEmpty { throw .validationError(violations: violations) }
    var keys = Set<String>()
    for tag in tags {
      if tag.key.lowercased().hasPrefix("aws:") {
        throw .invalidInput("User-provided tag keys cannot start with the reserved prefix 'aws:'.")
      }
      if !keys.insert(tag.key.lowercased()).inserted {
        throw .invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
      }
    }
    var merged = existing
    merged.merge(tags)
    if merged.count > quotas.tagsPerEntity {
      throw .limitExceeded("The number of tags has reached the maximum limit.")
    }
  }

  static let tagKeyPattern = #"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"#
  static let tagValuePattern = #"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"#

  /// Whether every character of `text` is a letter, a separator, a number or one of `_.:/=+-@`,
  /// as IAM's tag patterns allow.
  static func isTagText(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
      switch scalar.properties.generalCategory {
      case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        .spaceSeparator, .lineSeparator, .paragraphSeparator, .decimalNumber, .letterNumber, .otherNumber:
        true
      default: "_.:/=+-@".unicodeScalars.contains(scalar)
      }
    }
  }

  /// Validates a policy document for `kind`, mapping problems to AWS's errors.
  func validatePolicy(_ document: String, kind: PolicyKind, entityName: String? = nil) throws(AWSError) {
    let result = PolicyParser.parse(document, kind: kind, entityName: entityName)
    guard let error = result.firstError else { return }
    if error.code == "policySize" { throw .limitExceeded(error.message) }
    throw .malformedPolicyDocument(error.message)
  }

  /// Pages `items` (in the order the list returns them) by `Marker` and `MaxItems` (default
  /// 100, as AWS).
  func page<T>(_ items: [T], input: ModelValue, key: (T) -> String) -> (items: ArraySlice<T>, marker: String?) {
    let maxItems = max(1, input.int("MaxItems") ?? 100)
    var start = 0
    if let marker = input.string("Marker"), let decoded = Data(base64Encoded: marker).map({ String(decoding: $0, as: UTF8.self) }) {
      // The marker names the next item. Most lists are sorted by key, and then the first key
      // at or after it also survives that item's deletion; some keep their own order (groups
      // in joining order), where only the exact item can be found.
      start = items.firstIndex { key($0) == decoded } ?? items.firstIndex { key($0) >= decoded } ?? items.count
    }
    let end = min(items.count, start + maxItems)
    let marker = end < items.count ? Data(key(items[end]).utf8).base64EncodedString() : nil
    return (items[start..<end], marker)
  }

  /// The standard list output members.
  func listOutput(_ member: String, _ values: [ModelValue], marker: String?) -> ModelValue {
    .object([member: .list(values), "IsTruncated": .bool(marker != nil), "Marker": .str(marker)])
  }

  func validatePath(_ path: String?) throws(AWSError) -> String {
    let path = path ?? "/"
    guard path.hasPrefix("/") && path.hasSuffix("/") else {
      throw .validationError("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
    }
    return path
  }
}
