import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// `AssumeRole`: the trust policy decides with the caller's identity policies, as the engine
/// evaluates a role trust policy; then duration, session policy and tag rules.
@Suite("STS AssumeRole")
struct STSAssumeRoleTests {
  typealias S = STSTestAccount
  typealias A = IAMTestAccount

  static let alice = "arn:aws:iam::123456789012:user/alice"
  static let appRole = "arn:aws:iam::123456789012:role/App"

  static func deniedMessage(_ caller: String = alice, role: String = appRole, action: String = "sts:AssumeRole") -> AWSError {
    .accessDenied("User: \(caller) is not authorized to perform: \(action) on resource: \(role)")
  }

  /// One row: a trust policy for role App, an identity policy for alice, allowed or not.
  struct TrustCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let trust: String
    var identity: String? = nil
    var input: [String: ModelValue] = [:]
    let allowed: Bool
  }

  static let trustCases = [
    TrustCase(
      testDescription: "trust names alice, no identity policy: allowed (same account)",
      trust: S.trust(alice), allowed: true),
    TrustCase(
      testDescription: "trust names the account, no identity policy: denied",
      trust: S.trust("123456789012"), allowed: false),
    TrustCase(
      testDescription: "trust names the account root, identity allows sts:AssumeRole on the role: allowed",
      trust: S.trust("arn:aws:iam::123456789012:root"), identity: A.allow("sts:AssumeRole", resource: appRole),
      allowed: true),
    TrustCase(
      testDescription: "trust names another user, identity allows: denied (the trust policy must allow)",
      trust: S.trust("arn:aws:iam::123456789012:user/bob"), identity: A.allow("sts:AssumeRole"), allowed: false),
    TrustCase(
      testDescription: "trust names alice but an identity policy denies sts:AssumeRole: denied",
      trust: S.trust(alice), identity: A.deny("sts:AssumeRole"), allowed: false),
    TrustCase(
      testDescription: "trust allows only sts:TagSession: denied",
      trust: S.trust(alice, actions: ["sts:TagSession"]), allowed: false),
    TrustCase(
      testDescription: "ExternalId required, none given: denied",
      trust: S.trust(alice, condition: #"{"StringEquals":{"sts:ExternalId":"x-123"}}"#), allowed: false),
    TrustCase(
      testDescription: "ExternalId required, a wrong one given: denied",
      trust: S.trust(alice, condition: #"{"StringEquals":{"sts:ExternalId":"x-123"}}"#),
      input: ["ExternalId": "x-999"], allowed: false),
    TrustCase(
      testDescription: "ExternalId required and given: allowed",
      trust: S.trust(alice, condition: #"{"StringEquals":{"sts:ExternalId":"x-123"}}"#),
      input: ["ExternalId": "x-123"], allowed: true),
    TrustCase(
      testDescription: "MFA required, long-term key (key absent): denied",
      trust: S.trust(alice, condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#), allowed: false),
    TrustCase(
      testDescription: "session name constrained by sts:RoleSessionName: allowed for the right name",
      trust: S.trust(alice, condition: #"{"StringLike":{"sts:RoleSessionName":"${aws:username}"}}"#),
      input: ["RoleSessionName": "alice"], allowed: true),
    TrustCase(
      testDescription: "session name constrained by sts:RoleSessionName: denied for another",
      trust: S.trust(alice, condition: #"{"StringLike":{"sts:RoleSessionName":"${aws:username}"}}"#),
      input: ["RoleSessionName": "mallory"], allowed: false),
  ]

  @Test("the trust policy decides with the caller's identity policies", arguments: trustCases)
  func trust(_ row: TrustCase) throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: row.trust)
    if let identity = row.identity { try account.putPolicy(user: "alice", identity) }
    var input: [String: ModelValue] = ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1"]
    for (k, v) in row.input { input[k] = v }
    let error = account.error("AssumeRole", .structure(input), as: account.user("alice"))
    #expect(error == (row.allowed ? nil : Self.deniedMessage()))
  }

  @Test("the result: ASIA credentials whose token opens to the role session, AROA…:session, the sts ARN")
  func result() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice))
    let output = try account.call(
      "AssumeRole", ["RoleArn": .string(Self.appRole), "RoleSessionName": "build-42"], as: account.user("alice"))
    let roleID = try #require(account.iamAccount.entities.roles["app"]?.id)

    #expect(output.string(at: "AssumedRoleUser", "AssumedRoleId") == "\(roleID):build-42")
    #expect(output.string(at: "AssumedRoleUser", "Arn") == "arn:aws:sts::123456789012:assumed-role/App/build-42")
    #expect(output.value(at: "PackedPolicySize") == nil)
    let keyID = try #require(output.string(at: "Credentials", "AccessKeyId"))
    #expect(keyID.hasPrefix("ASIA"))
    #expect(output.string(at: "Credentials", "SecretAccessKey")?.count == 40)
    #expect(output.value(at: "Credentials", "Expiration") == .timestamp(A.now.addingTimeInterval(3600)))

    let token = try SessionToken.open(
      #require(output.string(at: "Credentials", "SessionToken")), with: account.ring, accessKeyID: keyID, now: A.now)
    #expect(token.principalARN == "arn:aws:sts::123456789012:assumed-role/App/build-42")
    #expect(token.principalID == roleID)
    #expect(token.secretAccessKey == output.string(at: "Credentials", "SecretAccessKey"))
    #expect(token.mfaAuthenticatedAt == nil)

    let session = try account.sessionCaller(output)
    #expect(session.userID == "\(roleID):build-42")
    #expect(session.userName == nil)
    #expect(session.isRoleSession)
    #expect(session.session?.kind == .assumedRole(roleName: "App", roleID: roleID))
  }

  @Test("a role that does not exist, or named with another path, is refused like an untrusting one")
  func missingRole() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice))
    for arn in ["arn:aws:iam::123456789012:role/Nope", "arn:aws:iam::123456789012:role/team/App",
                "arn:aws:iam::123456789012:role/app", "arn:aws:iam::999999999999:role/App"] {
      let error = account.error("AssumeRole", ["RoleArn": .string(arn), "RoleSessionName": "s1"], as: account.user("alice"))
      #expect(error == Self.deniedMessage(role: arn))
    }
    let error = account.error(
      "AssumeRole", ["RoleArn": "arn:aws:iam::123456789012:user/alice", "RoleSessionName": "s1"], as: account.user("alice"))
    #expect(error == .validationError("Request ARN is invalid"))
  }

  @Test("the root user cannot assume roles")
  func rootRefused() throws {
    let account = try S()
    try account.createRole("App", trust: S.trust("arn:aws:iam::123456789012:root"))
    let error = account.error("AssumeRole", ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1"], as: account.root)
    #expect(error == .accessDenied("Roles may not be assumed by root accounts."))
  }

  @Test("across accounts the trust policy and the caller's identity policies must both allow")
  func crossAccount() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    let other = try IAMTestAccount(joining: account.iamAccount, accountID: "210987654321")
    try other.call(
      "CreateRole", ["RoleName": "Audit", "AssumeRolePolicyDocument": .string(S.trust(Self.alice))])
    let audit = "arn:aws:iam::210987654321:role/Audit"
    let input: ModelValue = ["RoleArn": .string(audit), "RoleSessionName": "s1"]

    #expect(account.error("AssumeRole", input, as: account.user("alice")) == Self.deniedMessage(role: audit))
    try account.putPolicy(user: "alice", A.allow("sts:AssumeRole", resource: audit))
    let output = try account.call("AssumeRole", input, as: account.user("alice"))
    #expect(output.string(at: "AssumedRoleUser", "Arn") == "arn:aws:sts::210987654321:assumed-role/Audit/s1")
    let session = try account.sessionCaller(output)
    #expect(session.accountID == "210987654321")
    #expect(TemporaryAccessKeyID.accountID(of: session.accessKeyID) == "210987654321")
  }

  /// DurationSeconds against the wire range, MaxSessionDuration and role chaining.
  struct DurationCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let maxSession: Int?
    let duration: Int?
    /// The error message, or nil when allowed.
    let error: String?
  }

  static let durationCases = [
    DurationCase(testDescription: "default: one hour", maxSession: nil, duration: nil, error: nil),
    DurationCase(testDescription: "900 seconds: the minimum", maxSession: nil, duration: 900, error: nil),
    DurationCase(
      testDescription: "899 seconds: below the minimum", maxSession: nil, duration: 899,
      error: "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"),
    DurationCase(
      testDescription: "7200 seconds with the default MaxSessionDuration", maxSession: nil, duration: 7200,
      error: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
    DurationCase(testDescription: "7200 seconds with MaxSessionDuration 7200", maxSession: 7200, duration: 7200, error: nil),
    DurationCase(testDescription: "43200 seconds with MaxSessionDuration 43200", maxSession: 43200, duration: 43200, error: nil),
    DurationCase(
      testDescription: "43201 seconds: above the maximum", maxSession: 43200, duration: 43201,
      error: "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"),
  ]

  @Test("DurationSeconds runs from 900 to the role's MaxSessionDuration", arguments: durationCases)
  func duration(_ row: DurationCase) throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice), maxSessionDuration: row.maxSession)
    var input: [String: ModelValue] = ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1"]
    if let duration = row.duration { input["DurationSeconds"] = .integer(Int64(duration)) }
    do {
      let output = try account.call("AssumeRole", .structure(input), as: account.user("alice"))
      #expect(row.error == nil)
      let expected = A.now.addingTimeInterval(TimeInterval(row.duration ?? 3600))
      #expect(output.value(at: "Credentials", "Expiration") == .timestamp(expected))
    } catch {
      #expect(error == .validationError(row.error ?? "no error expected"))
    }
  }

  @Test("a duration the role does not allow is refused only after the trust policy allowed the caller")
  func durationAfterTrust() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust("arn:aws:iam::123456789012:user/bob"))
    let error = account.error(
      "AssumeRole", ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1", "DurationSeconds": 7200],
      as: account.user("alice"))
    #expect(error == Self.deniedMessage())
  }

  @Test("role chaining: a session trusted by another role assumes it, for at most an hour")
  func chaining() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice), maxSessionDuration: 43200)
    let deployARN = try account.createRole("Deploy", trust: S.trust(Self.appRole), maxSessionDuration: 43200)
    let app = try account.assume(Self.appRole, session: "first", as: account.user("alice"))

    let long = account.error(
      "AssumeRole", ["RoleArn": .string(deployARN), "RoleSessionName": "second", "DurationSeconds": 7200], as: app)
    #expect(long == .validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."))

    let deploy = try account.assume(deployARN, session: "second", as: app)
    #expect(deploy.arn == "arn:aws:sts::123456789012:assumed-role/Deploy/second")

    // A role the session's role is not trusted by.
    let other = try account.createRole("Other", trust: S.trust(Self.alice))
    #expect(
      account.error("AssumeRole", ["RoleArn": .string(other), "RoleSessionName": "x1"], as: app)
        == Self.deniedMessage("arn:aws:sts::123456789012:assumed-role/App/first", role: other))
  }

  @Test("a chained assumption through an account-wide trust needs the role's policies, within the session policy")
  func chainingThroughIdentityPolicies() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice))
    let target = try account.createRole("Target", trust: S.trust("123456789012"))
    let input: ModelValue = ["RoleArn": .string(target), "RoleSessionName": "t1"]

    let plain = try account.assume(Self.appRole, as: account.user("alice"))
    #expect(account.error("AssumeRole", input, as: plain) != nil, "the role has no policy allowing sts:AssumeRole")

    try account.putPolicy(role: "App", A.allow("sts:AssumeRole"))
    #expect(account.error("AssumeRole", input, as: plain) == nil)

    let narrowed = try account.assume(
      Self.appRole, session: "narrow", as: account.user("alice"), ["Policy": .string(A.allow("s3:GetObject"))])
    #expect(
      account.error("AssumeRole", input, as: narrowed)
        == Self.deniedMessage("arn:aws:sts::123456789012:assumed-role/App/narrow", role: target))
  }

  @Test("session policies: validated as session policies, reported in PackedPolicySize, too large refused")
  func sessionPolicies() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice))
    func assume(_ extra: [String: ModelValue]) throws(AWSError) -> ModelValue {
      var input: [String: ModelValue] = ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1"]
      for (k, v) in extra { input[k] = v }
      return try account.call("AssumeRole", .structure(input), as: account.user("alice"))
    }

    let valid = A.allow("s3:GetObject")
    let output = try assume(["Policy": .string(valid)])
    let percent = try #require(output.value(at: "PackedPolicySize")?.integerValue)
    #expect(percent > 0 && percent <= 100)
    let session = try account.sessionCaller(output)
    #expect(session.session?.sessionPolicy == valid)

    #expect(throws: AWSError.malformedPolicyDocument("Syntax errors in policy.")) { try assume(["Policy": "{not json"]) }
    let withPrincipal =
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#
    #expect {
      try assume(["Policy": .string(withPrincipal)])
    } throws: { ($0 as? AWSError)?.code == "MalformedPolicyDocument" }

    let huge = A.allow(Array(repeating: "s3:GetObject", count: 200).joined(separator: "\",\""))
    #expect {
      try assume(["Policy": .string(huge)])
    } throws: { ($0 as? AWSError)?.code == "PackedPolicyTooLarge" }

    let managed = try assume(["PolicyArns": [["arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"]]])
    #expect(try account.sessionCaller(managed).session?.sessionPolicyARNs == ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    #expect {
      try assume(["PolicyArns": [["arn": "arn:aws:iam::123456789012:user/alice"]]])
    } throws: { ($0 as? AWSError)?.code == "ValidationError" }
  }

  @Test("session tags need sts:TagSession, reach the trust policy as aws:RequestTag, and pass on when transitive")
  func sessionTags() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    let tagged = [["Key": "team", "Value": "blue"]] as ModelValue
    try account.createRole("App", trust: S.trust(Self.alice))
    let refused = account.error(
      "AssumeRole", ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1", "Tags": tagged], as: account.user("alice"))
    #expect(refused == Self.deniedMessage(action: "sts:TagSession"))

    try account.iam(
      "UpdateAssumeRolePolicy",
      ["RoleName": "App", "PolicyDocument": .string(S.trust(
        Self.alice, actions: ["sts:AssumeRole", "sts:TagSession"],
        condition: #"{"StringEquals":{"aws:RequestTag/team":"blue"}}"#))])
    let wrongTag = account.error(
      "AssumeRole",
      ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1", "Tags": [["Key": "team", "Value": "red"]]],
      as: account.user("alice"))
    #expect(wrongTag == Self.deniedMessage())

    let app = try account.assume(
      Self.appRole, as: account.user("alice"), ["Tags": tagged, "TransitiveTagKeys": ["team"]])
    #expect(app.session?.tags == [Tag(key: "team", value: "blue")])
    #expect(app.session?.transitiveTagKeys == ["team"])

    // Chained: the transitive tag passes on and cannot be overridden.
    let next = try account.createRole(
      "Next", trust: S.trust(Self.appRole, condition: #"{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#))
    let chained = try account.assume(next, session: "s2", as: app)
    #expect(chained.session?.tags == [Tag(key: "team", value: "blue")])
    #expect(chained.session?.transitiveTagKeys == ["team"])
    try account.iam(
      "UpdateAssumeRolePolicy",
      ["RoleName": "Next", "PolicyDocument": .string(S.trust(Self.appRole, actions: ["sts:AssumeRole", "sts:TagSession"]))])
    #expect {
      try account.call(
        "AssumeRole", ["RoleArn": .string(next), "RoleSessionName": "s3", "Tags": [["Key": "Team", "Value": "red"]]],
        as: app)
    } throws: { ($0 as? AWSError)?.code == "ValidationError" }

    #expect {
      try account.call(
        "AssumeRole",
        ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1", "Tags": tagged, "TransitiveTagKeys": ["other"]],
        as: account.user("alice"))
    } throws: { ($0 as? AWSError)?.code == "ValidationError" }
  }

  @Test("RoleSessionName is 2 to 64 of [\\w+=,.@-]", arguments: ["a", String(repeating: "x", count: 65), "has space", "slash/no"])
  func sessionNames(_ name: String) throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice))
    #expect {
      try account.call("AssumeRole", ["RoleArn": .string(Self.appRole), "RoleSessionName": .string(name)], as: account.user("alice"))
    } throws: { ($0 as? AWSError)?.message.contains("at 'roleSessionName' failed to satisfy constraint") == true }
  }

  @Test("MFA: a code the verifier accepts sets aws:MultiFactorAuthPresent; without a verifier every code fails")
  func mfa() throws {
    let account = try S(verifyMFA: { caller, serial, code in
      serial == "arn:aws:iam::123456789012:mfa/alice" && code == "123456" && caller.userName == "alice"
    })
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice, condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#))
    let serial: ModelValue = "arn:aws:iam::123456789012:mfa/alice"
    let app = try account.assume(
      Self.appRole, as: account.user("alice"), ["SerialNumber": serial, "TokenCode": "123456"])
    #expect(app.session?.mfaAuthenticatedAt == A.now)

    #expect(
      account.error(
        "AssumeRole", ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1", "SerialNumber": serial, "TokenCode": "000000"],
        as: account.user("alice")) == .accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. "))

    let unverified = try S()
    try unverified.iamAccount.createUser("alice")
    try unverified.createRole("App", trust: S.trust(Self.alice))
    #expect(
      unverified.error(
        "AssumeRole", ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1", "SerialNumber": serial, "TokenCode": "123456"],
        as: unverified.user("alice"))?.code == "AccessDenied")
  }

  @Test("SourceIdentity needs sts:SetSourceIdentity and is kept down the chain")
  func sourceIdentity() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice))
    let input: ModelValue = ["RoleArn": .string(Self.appRole), "RoleSessionName": "s1", "SourceIdentity": "alice"]
    #expect(account.error("AssumeRole", input, as: account.user("alice")) == Self.deniedMessage(action: "sts:SetSourceIdentity"))

    try account.iam(
      "UpdateAssumeRolePolicy",
      ["RoleName": "App", "PolicyDocument": .string(S.trust(Self.alice, actions: ["sts:AssumeRole", "sts:SetSourceIdentity"]))])
    let output = try account.call("AssumeRole", input, as: account.user("alice"))
    #expect(output.string(at: "SourceIdentity") == "alice")
    let app = try account.sessionCaller(output)

    let next = try account.createRole("Next", trust: S.trust(Self.appRole))
    let chained = try account.assume(next, session: "s2", as: app)
    #expect(chained.session?.sourceIdentity == "alice")
    #expect {
      try account.call("AssumeRole", ["RoleArn": .string(next), "RoleSessionName": "s3", "SourceIdentity": "bob"], as: app)
    } throws: { ($0 as? AWSError)?.code == "ValidationError" }
  }
}
