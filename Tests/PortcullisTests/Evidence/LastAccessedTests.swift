import AWSWire
import Audit
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// Service last accessed data as AWS's "Refine permissions in AWS using last accessed
/// information" and the `GenerateServiceLastAccessedDetails` / `GetServiceLastAccessedDetails`
/// / `GetServiceLastAccessedDetailsWithEntities` references describe it: every service the
/// entity's permissions policies allow, with the newest *authenticated* attempt to use it
/// (denied ones included), the entity that made it, and at `ACTION_LEVEL` the actions.
@Suite("Service last accessed")
struct LastAccessedTests {
  static let account = IAMTestAccount.id
  static let now = IAMTestAccount.now
  static let earlier = now.addingTimeInterval(-3_600)
  static let earliest = now.addingTimeInterval(-7_200)

  /// An account on an in-memory directory whose IAM service reads attempts from `index`, which
  /// the tests feed with trail records as the trail writer would.
  struct Bed {
    let directory: Directory
    let iam: IAMService
    let index: ServiceAccessIndex

    init(index: ServiceAccessIndex = ServiceAccessIndex()) throws {
      directory = try Directory(store: try SQLiteDirectoryStore(), secrets: .ephemeral())
      try directory.write { tx in tx.put(Account(id: LastAccessedTests.account, createDate: LastAccessedTests.now)) }
      self.index = index
      iam = IAMService(directory: directory, authorizer: Authorizer(), now: { LastAccessedTests.now }, serviceAccess: index)
    }

    var root: Caller { caller("arn:aws:iam::\(LastAccessedTests.account):root", id: LastAccessedTests.account) }

    func caller(_ arn: String, id: String, accountID: String = LastAccessedTests.account) -> Caller {
      Caller(
        accountID: accountID, principal: RequestPrincipal(arn), userName: nil, userID: id, accessKeyID: "AKIATESTCALLER000000",
        sourceIP: "192.0.2.10", secureTransport: true, region: "us-east-1", time: LastAccessedTests.now)
    }

    @discardableResult
    func call(_ operation: String, _ input: ModelValue = [:], as caller: Caller? = nil) throws(AWSError) -> ModelValue {
      try iam.handle(operation, input: input, caller: caller ?? root)
    }

    func error(_ operation: String, _ input: ModelValue, as caller: Caller? = nil) -> AWSError? {
      do {
        try call(operation, input, as: caller)
        return nil
      } catch {
        return error
      }
    }

    var entities: AccountDirectory { directory.snapshot.accounts[LastAccessedTests.account]! }

    /// Creates user `name` with an inline policy allowing `actions`; returns it.
    @discardableResult
    func user(_ name: String, allowing actions: String...) throws -> User {
      try call("CreateUser", ["UserName": .string(name)])
      if !actions.isEmpty {
        try call(
          "PutUserPolicy",
          ["UserName": .string(name), "PolicyName": "p", "PolicyDocument": .string(IAMTestAccount.statement("Allow", actions))])
      }
      return entities.users[name.lowercased()]!
    }

    /// Records that `user` called `service:action` at `time`, as the trail records the call.
    func used(
      _ user: User, _ service: String, _ action: String, at time: Date = LastAccessedTests.earlier,
      region: String = "us-east-1", errorCode: String? = nil
    ) {
      let identity = AuditIdentity(
        type: "IAMUser", principalID: user.id, arn: user.arn, accountID: user.accountID, accessKeyID: "AKIAUSERKEY000000000",
        userName: user.name)
      index.observe(LastAccessedTests.event(identity, service, action, at: time, region: region, errorCode: errorCode).record)
    }

    /// Records that a session of `role` called `service:action` at `time`.
    func used(_ role: Role, _ service: String, _ action: String, at time: Date = LastAccessedTests.earlier) {
      let identity = AuditIdentity(
        type: "AssumedRole", principalID: "\(role.id):session", arn: "arn:aws:sts::\(role.accountID):assumed-role/\(role.name)/session",
        accountID: role.accountID, accessKeyID: "ASIASESSIONKEY000000",
        session: AuditIdentity.Session(
          mfaAuthenticated: false, creationDate: time,
          issuer: AuditIdentity.Issuer(
            type: "Role", principalID: role.id, arn: "arn:aws:iam::\(role.accountID):role/\(role.name)",
            accountID: role.accountID, userName: role.name)))
      index.observe(LastAccessedTests.event(identity, service, action, at: time, region: "eu-west-1").record)
    }

