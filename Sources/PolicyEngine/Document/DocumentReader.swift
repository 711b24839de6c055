/// Walks the JSON of one policy and builds its `PolicyDocument`, recording diagnostics tagged
/// with the phase in which IAM would detect them.
struct DocumentReader {
  /// IAM's checks in the order it runs them; the first failing phase names the error.
  enum Phase: Int, Comparable {
    case syntax, legacy, sidUnique, actionsPresent, resourceFormat, actionFormat, notActionFormat
    case principalNotAllowed, resourcesPresent, grammar, principalFormat, sidFormat

    static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  let kind: PolicyKind
  /// IAM keeps the last resource format error it meets (checking each list in reverse lexical
  /// order) and reports it after its other checks; once one is found it stops the legacy ARN
  /// checks.
  private var resourceError: (message: String, detail: String, offset: Int)?
  private var found: [(phase: Phase, diagnostic: Diagnostic)] = []

  init(kind: PolicyKind) {
    self.kind = kind
  }

  /// The diagnostics, ordered by phase (stable within a phase).
  var diagnostics: [Diagnostic] {
    found.enumerated().sorted { a, b in
      a.element.phase != b.element.phase ? a.element.phase < b.element.phase : a.offset < b.offset
    }.map(\.element.diagnostic)
  }

  private mutating func report(
    _ phase: Phase, _ code: String, _ message: String, _ detail: String, at offset: Int?,
    severity: Diagnostic.Severity = .error
  ) {
    found.append(
      (phase, Diagnostic(severity: severity, code: code, message: message, detail: detail, offset: offset)))
  }

  private mutating func syntax(_ detail: String, at offset: Int) {
    report(.syntax, "syntax", "Syntax errors in policy.", detail, at: offset)
  }

  mutating func read(_ root: JSONNode) -> PolicyDocument? {
    guard let members = root.members else {
      syntax("the policy must be a JSON object, not a \(root.value.kindName)", at: root.offset)
      return nil
    }
    var version = PolicyVersion.unspecified
    var id: String?
    var statementNode: JSONNode?
    var seen: Set<String> = []
    for member in members {
      guard seen.insert(member.key).inserted else {
        syntax("duplicate key `\(member.key)`", at: member.keyOffset)
        continue
      }
      switch member.key {
      case "Version":
        if let text = member.node.string, let v = PolicyVersion(rawValue: text), v != .unspecified {
          version = v
        } else {
          syntax("`Version` must be \"2012-10-17\" or \"2008-10-17\"", at: member.node.offset)
        }
      case "Id":
        if let text = member.node.string { id = text } else { syntax("`Id` must be a string", at: member.node.offset) }
      case "Statement":
        statementNode = member.node
      default:
        syntax("unknown top-level element `\(member.key)`", at: member.keyOffset)
      }
    }
    guard let statementNode else {
      syntax("the policy has no `Statement` element", at: root.offset)
      return nil
    }
    var statementNodes: [JSONNode]
    switch statementNode.value {
    case .object: statementNodes = [statementNode]
    case .array(let items): statementNodes = items
    default:
      syntax("`Statement` must be an object or an array", at: statementNode.offset)
      return nil
    }
    if statementNodes.isEmpty { syntax("`Statement` is empty", at: statementNode.offset) }
    var statements: [Statement] = []
    var sids: Set<String> = []
    for (index, node) in statementNodes.enumerated() {
      if let sidNode = node.members?.first(where: { $0.key == "Sid" })?.node, let sid = sidNode.string,
        !sid.isEmpty, !sids.insert(sid).inserted
      {
        report(
          .sidUnique, "duplicateSid", "Statement IDs (SID) in a single policy must be unique.",
          "`\(sid)` is used more than once", at: node.offset)
      }
      if let statement = readStatement(node, index: index) {
        statements.append(statement)
      }
    }
    if let resourceError {
      report(.resourceFormat, "resourceFormat", resourceError.message, resourceError.detail, at: resourceError.offset)
    }
    return PolicyDocument(version: version, id: id, statements: statements)
  }

  // MARK: statements

