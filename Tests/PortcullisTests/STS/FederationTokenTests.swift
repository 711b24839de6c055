import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing

/// `GetFederationToken`: a federated user's permissions are the calling user's intersected with
/// the session policies; only long-term credentials may ask; federated users call no STS
/// operation but GetCallerIdentity.
@Suite("STS GetFederationToken")
struct FederationTokenTests {
  typealias S = STSTestAccount
  typealias A = IAMTestAccount

  static func federate(_ account: S, as caller: Caller, _ extra: [String: ModelValue] = [:]) throws -> (ModelValue, Caller) {
    var input: [String: ModelValue] = ["Name": "bob-fed"]
    for (k, v) in extra { input[k] = v }
    let output = try account.call("GetFederationToken", .structure(input), as: caller)
    return (output, try account.sessionCaller(output))
  }

  @Test("the result: a federated-user ARN, ACCOUNT:NAME as its id, ASIA credentials, 12 hours by default")
  func result() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.putPolicy(user: "alice", A.allow("sts:GetFederationToken"))
    let (output, session) = try Self.federate(account, as: account.user("alice"), ["Policy": .string(A.allow("iam:ListUsers"))])
    #expect(output.string(at: "FederatedUser", "Arn") == "arn:aws:sts::123456789012:federated-user/bob-fed")
    #expect(output.string(at: "FederatedUser", "FederatedUserId") == "123456789012:bob-fed")
    #expect(output.value(at: "Credentials", "Expiration") == .timestamp(A.now.addingTimeInterval(43200)))
    #expect(output.value(at: "PackedPolicySize") != nil)
    #expect(session.arn == "arn:aws:sts::123456789012:federated-user/bob-fed")
    #expect(session.userID == "123456789012:bob-fed")
    #expect(session.userName == nil)
  }

  @Test("permissions: the user's policies intersected with the session policy")
  func intersection() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.putPolicy(user: "alice", A.allow("sts:GetFederationToken", "iam:ListUsers", "iam:ListRoles"))
    let (_, session) = try Self.federate(
      account, as: account.user("alice"), ["Policy": .string(A.allow("iam:ListUsers", "iam:ListGroups"))])
    let iam = account.iamAccount
    #expect(throws: Never.self) { try iam.call("ListUsers", as: session) }
    // Allowed by the user only, or by the session policy only: denied.
    #expect((try? iam.call("ListRoles", as: session)) == nil)
    #expect((try? iam.call("ListGroups", as: session)) == nil)
  }

  @Test("without a session policy a federated user has no permissions")
  func noSessionPolicy() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.putPolicy(user: "alice", A.allow("*"))
    let (_, session) = try Self.federate(account, as: account.user("alice"))
    #expect((try? account.iamAccount.call("ListUsers", as: session)) == nil)
  }

  @Test("the root user's federated users have the session policy's permissions, for at most an hour")
  func root() throws {
    let account = try S()
    let (output, session) = try Self.federate(
      account, as: account.root, ["Policy": .string(A.allow("iam:ListUsers")), "DurationSeconds": 7200])
    #expect(output.value(at: "Credentials", "Expiration") == .timestamp(A.now.addingTimeInterval(3600)))
    #expect(throws: Never.self) { try account.iamAccount.call("ListUsers", as: session) }
    #expect((try? account.iamAccount.call("ListRoles", as: session)) == nil)
  }

  @Test("a federated user of a deleted user has no permissions")
  func deletedUser() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.putPolicy(user: "alice", A.allow("*"))
    let (_, session) = try Self.federate(account, as: account.user("alice"), ["Policy": .string(A.allow("*"))])
    try account.iam("DeleteUserPolicy", ["UserName": "alice", "PolicyName": "inline"])
    try account.iam("DeleteUser", ["UserName": "alice"])
    try account.iamAccount.createUser("alice")
    try account.putPolicy(user: "alice", A.allow("*"))
    #expect((try? account.iamAccount.call("ListUsers", as: session)) == nil)
  }

  @Test("temporary credentials cannot call it")
  func temporaryRefused() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.putPolicy(user: "alice", A.allow("*"))
    try account.createRole("App", trust: S.trust("arn:aws:iam::123456789012:user/alice"))
    let roleSession = try account.assume("arn:aws:iam::123456789012:role/App", as: account.user("alice"))
    #expect(account.error("GetFederationToken", ["Name": "bob-fed"], as: roleSession)
      == .accessDenied("Cannot call GetFederationToken with session credentials"))
  }

  @Test("it needs sts:GetFederationToken on the federated user's ARN")
  func needsPermission() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    let error = account.error("GetFederationToken", ["Name": "bob-fed"], as: account.user("alice"))
    #expect(error?.code == "AccessDenied")
    #expect(error?.message.hasPrefix(
      "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::123456789012:federated-user/bob-fed") == true)
  }

  @Test("federated users may call GetCallerIdentity and no other STS operation")
  func stsLimits() throws {
    let account = try S()
    let (_, session) = try Self.federate(account, as: account.root, ["Policy": .string(A.allow("*"))])
    let identity = try account.call("GetCallerIdentity", as: session)
    #expect(identity.string(at: "Arn") == "arn:aws:sts::123456789012:federated-user/bob-fed")
    #expect(identity.string(at: "UserId") == "123456789012:bob-fed")
    #expect(account.error("GetFederationToken", ["Name": "again"], as: session)?.code == "AccessDenied")
    #expect(account.error("GetSessionToken", [:], as: session)?.code == "AccessDenied")
  }

  @Test("Name is 2 to 32 of [\\w+=,.@-]; DurationSeconds 900 to 129600")
  func validation() throws {
    let account = try S()
    for name in ["a", String(repeating: "n", count: 33), "bad name"] {
      #expect(account.error("GetFederationToken", ["Name": .string(name)], as: account.root)?.code == "ValidationError")
    }
    for duration in [899, 129_601] {
      #expect(account.error("GetFederationToken", ["Name": "ok-name", "DurationSeconds": .integer(Int64(duration))], as: account.root)?.code
        == "ValidationError")
    }
  }
}