    /// Generates a report for `arn` and returns `GetServiceLastAccessedDetails`'s answer.
    func report(_ arn: String, granularity: String = "SERVICE_LEVEL", extra: ModelValue = [:]) throws -> ModelValue {
      let job = try call("GenerateServiceLastAccessedDetails", ["Arn": .string(arn), "Granularity": .string(granularity)])
      var input = extra.structureValue ?? [:]
      input["JobId"] = job[member: "JobId"]
      return try call("GetServiceLastAccessedDetails", .structure(input))
    }

    func entitiesReport(_ arn: String, namespace: String) throws -> ModelValue {
      let job = try call("GenerateServiceLastAccessedDetails", ["Arn": .string(arn)])
      return try call(
        "GetServiceLastAccessedDetailsWithEntities", ["JobId": job[member: "JobId"]!, "ServiceNamespace": .string(namespace)])
    }
  }

  static func event(
    _ identity: AuditIdentity?, _ service: String, _ action: String, at time: Date, region: String, errorCode: String? = nil
  ) -> AuditEvent {
    AuditEvent(
      eventTime: time, eventSource: "\(service).amazonaws.com", eventName: action, awsRegion: region,
      sourceIPAddress: "192.0.2.10", userAgent: "test", identity: identity, errorCode: errorCode,
      requestID: UUID().uuidString, eventID: UUID().uuidString, readOnly: true, recipientAccountID: identity?.accountID)
  }

  /// The `ServicesLastAccessed` entry for `namespace`.
  static func service(_ namespace: String, in report: ModelValue) -> ModelValue? {
    report[member: "ServicesLastAccessed"]?.listValue?.first { $0[member: "ServiceNamespace"]?.stringValue == namespace }
  }

  static func namespaces(_ report: ModelValue) -> [String] {
    report.names(in: "ServicesLastAccessed", member: "ServiceNamespace")
  }

  // MARK: which services a report lists

  @Test("a user's report shows a used service with its attempt and an allowed, unused one without")
  func usedAndUnused() throws {
    let bed = try Bed()
    let alice = try bed.user("alice", allowing: "iam:ListUsers", "organizations:List*")
    bed.used(alice, "iam", "ListUsers", region: "eu-central-1")
    let report = try bed.report(alice.arn)
    #expect(report[member: "JobStatus"]?.stringValue == "COMPLETED")
    #expect(report[member: "JobType"]?.stringValue == "SERVICE_LEVEL")
    #expect(Self.namespaces(report) == ["iam", "organizations"])
    let iam = try #require(Self.service("iam", in: report))
    #expect(iam[member: "ServiceName"]?.stringValue == "AWS Identity and Access Management")
    #expect(iam[member: "LastAuthenticated"]?.timestampValue == Self.earlier)
    #expect(iam[member: "LastAuthenticatedEntity"]?.stringValue == alice.arn)
    #expect(iam[member: "LastAuthenticatedRegion"]?.stringValue == "eu-central-1")
    #expect(iam[member: "TotalAuthenticatedEntities"]?.integerValue == 1)
    let organizations = try #require(Self.service("organizations", in: report))
    #expect(organizations[member: "ServiceName"]?.stringValue == "AWS Organizations")
    #expect(organizations[member: "LastAuthenticated"] == nil)
    #expect(organizations[member: "LastAuthenticatedEntity"] == nil)
    #expect(organizations[member: "TotalAuthenticatedEntities"] == nil)
  }

  @Test("a service the policies do not allow is not listed, even when it was used")
  func usedButNotAllowed() throws {
    let bed = try Bed()
    let bob = try bed.user("bob", allowing: "iam:GetUser")
    bed.used(bob, "sts", "GetCallerIdentity")  // needs no permission, so anyone can call it
    #expect(Self.namespaces(try bed.report(bob.arn)) == ["iam"])
  }

  // The "last accessed" page: the data "includes all attempts to access an AWS API, not just
  // the successful ones"; an unexpected entry may be a request that was denied.
  @Test("a denied attempt counts as an access")
  func deniedAttemptCounts() throws {
    let bed = try Bed()
    let carol = try bed.user("carol", allowing: "iam:ListUsers")
    bed.used(carol, "iam", "CreateUser", errorCode: "AccessDenied")
    #expect(Self.service("iam", in: try bed.report(carol.arn))?[member: "LastAuthenticated"]?.timestampValue == Self.earlier)
  }

