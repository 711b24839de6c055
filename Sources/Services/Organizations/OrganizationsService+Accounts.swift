import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension OrganizationsService {
  static func registerAccounts(_ h: inout [String: Handler]) {
    h["CreateAccount"] = { s, i, c in try s.createAccount(i, c) }
    h["DescribeCreateAccountStatus"] = { s, i, c in try s.describeCreateAccountStatus(i, c) }
    h["ListCreateAccountStatus"] = { s, i, c in try s.listCreateAccountStatus(i, c) }
    h["DescribeAccount"] = { s, i, c in try s.describeAccount(i, c) }
    h["ListAccounts"] = { s, i, c in try s.listAccounts(i, c) }
    h["ListAccountsForParent"] = { s, i, c in try s.listAccountsForParent(i, c) }
    h["MoveAccount"] = { s, i, c in try s.moveAccount(i, c) }
    h["RemoveAccountFromOrganization"] = { s, i, c in try s.removeAccount(i, c, leaving: false) }
    h["LeaveOrganization"] = { s, i, c in try s.removeAccount(i, c, leaving: true) }
  }

  /// `CreateAccount`: a real account on this server, under the root, with a role (by default
  /// `OrganizationAccountAccessRole`) that trusts the management account and has
  /// `AdministratorAccess`, as AWS creates it. The account has no root access key: the
  /// management account reaches it through the role. Creation is immediate, so the status is
  /// `SUCCEEDED` at once.
  func createAccount(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let tags = input.tags() ?? []
    let (_, current) = try self.organization(
      caller, "CreateAccount", context: tagContext(tags), snapshot: directory.snapshot)
    try validateTags(tags)
    let name = input.string("AccountName") ?? ""
    let email = input.string("Email") ?? ""
    let roleName = input.string("RoleName") ?? "OrganizationAccountAccessRole"
    let now = self.now()
    let member = try writeOrganization(current.managementAccountID) {
      tx, org, organization throws(AWSError) -> OrganizationAccount in
      let management = organization.managementAccountID
      let accountID = AccountFactory.unusedAccountID(in: tx.snapshot)
      try AccountFactory.createAccount(
        id: accountID, in: &tx, secrets: directory.secrets, now: now, withRootKey: false)
      AccountFactory.createAccessRole(named: roleName, in: accountID, trusting: management, tx: &tx, now: now)
      var member = OrganizationAccount(
        managementAccountID: management, id: accountID, name: name, email: email, parentID: organization.rootID,
        joinedMethod: "CREATED", joinedTimestamp: now)
      member.tags = tags
      member.createAccountRequestID = OrganizationIdentifiers.createAccountRequestID()
      try tx.record(.put(member))
      try attachAllowAll(to: accountID, org: org, organization: organization, tx: &tx)
      return member
    }
    return .structure(["CreateAccountStatus": createAccountStatus(member)])
  }

  /// Attaches each enabled type's allow-everything policy to a new OU or account, as AWS does.
  func attachAllowAll(
    to targetID: String, org: OrganizationDirectory, organization: Organization, tx: inout DirectoryTransaction
  ) throws(AWSError) {
    for (type, managed) in Self.policyTypes.sorted(by: { $0.key < $1.key }) where organization.isEnabled(type) {
      guard var policy = tx.snapshot.organizations.byManagementAccount[organization.managementAccountID]?
        .policies[managed.id]
      else { continue }
      policy.targets.append(targetID)
      try tx.record(.put(policy))
    }
  }

  func createAccountStatus(_ member: OrganizationAccount) -> ModelValue {
    .structure([
      "Id": .string(member.createAccountRequestID ?? ""), "AccountName": .string(member.name), "State": "SUCCEEDED",
      "RequestedTimestamp": .timestamp(member.joinedTimestamp), "CompletedTimestamp": .timestamp(member.joinedTimestamp),
      "AccountId": .string(member.id),
    ])
  }

  /// `DescribeCreateAccountStatus`.
  func describeCreateAccountStatus(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let requestID = input.string("CreateAccountRequestId") ?? ""
    let (org, _) = try self.organization(caller, "DescribeCreateAccountStatus", snapshot: directory.snapshot)
    guard let member = org.accounts.values.first(where: { $0.createAccountRequestID == requestID }) else {
      throw .organizations(
        "CreateAccountStatusNotFoundException",
        "We can't find an create account request with the CreateAccountRequestId that you specified.")
    }
    return .structure(["CreateAccountStatus": createAccountStatus(member)])
  }

  /// `ListCreateAccountStatus`: every request succeeded, so a filter without `SUCCEEDED` lists
  /// nothing.
  func listCreateAccountStatus(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let (org, _) = try self.organization(caller, "ListCreateAccountStatus", snapshot: directory.snapshot)
    let states = input.strings("States") ?? []
    let members = org.accounts.values.filter { $0.createAccountRequestID != nil }
      .sorted { ($0.joinedTimestamp, $0.id) < ($1.joinedTimestamp, $1.id) }
    let listed = states.isEmpty || states.contains("SUCCEEDED") ? members : []
    let (items, next) = try page(listed, input: input)
    return listOutput("CreateAccountStatuses", items.map(createAccountStatus), nextToken: next)
  }

  /// `DescribeAccount`.
  func describeAccount(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let accountID = input.string("AccountId") ?? ""
    let (org, organization) = try self.organization(
      caller, "DescribeAccount", resource: { $0.accountARN(accountID) }, snapshot: directory.snapshot)
    guard let member = org.accounts[accountID] else { throw .accountNotFound() }
    return .structure(["Account": accountModel(member, organization)])
  }

  /// The organization's accounts in the order they joined.
  func sortedAccounts(_ org: OrganizationDirectory, parent: String? = nil) -> [OrganizationAccount] {
    org.accounts.values.filter { parent == nil || $0.parentID == parent }
      .sorted { ($0.joinedTimestamp, $0.id) < ($1.joinedTimestamp, $1.id) }
  }

  /// `ListAccounts`.
  func listAccounts(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let (org, organization) = try self.organization(caller, "ListAccounts", snapshot: directory.snapshot)
    let (items, next) = try page(sortedAccounts(org), input: input)
    return listOutput("Accounts", items.map { accountModel($0, organization) }, nextToken: next)
  }

  /// `ListAccountsForParent`.
  func listAccountsForParent(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let parentID = input.string("ParentId") ?? ""
    let snapshot = directory.snapshot
    let (org, organization) = try self.organization(
      caller, "ListAccountsForParent", resource: { o in self.parentARN(parentID, o) }, snapshot: snapshot)
    try requireParent(parentID, org, organization, error: .parentNotFound())
    let (items, next) = try page(sortedAccounts(org, parent: parentID), input: input)
    return listOutput("Accounts", items.map { accountModel($0, organization) }, nextToken: next)
  }

  /// The ARN of a root or OU for authorization. An id that names neither is authorized as the
  /// OU it would be, so the engine decides before the lookup fails (as AWS authorizes first).
  func parentARN(_ id: String, _ organization: Organization) -> String {
    if id == organization.rootID { return organization.rootARN }
    return organization.unitARN(id)
  }

  /// Throws `error` unless `id` is the root or an OU.
  func requireParent(
    _ id: String, _ org: OrganizationDirectory, _ organization: Organization, error: AWSError
  ) throws(AWSError) {
    guard id == organization.rootID || org.units[id] != nil else { throw error }
  }

  /// `MoveAccount`: from its current parent to another root or OU.
  func moveAccount(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue? {
    let accountID = input.string("AccountId") ?? ""
    let source = input.string("SourceParentId") ?? ""
    let destination = input.string("DestinationParentId") ?? ""
    let (_, current) = try self.organization(
      caller, "MoveAccount", resource: { $0.accountARN(accountID) }, snapshot: directory.snapshot)
    try writeOrganization(current.managementAccountID) { tx, org, organization throws(AWSError) in
      guard var member = org.accounts[accountID] else { throw .accountNotFound() }
      try requireParent(
        source, org, organization,
        error: .organizations(
          "SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified."))
      try requireParent(
        destination, org, organization,
        error: .organizations(
          "DestinationParentNotFoundException",
          "We can't find the destination container (a root or OU) with the ParentId that you specified."))
      guard member.parentID == source else { throw .accountNotFound() }
      guard member.parentID != destination else {
        throw .organizations("DuplicateAccountException", "That account is already present in the specified destination.")
      }
      member.parentID = destination
      try tx.record(.put(member))
    }
    return nil
  }

  /// `RemoveAccountFromOrganization` (by the management account) and `LeaveOrganization` (by
  /// the member itself): the account stays on the server, standalone, with its IAM entities.
  func removeAccount(_ input: ModelValue, _ caller: Caller, leaving: Bool) throws(AWSError) -> ModelValue? {
    let snapshot = directory.snapshot
    let accountID = leaving ? caller.accountID : (input.string("AccountId") ?? "")
    let (_, current) =
      leaving
      ? try self.organization(caller, "LeaveOrganization", managementOnly: false, snapshot: snapshot)
      : try self.organization(
        caller, "RemoveAccountFromOrganization", resource: { $0.accountARN(accountID) }, snapshot: snapshot)
    try writeOrganization(current.managementAccountID) { tx, org, organization throws(AWSError) in
      guard org.accounts[accountID] != nil else { throw .accountNotFound() }
      guard accountID != organization.managementAccountID else {
        throw .organizations(
          "MasterCannotLeaveOrganizationException",
          "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.")
      }
      for policy in org.policies.values where policy.targets.contains(accountID) {
        var detached = policy
        detached.targets.removeAll { $0 == accountID }
        try tx.record(.put(detached))
      }
      try tx.record(.delete(.organizationAccount, accountID: organization.managementAccountID, key: accountID))
    }
    return nil
  }

  // MARK: tags

  /// `aws:RequestTag/*` and `aws:TagKeys` for tags in a request.
  func tagContext(_ tags: [Tag]) -> [String: ContextValue] {
    guard !tags.isEmpty else { return [:] }
    var c: [String: ContextValue] = ["aws:TagKeys": .multiple(tags.map(\.key))]
    for tag in tags { c["aws:RequestTag/\(tag.key)"] = .single(tag.value) }
    return c
  }

  /// Unique keys, no `aws:` prefix, at most 50.
  func validateTags(_ tags: [Tag], existing: [Tag] = []) throws(AWSError) {
    var keys = Set<String>()
    for tag in tags {
      if tag.key.lowercased().hasPrefix("aws:") {
        throw .invalidInputException("INVALID_SYSTEM_TAGS_PARAMETER", "You provided a tag key that starts with aws:.")
      }
      if !keys.insert(tag.key).inserted {
        throw .invalidInputException("DUPLICATE_TAG_KEY", "You provided duplicate tag keys.")
      }
    }
    var merged = existing
    merged.merge(tags)
    if merged.count > 50 {
      throw .constraintViolation("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.")
    }
  }
}