  private mutating func readStatement(_ node: JSONNode, index: Int) -> Statement? {
    guard let members = node.members else {
      syntax("a statement must be an object", at: node.offset)
      return nil
    }
    var byKey = StatementMembers()
    for member in members {
      if byKey[member.key] != nil {
        syntax("duplicate key `\(member.key)` in a statement", at: member.keyOffset)
      }
      switch member.key {
      case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
        "NotPrincipal", "Condition":
        byKey[member.key] = member
      default:
        syntax("unknown statement element `\(member.key)`", at: member.keyOffset)
      }
    }
    var ok = true
    if byKey["Action"] != nil && byKey["NotAction"] != nil {
      syntax("a statement cannot have both `Action` and `NotAction`", at: node.offset)
      ok = false
    }
    if byKey["Resource"] != nil && byKey["NotResource"] != nil {
      syntax("a statement cannot have both `Resource` and `NotResource`", at: node.offset)
      ok = false
    }
    if byKey["Principal"] != nil && byKey["NotPrincipal"] != nil {
      syntax("a statement cannot have both `Principal` and `NotPrincipal`", at: node.offset)
      ok = false
    }

    // Sid
    var sid: String?
    if let member = byKey["Sid"] {
      if let text = member.node.string {
        sid = text
        if kind.grammar != .resource, !text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
          report(
            .sidFormat, "invalidSid",
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
            "`\(text)` is not alphanumeric", at: member.node.offset)
        }
      } else {
        syntax("`Sid` must be a string", at: member.node.offset)
      }
    }

    // Effect: any case passes the syntax check; anything but the exact spelling fails legacy parsing.
    var effect = Effect.allow
    if let member = byKey["Effect"] {
      if let text = member.node.string {
        if let e = Effect(rawValue: text) {
          effect = e
        } else if text.lowercased() == "allow" || text.lowercased() == "deny" {
          report(
            .legacy, "effectCase", "The policy failed legacy parsing",
            "`Effect` must be spelled `Allow` or `Deny`, not `\(text)`", at: member.node.offset)
          ok = false
        } else {
          syntax("`Effect` must be `Allow` or `Deny`, not `\(text)`", at: member.node.offset)
          ok = false
        }
      } else {
        syntax("`Effect` must be a string", at: member.node.offset)
        ok = false
      }
    } else {
      syntax("the statement has no `Effect`", at: node.offset)
      ok = false
    }

    // Action / NotAction
    let actionMember = byKey["Action"] ?? byKey["NotAction"]
    var action = ListElement([])
    if let member = actionMember {
      if let values = readStringList(member) {
        action = ListElement(isNegated: member.key == "NotAction", values)
        for value in values {
          checkActionFormat(value, phase: member.key == "Action" ? .actionFormat : .notActionFormat, at: member.node.offset)
        }
      } else {
        ok = false
      }
    }
    if action.values.isEmpty {
      report(
        .actionsPresent, "missingAction", "Policy statement must contain actions.",
        "the statement has no `Action` or `NotAction`", at: node.offset)
      ok = false
    }

    // Resource / NotResource
    var resource: ListElement?
    if let member = byKey["Resource"] ?? byKey["NotResource"] {
      if let values = readStringList(member) {
        resource = ListElement(isNegated: member.key == "NotResource", values)
        checkResources(values, at: member.node.offset)
        if values.isEmpty, kind.grammar == .identity {
          report(
            .resourcesPresent, "missingResource", "Policy statement must contain resources.",
            "`\(member.key)` is empty", at: member.node.offset)
        }
      } else {
        ok = false
      }
    }
    switch kind.grammar {
    case .identity:
      if resource == nil {
        report(
          .resourcesPresent, "missingResource", "Policy statement must contain resources.",
          "the statement has no `Resource` or `NotResource`", at: node.offset)
        ok = false
      }
    case .trust:
      if let member = byKey["Resource"] ?? byKey["NotResource"] {
        report(
          .grammar, "prohibitedResource", "Has prohibited field \(member.key).",
          "a trust policy applies to its role and cannot name resources", at: member.keyOffset)
      }
      for value in action.values where !action.isNegated {
        if !PolicyParser.trustActions.contains(value.lowercased()) && !value.contains("*") {
          report(
            .grammar, "trustAction",
            "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity",
            "`\(value)` cannot appear in a trust policy", at: actionMember?.node.offset)
        }
      }
    case .resource:
      break
    }