  // AWS "does not report unauthenticated requests".
  @Test("an attempt whose credentials failed authentication does not count")
  func unauthenticatedDoesNotCount() throws {
    let bed = try Bed()
    let dave = try bed.user("dave", allowing: "iam:ListUsers")
    bed.used(dave, "iam", "ListUsers", errorCode: "SignatureDoesNotMatch")
    bed.index.observe(
      Self.event(AuditIdentity(type: "Unknown", accessKeyID: "AKIAUSERKEY000000000"), "iam", "ListUsers", at: Self.now, region: "us-east-1")
        .record)
    #expect(Self.service("iam", in: try bed.report(dave.arn))?[member: "LastAuthenticated"] == nil)
  }

  @Test("the newest attempt wins, whatever order the records arrive in")
  func newestWins() throws {
    let bed = try Bed()
    let erin = try bed.user("erin", allowing: "iam:*")
    bed.used(erin, "iam", "ListUsers", at: Self.earlier, region: "us-west-2")
    bed.used(erin, "iam", "ListUsers", at: Self.earliest, region: "us-east-1")
    let iam = Self.service("iam", in: try bed.report(erin.arn))
    #expect(iam?[member: "LastAuthenticated"]?.timestampValue == Self.earlier)
    #expect(iam?[member: "LastAuthenticatedRegion"]?.stringValue == "us-west-2")
  }

  /// Which services a policy's actions list. `*` stands for every AWS service; this server
  /// expands it to the four it implements. A namespace named outright is listed even when the
  /// server does not implement it.
  @Test(
    "allowed actions decide the services listed",
    arguments: [
      (["*"], ["cloudtrail", "iam", "organizations", "sts"]),
      (["iam:Get*"], ["iam"]),
      (["s3:GetObject", "iam:ListUsers"], ["iam", "s3"]),
      (["s3:*"], ["s3"]),
      (["sts:AssumeRole", "cloudtrail:LookupEvents"], ["cloudtrail", "sts"]),
      (["organizations:Describe*", "sts:Get*"], ["organizations", "sts"]),
    ])
  func allowedServices(actions: [String], expected: [String]) throws {
    let bed = try Bed()
    try bed.call("CreateUser", ["UserName": "frank"])
    try bed.call(
      "PutUserPolicy",
      ["UserName": "frank", "PolicyName": "p", "PolicyDocument": .string(IAMTestAccount.statement("Allow", actions))])
    #expect(Self.namespaces(try bed.report(IAMTestAccount.userARN("frank"))) == expected)
  }

  @Test("NotAction allows every implemented service it does not exclude")
  func notAction() throws {
    let bed = try Bed()
    try bed.call("CreateUser", ["UserName": "gina"])
    let document = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#
    try bed.call("PutUserPolicy", ["UserName": "gina", "PolicyName": "p", "PolicyDocument": .string(document)])
    #expect(Self.namespaces(try bed.report(IAMTestAccount.userARN("gina"))) == ["cloudtrail", "sts"])
  }

