import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// The AWS Organizations API (JSON 1.1): organizations, roots, OUs, member accounts created on
/// this server, and service and resource control policies with their attachments.
///
/// Every call is authorized by the engine as `organizations:<Action>` on the resource AWS's
/// service authorization reference names (the organization, root, OU, account or policy ARN,
/// or `*`), so the caller's identity policies and their account's SCPs decide. Most operations
/// are for the management account only: a member account gets `AccessDeniedException`, an
/// account outside any organization `AWSOrganizationsNotInUseException`.
public final class OrganizationsService: Sendable {
  public let directory: Directory
  public let authorizer: Authorizer
  let now: @Sendable () -> Date

  public init(directory: Directory, authorizer: Authorizer, now: @escaping @Sendable () -> Date = Date.init) {
    self.directory = directory
    self.authorizer = authorizer
    self.now = now
  }

  // Untyped throws: typed-throwing closures in this table crash the 6.3 compiler (SILGen).
  typealias Handler = @Sendable (OrganizationsService, ModelValue, Caller) throws -> ModelValue?

  /// Operation name to handler.
  static let handlers: [String: Handler] = {
    var h: [String: Handler] = [:]
    registerOrganization(&h)
    registerAccounts(&h)
    registerUnits(&h)
    registerPolicies(&h)
    registerTags(&h)
    return h
  }()

  /// The operations this service implements.
  public static var operations: [String] { handlers.keys.sorted() }

  /// Runs `operation` for `caller`; `nil` output is an empty response (`{}`).
  public func handle(_ operation: String, input: ModelValue, caller: Caller) throws(AWSError) -> ModelValue? {
    guard let handler = Self.handlers[operation] else { throw .unknownOperation() }
    do {
      return try handler(self, input, caller)
    } catch let error as AWSError {
      // The engine's denial keeps its message but takes Organizations' code; the wire's
      // validation error is Organizations' `InvalidInputException`.
      switch error.code {
      case "AccessDenied": throw .organizationsAccessDenied(error.message)
      case "ValidationError", "ValidationException": throw .invalidInputException("INVALID_PATTERN", error.message)
      default: throw error
      }
    } catch {
      throw .organizations(
        "ServiceException",
        "Organizations can't complete your request because of an internal service error. Try again later.")
    }
  }

  // MARK: shared helpers

  /// The caller's organization, after the engine allowed `organizations:ACTION` on `resource`.
  ///
  /// - Parameter managementOnly: whether only the management account may call the operation.
  /// - Throws: `AWSOrganizationsNotInUseException` outside any organization, the engine's
  ///   denial, or `AccessDeniedException` for a member calling a management-only operation.
  func organization(
    _ caller: Caller, _ action: String, resource: (Organization) -> String = { _ in "*" },
    context: [String: ContextValue] = [:], managementOnly: Bool = true, snapshot: DirectorySnapshot
  ) throws(AWSError) -> (OrganizationDirectory, Organization) {
    guard let org = snapshot.organizations.organization(of: caller.accountID), let organization = org.organization
    else {
      throw .organizationsNotInUse()
    }
    try authorize(caller, action, resource(organization), context: context, snapshot: snapshot)
    if managementOnly && caller.accountID != organization.managementAccountID {
      throw .organizationsAccessDenied()
    }
    return (org, organization)
  }

  /// Authorizes `organizations:ACTION` on `resource`.
  func authorize(
    _ caller: Caller, _ action: String, _ resource: String, context: [String: ContextValue] = [:],
    snapshot: DirectorySnapshot
  ) throws(AWSError) {
    try authorizer.authorize(
      caller, action: "organizations:\(action)", resource: resource, context: context, snapshot: snapshot)
  }

  /// Runs `body` in a write transaction on the caller's (management) organization as it is in
  /// the transaction's snapshot.
  func writeOrganization<Result: Sendable>(
    _ managementAccountID: String,
    _ body: (inout DirectoryTransaction, OrganizationDirectory, Organization) throws(AWSError) -> Result
  ) throws(AWSError) -> Result {
    try directory.write { tx throws(AWSError) -> Result in
      guard let org = tx.snapshot.organizations.byManagementAccount[managementAccountID],
        let organization = org.organization
      else {
        throw .organizationsNotInUse()
      }
      return try body(&tx, org, organization)
    }
  }