    // Principal / NotPrincipal
    var principal: PrincipalElement?
    if let member = byKey["Principal"] ?? byKey["NotPrincipal"] {
      if kind.grammar == .identity {
        report(
          kind == .serviceControl ? .grammar : .principalNotAllowed, "principalNotAllowed",
          kind == .serviceControl ? Self.organizationsPolicyTypeMessage : "Policy document should not specify a principal.",
          "`\(member.key)` belongs in resource-based and trust policies only", at: member.keyOffset)
      }
      principal = readPrincipal(member)
      if principal == nil { ok = false }
    } else if kind.grammar != .identity {
      report(
        .grammar, "missingPrincipal",
        kind == .trust
          ? "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!"
          : "Missing required field Principal",
        "a \(kind == .trust ? "trust" : "resource-based") policy statement must name a principal",
        at: node.offset)
      ok = false
    }

    // RCPs deny; only the AWS managed RCPFullAWSAccess (allow everything to everyone) allows.
    if kind == .resourceControl, effect == .allow {
      let allowsAll = action.values == ["*"] && !action.isNegated && resource?.values == ["*"]
        && byKey["Condition"] == nil && byKey["Principal"]?.node.value == .string("*")
      if !allowsAll {
        report(
          .grammar, "rcpAllow", Self.organizationsPolicyTypeMessage,
          "resource control policies may only deny, apart from RCPFullAWSAccess", at: node.offset)
      }
    }

    // Condition
    var conditions: [ConditionEntry] = []
    if let member = byKey["Condition"] {
      conditions = readConditions(member.node)
    }

    guard ok else { return nil }
    return Statement(
      sid: sid, effect: effect, principal: principal, action: action, resource: resource,
      conditions: conditions, index: index, offset: node.offset)
  }

  /// Reads a string or a list of strings; JSON nulls in a list are skipped, as IAM does.
  private mutating func readStringList(_ member: JSONMember) -> [String]? {
    switch member.node.value {
    case .string(let s): return [s]
    case .array(let items):
      var values: [String] = []
      for item in items {
        switch item.value {
        case .string(let s): values.append(s)
        case .null: continue
        default:
          syntax("`\(member.key)` must contain strings only", at: item.offset)
          return nil
        }
      }
      return values
    default:
      syntax("`\(member.key)` must be a string or an array of strings", at: member.node.offset)
      return nil
    }
  }

  // MARK: actions and resources

  private mutating func checkActionFormat(_ action: String, phase: Phase, at offset: Int) {
    if action == "*" { return }
    var colons = 0
    var vendorValid = true
    var vendorLength = 0
    for b in action.utf8 {
      if b == UInt8(ascii: ":") {
        colons += 1
        continue
      }
      if colons == 0 {
        vendorLength += 1
        let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E
        if !ok { vendorValid = false }
      }
    }
    if colons == 0 {
      report(
        phase, "actionVendor",
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        "`\(action)` has no service prefix", at: offset)
    } else if colons > 1 {
      report(
        phase, "actionColons", "Actions/Condition can contain only one colon.",
        "`\(action)` has more than one colon", at: offset)
    } else if !vendorValid || vendorLength == 0 {
      let vendor = action.prefix { $0 != ":" }
      guard vendor != "*" else { return }
      report(
        phase, "actionVendor", "Vendor \(vendor) is not valid",
        "`\(action)` has an invalid service prefix", at: offset)
    }
  }