  @Test("an unconditional Deny of a whole service removes it; a conditional one does not")
  func denyRemovesService() throws {
    let bed = try Bed()
    try bed.call("CreateUser", ["UserName": "hal"])
    let document = #"""
      {"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["iam:*","sts:*","organizations:*"],"Resource":"*"},
        {"Effect":"Deny","Action":"iam:*","Resource":"*"},
        {"Effect":"Deny","Action":"sts:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}
      """#
    try bed.call("PutUserPolicy", ["UserName": "hal", "PolicyName": "p", "PolicyDocument": .string(document)])
    #expect(Self.namespaces(try bed.report(IAMTestAccount.userARN("hal"))) == ["organizations", "sts"])
  }

  @Test("a user's report counts the policies of its groups")
  func userGroupsPolicies() throws {
    let bed = try Bed()
    try bed.user("ivy", allowing: "iam:GetUser")
    try bed.call("CreateGroup", ["GroupName": "auditors"])
    try bed.call(
      "PutGroupPolicy",
      ["GroupName": "auditors", "PolicyName": "p", "PolicyDocument": .string(IAMTestAccount.allow("cloudtrail:LookupEvents"))])
    try bed.call("AddUserToGroup", ["GroupName": "auditors", "UserName": "ivy"])
    #expect(Self.namespaces(try bed.report(IAMTestAccount.userARN("ivy"))) == ["cloudtrail", "iam"])
  }

  // MARK: granularity

  @Test("ACTION_LEVEL lists the service's allowed actions, dated where they were used")
  func actionLevel() throws {
    let bed = try Bed()
    let jack = try bed.user("jack", allowing: "iam:ListUsers", "iam:GetUser", "organizations:ListAccounts")
    bed.used(jack, "iam", "ListUsers", region: "ap-south-1")
    let report = try bed.report(jack.arn, granularity: "ACTION_LEVEL")
    #expect(report[member: "JobType"]?.stringValue == "ACTION_LEVEL")
    let actions = try #require(Self.service("iam", in: report)?[member: "TrackedActionsLastAccessed"]?.listValue)
    #expect(actions.compactMap { $0[member: "ActionName"]?.stringValue } == ["GetUser", "ListUsers"])
    let listUsers = actions[1]
    #expect(listUsers[member: "LastAccessedTime"]?.timestampValue == Self.earlier)
    #expect(listUsers[member: "LastAccessedEntity"]?.stringValue == jack.arn)
    #expect(listUsers[member: "LastAccessedRegion"]?.stringValue == "ap-south-1")
    #expect(actions[0][member: "LastAccessedTime"] == nil)
    // "null if … the principal did not use the tracked actions".
    #expect(Self.service("organizations", in: report)?[member: "TrackedActionsLastAccessed"] == nil)
  }

  @Test("SERVICE_LEVEL, the default, has no tracked actions")
  func serviceLevel() throws {
    let bed = try Bed()
    let kim = try bed.user("kim", allowing: "iam:ListUsers")
    bed.used(kim, "iam", "ListUsers")
    let job = try bed.call("GenerateServiceLastAccessedDetails", ["Arn": .string(kim.arn)])
    let report = try bed.call("GetServiceLastAccessedDetails", ["JobId": job[member: "JobId"]!])
    #expect(report[member: "JobType"]?.stringValue == "SERVICE_LEVEL")
    #expect(Self.service("iam", in: report)?[member: "TrackedActionsLastAccessed"] == nil)
  }

  // MARK: groups, roles and policies

  @Test("a group's report shows its members' attempts, naming the member who tried last")
  func groupReport() throws {
    let bed = try Bed()
    let lee = try bed.user("lee")
    let max = try bed.user("max")
    try bed.user("ned")
    try bed.call("CreateGroup", ["GroupName": "admins"])
    try bed.call(
      "PutGroupPolicy", ["GroupName": "admins", "PolicyName": "p", "PolicyDocument": .string(IAMTestAccount.allow("iam:*"))])
    for name in ["lee", "max", "ned"] { try bed.call("AddUserToGroup", ["GroupName": "admins", "UserName": .string(name)]) }
    bed.used(lee, "iam", "ListUsers", at: Self.earliest)
    bed.used(max, "iam", "GetUser", at: Self.earlier)
    let group = bed.entities.groups["admins"]!
    let iam = try #require(Self.service("iam", in: try bed.report(group.arn)))
    #expect(iam[member: "LastAuthenticatedEntity"]?.stringValue == max.arn)
    #expect(iam[member: "TotalAuthenticatedEntities"]?.integerValue == 2)

    let entities = try bed.entitiesReport(group.arn, namespace: "iam")
    let list = try #require(entities[member: "EntityDetailsList"]?.listValue)
    // Newest attempt first; a member who never tried comes last, without a date.
    #expect(list.compactMap { $0.string(at: "EntityInfo", "Name") } == ["max", "lee", "ned"])
    #expect(list[0].string(at: "EntityInfo", "Type") == "USER")
    #expect(list[0].string(at: "EntityInfo", "Id") == max.id)
    #expect(list[0].string(at: "EntityInfo", "Arn") == max.arn)
    #expect(list[0].string(at: "EntityInfo", "Path") == "/")
    #expect(list[0][member: "LastAuthenticated"]?.timestampValue == Self.earlier)
    #expect(list[2][member: "LastAuthenticated"] == nil)
    #expect(entities[member: "JobStatus"]?.stringValue == "COMPLETED")
  }

  @Test("a role's report counts its sessions' attempts, credited to the role")
  func roleReport() throws {
    let bed = try Bed()
    try bed.call("CreateRole", ["RoleName": "deployer", "Path": "/app/", "AssumeRolePolicyDocument": .string(IAMTestAccount.ec2Trust)])
    try bed.call(
      "PutRolePolicy", ["RoleName": "deployer", "PolicyName": "p", "PolicyDocument": .string(IAMTestAccount.allow("iam:*"))])
    let role = bed.entities.roles["deployer"]!
    bed.used(role, "iam", "ListRoles")
    let iam = try #require(Self.service("iam", in: try bed.report(role.arn)))
    #expect(iam[member: "LastAuthenticatedEntity"]?.stringValue == "arn:aws:iam::\(Self.account):role/app/deployer")
    #expect(iam[member: "LastAuthenticatedRegion"]?.stringValue == "eu-west-1")
  }

  @Test("a managed policy's report covers the users and roles it is attached to, directly or through a group")
  func policyReport() throws {
    let bed = try Bed()
    try bed.call("CreatePolicy", ["PolicyName": "reader", "PolicyDocument": .string(IAMTestAccount.allow("iam:Get*", "iam:List*"))])
    let policyARN = IAMTestAccount.policyARN("reader")
    let olga = try bed.user("olga")
    let pam = try bed.user("pam")
    let quinn = try bed.user("quinn", allowing: "iam:*")
    try bed.call("AttachUserPolicy", ["UserName": "olga", "PolicyArn": .string(policyARN)])
    try bed.call("CreateGroup", ["GroupName": "readers"])
    try bed.call("AttachGroupPolicy", ["GroupName": "readers", "PolicyArn": .string(policyARN)])
    try bed.call("AddUserToGroup", ["GroupName": "readers", "UserName": "pam"])
    bed.used(olga, "iam", "GetUser", at: Self.earliest)
    bed.used(pam, "iam", "ListUsers", at: Self.earlier)
    bed.used(quinn, "iam", "ListRoles", at: Self.now)  // not attached: not counted
    let report = try bed.report(policyARN)
    #expect(Self.namespaces(report) == ["iam"])
    let iam = try #require(Self.service("iam", in: report))
    #expect(iam[member: "LastAuthenticatedEntity"]?.stringValue == pam.arn)
    #expect(iam[member: "TotalAuthenticatedEntities"]?.integerValue == 2)
    let list = try bed.entitiesReport(policyARN, namespace: "iam")[member: "EntityDetailsList"]?.listValue ?? []
    #expect(list.compactMap { $0.string(at: "EntityInfo", "Name") } == ["pam", "olga"])
  }

  @Test("an AWS managed policy's report covers the account's entities it is attached to")
  func awsManagedPolicyReport() throws {
    let bed = try Bed()
    let rita = try bed.user("rita")
    let policyARN = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    try bed.call("AttachUserPolicy", ["UserName": "rita", "PolicyArn": .string(policyARN)])
    bed.used(rita, "iam", "ListUsers")
    let iam = Self.service("iam", in: try bed.report(policyARN))
    #expect(iam?[member: "LastAuthenticatedEntity"]?.stringValue == rita.arn)
  }

  @Test("a user or role report's entity list is the entity itself")
  func userEntities() throws {
    let bed = try Bed()
    let sam = try bed.user("sam", allowing: "iam:ListUsers")
    bed.used(sam, "iam", "ListUsers")
    let list = try bed.entitiesReport(sam.arn, namespace: "iam")[member: "EntityDetailsList"]?.listValue ?? []
    #expect(list.compactMap { $0.string(at: "EntityInfo", "Arn") } == [sam.arn])
    let other = try bed.entitiesReport(sam.arn, namespace: "organizations")[member: "EntityDetailsList"]?.listValue
    #expect(other == [])
  }

  @Test("a user deleted and created again does not inherit the old user's attempts")
  func recreatedUser() throws {
    let bed = try Bed()
    let old = try bed.user("tom", allowing: "iam:ListUsers")
    bed.used(old, "iam", "ListUsers")
    try bed.call("DeleteUserPolicy", ["UserName": "tom", "PolicyName": "p"])
    try bed.call("DeleteUser", ["UserName": "tom"])
    let new = try bed.user("tom", allowing: "iam:ListUsers")
    #expect(Self.service("iam", in: try bed.report(new.arn))?[member: "LastAuthenticated"] == nil)
  }

  // MARK: paging and errors

  @Test("MaxItems and Marker page through the services in namespace order")
  func paging() throws {
    let bed = try Bed()
    let uma = try bed.user("uma", allowing: "*")
    let job = try bed.call("GenerateServiceLastAccessedDetails", ["Arn": .string(uma.arn)])
    var seen: [String] = []
    var marker: ModelValue?
    repeat {
      var input: [String: ModelValue] = ["JobId": job[member: "JobId"]!, "MaxItems": 3]
      input["Marker"] = marker
      let page = try bed.call("GetServiceLastAccessedDetails", .structure(input))
      seen += Self.namespaces(page)
      marker = page[member: "IsTruncated"]?.booleanValue == true ? page[member: "Marker"] : nil
    } while marker != nil
    #expect(seen == ["cloudtrail", "iam", "organizations", "sts"])
  }

  @Test(
    "bad requests get AWS's errors",
    arguments: [
      ("arn:aws:s3:::some-bucket-name", "InvalidInput"),
      ("arn:aws:iam::123456789012:mfa/device", "InvalidInput"),
      ("not an arn at all, but long", "InvalidInput"),
      ("arn:aws:iam::123456789012:user/nobody", "NoSuchEntity"),
      ("arn:aws:iam::123456789012:group/nobody", "NoSuchEntity"),
      ("arn:aws:iam::123456789012:role/nobody", "NoSuchEntity"),
      ("arn:aws:iam::123456789012:policy/nobody", "NoSuchEntity"),
      ("arn:aws:iam::aws:policy/NoSuchAWSPolicy", "NoSuchEntity"),
      ("arn:aws:iam::210987654321:user/someone", "NoSuchEntity"),
    ])
  func generateErrors(arn: String, code: String) throws {
    let bed = try Bed()
    #expect(bed.error("GenerateServiceLastAccessedDetails", ["Arn": .string(arn)])?.code == code)
  }

  @Test("an unknown job id is NoSuchEntity")
  func unknownJob() throws {
    let bed = try Bed()
    let id = ModelValue.string(UUID().uuidString.lowercased())
    #expect(bed.error("GetServiceLastAccessedDetails", ["JobId": id])?.code == "NoSuchEntity")
    #expect(bed.error("GetServiceLastAccessedDetailsWithEntities", ["JobId": id, "ServiceNamespace": "iam"])?.code == "NoSuchEntity")
  }

  @Test("another account's job is NoSuchEntity")
  func otherAccountsJob() throws {
    let bed = try Bed()
    let vic = try bed.user("vic", allowing: "iam:ListUsers")
    let job = try bed.call("GenerateServiceLastAccessedDetails", ["Arn": .string(vic.arn)])
    try bed.directory.write { tx in tx.put(Account(id: "210987654321", createDate: Self.now)) }
    let stranger = bed.caller("arn:aws:iam::210987654321:root", id: "210987654321", accountID: "210987654321")
    #expect(bed.error("GetServiceLastAccessedDetails", ["JobId": job[member: "JobId"]!], as: stranger)?.code == "NoSuchEntity")
  }

  @Test("generating a report needs iam:GenerateServiceLastAccessedDetails on the entity")
  func needsPermission() throws {
    let bed = try Bed()
    let wes = try bed.user("wes", allowing: "iam:GetServiceLastAccessedDetails")
    let caller = bed.caller(wes.arn, id: wes.id)
    #expect(bed.error("GenerateServiceLastAccessedDetails", ["Arn": .string(wes.arn)], as: caller)?.code == "AccessDenied")
  }

  // MARK: the index over a real trail

  @Test("the index follows a trail's new records and, on a new start, rebuilds from its segment files")
  func followsAndRebuilds() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("last-accessed-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let files = TrailFiles(root: folder)
    let trail = try TrailWriter(files: files)
    let bed = try Bed()
    bed.index.follow(trail)
    let xena = try bed.user("xena", allowing: "iam:ListUsers")
    let identity = AuditIdentity(type: "IAMUser", principalID: xena.id, arn: xena.arn, accountID: Self.account, userName: "xena")
    trail.record(Self.event(identity, "iam", "ListUsers", at: Self.earlier, region: "us-east-2"))
    // Asked for at once: the report takes in what the writer has queued (`catchUp()`).
    #expect(Self.service("iam", in: try bed.report(xena.arn))?[member: "LastAuthenticatedRegion"]?.stringValue == "us-east-2")
    trail.shutdown()

    let restarted = ServiceAccessIndex()
    restarted.rebuild(from: files)
    let accesses = restarted.accesses(accountID: Self.account, principalID: xena.id)
    #expect(accesses["iam"]?["ListUsers"] == ServiceAccessIndex.Access(time: Self.earlier, region: "us-east-2"))
  }
}