  /// What kind of node `id` names in `org`: the root, an OU, or a member account.
  enum Node {
    case root, unit(OrganizationalUnit), account(OrganizationAccount)
  }

  func node(_ id: String, in org: OrganizationDirectory, _ organization: Organization) -> Node? {
    if id == organization.rootID { return .root }
    if let unit = org.units[id] { return .unit(unit) }
    if let account = org.accounts[id] { return .account(account) }
    return nil
  }

  /// The ARN of a root, OU or account of the organization.
  func arn(of id: String, in org: OrganizationDirectory, _ organization: Organization) -> String? {
    switch node(id, in: org, organization) {
    case .root: organization.rootARN
    case .unit: organization.unitARN(id)
    case .account: organization.accountARN(id)
    case nil: nil
    }
  }

  /// Pages `items` by `NextToken` and `MaxResults` (default 20; AWS's is per operation).
  func page<T>(_ items: [T], input: ModelValue) throws(AWSError) -> (items: ArraySlice<T>, nextToken: String?) {
    let maxResults = max(1, input.int("MaxResults") ?? 20)
    var start = 0
    if let token = input.string("NextToken") {
      guard let data = Data(base64Encoded: token), let offset = Int(String(decoding: data, as: UTF8.self)),
        offset >= 0, offset <= items.count
      else {
        throw .invalidInputException("INVALID_NEXT_TOKEN", "You specified an invalid value for nextToken.")
      }
      start = offset
    }
    let end = min(items.count, start + maxResults)
    let next = end < items.count ? Data(String(end).utf8).base64EncodedString() : nil
    return (items[start..<end], next)
  }

  /// A list output: `member` and `NextToken`.
  func listOutput(_ member: String, _ values: [ModelValue], nextToken: String?) -> ModelValue {
    .object([member: .list(values), "NextToken": .str(nextToken)])
  }

  // MARK: models

  func model(_ organization: Organization) -> ModelValue {
    .structure([
      "Id": .string(organization.id), "Arn": .string(organization.arn), "FeatureSet": .string(organization.featureSet),
      "MasterAccountArn": .string(organization.accountARN(organization.managementAccountID)),
      "MasterAccountId": .string(organization.managementAccountID),
      "MasterAccountEmail": .string(organization.managementAccountEmail),
      // Deprecated in the API, kept for old SDKs: AWS lists the SCP type here.
      "AvailablePolicyTypes": .list([
        .structure(["Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"])
      ]),
    ])
  }

  func rootModel(_ organization: Organization) -> ModelValue {
    .structure([
      "Id": .string(organization.rootID), "Arn": .string(organization.rootARN), "Name": .string(organization.rootName),
      "PolicyTypes": .list(
        organization.enabledPolicyTypes.map { .structure(["Type": .string($0), "Status": "ENABLED"]) }),
    ])
  }

  func accountModel(_ account: OrganizationAccount, _ organization: Organization) -> ModelValue {
    .structure([
      "Id": .string(account.id), "Arn": .string(organization.accountARN(account.id)), "Email": .string(account.email),
      "Name": .string(account.name), "Status": "ACTIVE", "State": "ACTIVE",
      "JoinedMethod": .string(account.joinedMethod), "JoinedTimestamp": .timestamp(account.joinedTimestamp),
    ])
  }

  func unitModel(_ unit: OrganizationalUnit, _ organization: Organization) -> ModelValue {
    .structure(["Id": .string(unit.id), "Arn": .string(organization.unitARN(unit.id)), "Name": .string(unit.name)])
  }

  func policySummary(_ policy: OrganizationPolicy, _ organization: Organization) -> ModelValue {
    .structure([
      "Id": .string(policy.id), "Arn": .string(organization.policyARN(policy)), "Name": .string(policy.name),
      "Description": .string(policy.description), "Type": .string(policy.type), "AwsManaged": .boolean(policy.isAWSManaged),
    ])
  }

  func policyModel(_ policy: OrganizationPolicy, _ organization: Organization) -> ModelValue {
    .structure(["PolicySummary": policySummary(policy, organization), "Content": .string(policy.content)])
  }
}