  private mutating func checkResources(_ values: [String], at offset: Int) {
    // Only when something is wrong does the order matter: IAM walks the list in reverse
    // lexical order and keeps the last error, that is, the lexically smallest bad resource.
    if values.contains(where: { Self.resourceFormatError($0) != nil }) {
      for resource in values.sorted(by: >) {
        if let message = Self.resourceFormatError(resource) {
          resourceError = (message, "`\(resource)` is not a valid resource", offset)
        }
      }
    }
    if resourceError != nil { return }
    for resource in values where resource != "*" {
      var colons = 0
      var doubleColon = false
      var thirdFieldEmpty = false
      var previous: UInt8 = 0
      for b in resource.utf8 {
        if b == UInt8(ascii: ":") {
          colons += 1
          if previous == UInt8(ascii: ":") {
            doubleColon = true
            if colons == 3 { thirdFieldEmpty = true }
          }
        }
        previous = b
      }
      if !(colons >= 5 || !doubleColon) || thirdFieldEmpty {
        report(
          .legacy, "resourceLegacy", "The policy failed legacy parsing",
          "`\(resource)` is not a well-formed ARN", at: offset)
        return
      }
    }
  }

  /// The message IAM gives for a malformed resource, or `nil` when it is acceptable.
  static func resourceFormatError(_ resource: String) -> String? {
    if resource == "*" || isPlainARN(resource) { return nil }
    return slowResourceFormatError(resource)
  }

  /// The common case, checked without splitting: `arn:aws:SERVICE:REGION:ACCOUNT:...` with a
  /// known partition and a service that has no special rule.
  static func isPlainARN(_ resource: String) -> Bool {
    var r = resource
    return r.withUTF8 { b in
      guard b.count > 8, b[0] == 0x61, b[1] == 0x72, b[2] == 0x6E, b[3] == 0x3A,  // "arn:"
        b[4] == 0x61, b[5] == 0x77, b[6] == 0x73, b[7] == 0x3A  // "aws:"
      else { return false }
      var colons = 0
      var serviceEnd = -1
      for i in 8..<b.count where b[i] == 0x3A {
        colons += 1
        if colons == 1 { serviceEnd = i }
        if colons == 3 { break }
      }
      guard colons >= 3, serviceEnd > 8 else { return false }
      let service = UnsafeBufferPointer(rebasing: b[8..<serviceEnd])
      // iam and s3 have region and path rules; let the full check handle them.
      if service.count == 3, service[0] == 0x69, service[1] == 0x61, service[2] == 0x6D { return false }
      if service.count == 2, service[0] == 0x73, service[1] == 0x33 { return false }
      return true
    }
  }

  static func slowResourceFormatError(_ resource: String) -> String? {
    guard let firstColon = resource.firstIndex(of: ":") else {
      return "Resource \(resource) must be in ARN format or \"*\"."
    }
    let afterPrefix = resource[resource.index(after: firstColon)...]
    let partition: Substring
    let rest: Substring?
    if let colon = afterPrefix.firstIndex(of: ":") {
      partition = afterPrefix[..<colon]
      rest = afterPrefix[afterPrefix.index(after: colon)...]
    } else {
      partition = afterPrefix
      rest = nil
    }
    if partition != "*" && !PolicyParser.partitions.contains(String(partition)) {
      let remaining = (rest ?? "").split(separator: ":", omittingEmptySubsequences: false)
      let a1 = !remaining[0].isEmpty || remaining.count > 1 ? String(remaining[0]) : "*"
      let a2 = remaining.count > 1 ? String(remaining[1]) : "*"
      let a3 = remaining.count > 2 ? String(remaining[2]) : "*"
      let a4 = remaining.count > 3 ? remaining[3...].joined(separator: ":") : "*"
      return "Partition \"\(partition)\" is not valid for resource \"arn:\(partition):\(a1):\(a2):\(a3):\(a4)\"."
    }
    guard let rest else { return "Resource vendor must be fully qualified and cannot contain regexes." }
    let fields = rest.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
    let service = fields[0]
    let region = fields.count > 1 ? fields[1] : ""
    let resourceID = fields.count > 3 ? fields[3] : ""
    if service == "iam" && !region.isEmpty {
      return "IAM resource \(resource) cannot contain region information."
    }
    if service == "s3" && !region.isEmpty && !Self.regionalS3Types.contains(where: { resourceID.hasPrefix($0) }) {
      return "Resource \(resource) can not contain region information."
    }
    if service == "iam", fields.count > 3, resourceID != "*",
      !PolicyParser.iamResourcePrefixes.contains(where: { resourceID.hasPrefix($0) })
    {
      let list = PolicyParser.iamResourcePrefixes.joined(separator: ", ")
      return "IAM resource path must either be \"*\" or start with \(list)."
    }
    return nil
  }

