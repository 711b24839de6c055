import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Testing

@testable import Services

/// What the Authorizer needs for session callers, as `Authorizer+Sessions.swift` provides it: a
/// role session has the role's policies within its boundary and session policies, principal
/// tags from the role and the session, and the session condition keys.
@Suite("STS session callers' authorization")
struct STSSessionAuthorizationTests {
  typealias S = STSTestAccount
  typealias A = IAMTestAccount

  static let alice = "arn:aws:iam::123456789012:user/alice"
  static let app = "arn:aws:iam::123456789012:role/App"

  func decide(_ account: S, _ caller: Caller, _ action: String, resource: String = "*", context: [String: ContextValue] = [:])
    -> Decision
  {
    account.sts.authorizer.decide(
      caller, action: action, resource: resource, resourceAccount: nil, resourcePolicy: nil, context: context,
      snapshot: account.iamAccount.directory.snapshot)
  }

  func setUp() throws -> S {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust(Self.alice, actions: ["sts:AssumeRole", "sts:TagSession"]))
    try account.putPolicy(role: "App", A.allow("iam:ListUsers", "iam:ListRoles", "s3:GetObject"))
    return account
  }

  @Test("a role session has the role's permissions, and the session policy narrows them")
  func rolePermissionsAndSessionPolicy() throws {
    let account = try setUp()
    let plain = try account.assume(Self.app, as: account.user("alice"))
    #expect(decide(account, plain, "iam:ListUsers").isAllowed)
    #expect(!decide(account, plain, "iam:CreateUser").isAllowed)

    let narrowed = try account.assume(
      Self.app, session: "n1", as: account.user("alice"), ["Policy": .string(A.allow("iam:ListUsers", "iam:CreateUser"))])
    #expect(decide(account, narrowed, "iam:ListUsers").isAllowed)
    #expect(decide(account, narrowed, "iam:ListRoles").reason == .noAllow(.session))
    #expect(!decide(account, narrowed, "iam:CreateUser").isAllowed, "the session policy grants nothing the role lacks")

    let managed = try account.assume(
      Self.app, session: "m1", as: account.user("alice"), ["PolicyArns": [["arn": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"]]])
    #expect(decide(account, managed, "iam:ListUsers").isAllowed)
    #expect(!decide(account, managed, "s3:GetObject").isAllowed)
  }

  @Test("the role's permissions boundary applies to its sessions")
  func boundary() throws {
    let account = try setUp()
    let boundary = try account.iamAccount.createPolicy("Boundary", document: A.allow("iam:ListUsers"))
    try account.iam("PutRolePermissionsBoundary", ["RoleName": "App", "PermissionsBoundary": .string(boundary)])
    let session = try account.assume(Self.app, as: account.user("alice"))
    #expect(decide(account, session, "iam:ListUsers").isAllowed)
    #expect(decide(account, session, "iam:ListRoles").reason == .noAllow(.permissionsBoundary))
  }

  @Test("a session of a deleted (or recreated) role has no permissions")
  func deletedRole() throws {
    let account = try setUp()
    let session = try account.assume(Self.app, as: account.user("alice"))
    try account.iam("DeleteRolePolicy", ["RoleName": "App", "PolicyName": "inline"])
    try account.iam("DeleteRole", ["RoleName": "App"])
    try account.createRole("App", trust: S.trust(Self.alice))
    try account.putPolicy(role: "App", A.allow("iam:ListUsers"))
    #expect(session.sessionRole(in: account.iamAccount.directory.snapshot) == nil)
    #expect(!decide(account, session, "iam:ListUsers").isAllowed)
  }

  @Test("session condition keys: role ARN as aws:PrincipalArn, principal tags, MFA, issue time")
  func contextKeys() throws {
    let account = try setUp()
    try account.iam("TagRole", ["RoleName": "App", "Tags": [["Key": "team", "Value": "red"], ["Key": "tier", "Value": "1"]]])
    let session = try account.assume(Self.app, as: account.user("alice"), ["Tags": [["Key": "team", "Value": "blue"]]])
    let context = account.sts.authorizer.callerContext(session, snapshot: account.iamAccount.directory.snapshot)
    #expect(context["aws:PrincipalArn"] == .single(Self.app))
    #expect(context["aws:PrincipalTag/team"] == .single("blue"), "session tags override the role's")
    #expect(context["aws:PrincipalTag/tier"] == .single("1"))
    #expect(context["aws:MultiFactorAuthPresent"] == .single("false"))
    #expect(context["aws:MultiFactorAuthAge"] == nil)
    #expect(context["aws:TokenIssueTime"] == .single("2025-06-15T15:06:40Z"))
    #expect(context["aws:userid"] == .single("\(account.iamAccount.entities.roles["app"]!.id):s1"))

    // A long-term key leaves the MFA key absent.
    let user = account.sts.authorizer.callerContext(account.user("alice"), snapshot: account.iamAccount.directory.snapshot)
    #expect(user["aws:MultiFactorAuthPresent"] == nil)

    // ABAC with the session tag.
    try account.putPolicy(
      role: "App",
      IAMTestAccount.statement("Allow", ["s3:PutObject"], resource: "arn:aws:s3:::${aws:PrincipalTag/team}/*"))
    #expect(decide(account, session, "s3:PutObject", resource: "arn:aws:s3:::blue/x").isAllowed)
    #expect(!decide(account, session, "s3:PutObject", resource: "arn:aws:s3:::red/x").isAllowed)
  }
}