  /// Whether a date condition value passes IAM's legacy parser: ISO 8601, or whole epoch
  /// seconds within a signed 64-bit range.
  static func isLegacyDate(_ value: String) -> Bool {
    if value.contains("-") || value.lowercased().contains("t") { return PolicyDate.parse(value) != nil }
    return !value.isEmpty && value.allSatisfy { $0.isASCII && $0.isNumber } && Int64(value) != nil
  }

  /// Organizations' message for a document that its policy type does not allow.
  static let organizationsPolicyTypeMessage =
    "The provided policy document does not meet the requirements of the specified policy type."

  // MARK: principals

  private mutating func readPrincipal(_ member: JSONMember) -> PrincipalElement? {
    let negated = member.key == "NotPrincipal"
    switch member.node.value {
    case .string(let s):
      guard s == "*" else {
        syntax("`\(member.key)` must be \"*\" or an object", at: member.node.offset)
        return nil
      }
      return PrincipalElement(isNegated: negated, entries: [], isEveryone: true)
    case .object(let members):
      var entries: [PrincipalEntry] = []
      for m in members {
        guard let type = PrincipalType(rawValue: m.key) else {
          syntax("unknown principal type `\(m.key)`", at: m.keyOffset)
          return nil
        }
        guard let values = readStringList(m) else { return nil }
        for value in values where !Self.isValidPrincipal(value, type: type, allowWildcardARNs: kind.grammar == .resource) {
          report(
            .principalFormat, "invalidPrincipal",
            "Invalid principal in policy: \"\(m.key)\":\"\(value)\"",
            "`\(value)` is not a valid \(m.key) principal", at: m.node.offset)
        }
        entries.append(PrincipalEntry(type: type, values: values))
      }
      if entries.isEmpty {
        syntax("`\(member.key)` is empty", at: member.node.offset)
        return nil
      }
      return PrincipalElement(isNegated: negated, entries: entries)
    default:
      syntax("`\(member.key)` must be \"*\" or an object", at: member.node.offset)
      return nil
    }
  }

  /// Whether IAM accepts `value` as a principal of `type`. Wildcards are accepted only as the
  /// whole value: IAM does not match part of a principal's name.
  /// Resource-based policies of some services accept such ARNs; they then match nothing.
  static func isValidPrincipal(_ value: String, type: PrincipalType, allowWildcardARNs: Bool = false) -> Bool {
    if value.isEmpty || value.contains(where: \.isWhitespace) { return false }
    switch type {
    case .aws:
      if value == "*" { return true }
      if value.count == 12 && value.allSatisfy(\.isASCII) && value.allSatisfy(\.isNumber) { return true }
      if value.hasPrefix("arn:") {
        if !allowWildcardARNs && (value.contains("*") || value.contains("?")) { return false }
        guard let arn = ARN(value) else { return false }
        return (arn.service == "iam" || arn.service == "sts") && !arn.account.isEmpty
      }
      // Unique ids (AIDA..., AROA...) stand for deleted or renamed principals.
      return value.hasPrefix("A") && value.count >= 16 && value.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    case .service:
      return value == "*" || (value.contains(".") && !value.contains("*"))
    case .federated:
      if value.hasPrefix("arn:") { return ARN(value) != nil && !value.contains("*") }
      return !value.contains("*")
    case .canonicalUser:
      return value == "*" || (value.count == 64 && value.allSatisfy(\.isHexDigit))
    }
  }

  // MARK: conditions

  private mutating func readConditions(_ node: JSONNode) -> [ConditionEntry] {
    guard let operators = node.members else {
      syntax("`Condition` must be an object", at: node.offset)
      return []
    }
    var entries: [ConditionEntry] = []
    var seenOperators: Set<String> = []
    for opMember in operators {
      if !seenOperators.insert(opMember.key).inserted {
        syntax("duplicate condition operator `\(opMember.key)`", at: opMember.keyOffset)
      }
      guard let keys = opMember.node.members else {
        syntax("the value of condition operator `\(opMember.key)` must be an object", at: opMember.node.offset)
        continue
      }
      guard let op = ConditionOperator(name: opMember.key) else {
        // Fail closed: an operator we do not know is refused when the policy is written.
        report(
          .syntax, "unknownConditionOperator", "Invalid Condition type : \(opMember.key)",
          "unknown condition operator `\(opMember.key)`", at: opMember.keyOffset)
        continue
      }
      var seenKeys: Set<String> = []
      for keyMember in keys {
        if !seenKeys.insert(keyMember.key.lowercased()).inserted {
          syntax("duplicate condition key `\(keyMember.key)` under `\(opMember.key)`", at: keyMember.keyOffset)
        }
        var values: [String] = []
        switch keyMember.node.value {
        case .array(let items):
          for item in items {
            guard let text = item.scalarText else {
              syntax("condition values must be strings, numbers or booleans", at: item.offset)
              continue
            }
            values.append(text)
          }
        default:
          guard let text = keyMember.node.scalarText else {
            syntax("condition values must be strings, numbers or booleans", at: keyMember.node.offset)
            continue
          }
          values.append(text)
        }
        checkConditionValues(op, key: keyMember.key, values: values, at: keyMember.node.offset)
        entries.append(
          ConditionEntry(conditionOperator: op, key: keyMember.key, values: values, offset: keyMember.keyOffset))
      }
    }
    return entries
  }

  private mutating func checkConditionValues(
    _ op: ConditionOperator, key: String, values: [String], at offset: Int
  ) {
    switch op.base {
    case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
      .dateGreaterThanEquals:
      for value in values where !Self.isLegacyDate(value) {
        report(
          .legacy, "invalidDate", "The policy failed legacy parsing",
          "`\(value)` is not an ISO 8601 date or epoch seconds", at: offset)
      }
    case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals,
      .numericGreaterThan, .numericGreaterThanEquals:
      for value in values where PolicyNumber.parse(value) == nil {
        report(
          .grammar, "invalidNumber", "Syntax errors in policy.",
          "`\(value)` is not a number", at: offset, severity: .warning)
      }
    case .ipAddress, .notIpAddress:
      for value in values where IPAddressRange(value) == nil {
        report(
          .grammar, "invalidIPAddress", "Syntax errors in policy.",
          "`\(value)` is not an IP address or CIDR block", at: offset, severity: .warning)
      }
    case .bool, .null:
      for value in values where value.lowercased() != "true" && value.lowercased() != "false" {
        report(
          .grammar, "invalidBoolean", "Syntax errors in policy.",
          "`\(value)` is not `true` or `false`", at: offset, severity: .warning)
      }
    default:
      break
    }
    if !key.contains(":") {
      report(
        .actionFormat, "conditionKeyVendor",
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        "condition key `\(key)` has no prefix", at: offset, severity: .warning)
    }
  }
}

/// The members of a statement object by element name, without a dictionary: a statement has at
/// most nine elements, and policies are parsed by the thousand at start-up.
struct StatementMembers {
  private var members: [JSONMember?] = Array(repeating: nil, count: 9)

  private static func slot(_ key: String) -> Int? {
    switch key {
    case "Sid": 0
    case "Effect": 1
    case "Action": 2
    case "NotAction": 3
    case "Resource": 4
    case "NotResource": 5
    case "Principal": 6
    case "NotPrincipal": 7
    case "Condition": 8
    default: nil
    }
  }

  subscript(key: String) -> JSONMember? {
    get { Self.slot(key).flatMap { members[$0] } }
    set { if let i = Self.slot(key) { members[i] = newValue } }
  }
}

extension DocumentReader {
  /// S3's resource types whose ARNs carry a Region (the service authorization reference):
  /// buckets and objects do not, and IAM refuses a Region in theirs.
  static let regionalS3Types = [
    "accesspoint/", "job/", "storage-lens/", "storage-lens-group/", "access-grants/", "async-request/",
  ]
}
