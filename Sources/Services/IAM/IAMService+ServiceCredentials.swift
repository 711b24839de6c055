import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Service-specific credentials: a generated user name and password for one service
/// (CodeCommit's Git credentials, Amazon Keyspaces), or a long-term API key (Amazon Bedrock,
/// CloudWatch Logs) that may be given an age limit. The secret is returned once, at creation or
/// reset, and only its KDF hash is kept. Authorized as `iam:<Operation>` on the user's ARN; at
/// creation the condition keys `iam:ServiceSpecificCredentialServiceName` and
/// `iam:ServiceSpecificCredentialAgeDays` say what is asked for.
extension IAMService {
  static func registerServiceSpecificCredentials(_ h: inout [String: Handler]) {
    h["CreateServiceSpecificCredential"] = { s, i, c in try s.createServiceSpecificCredential(i, c) }
    h["ListServiceSpecificCredentials"] = { s, i, c in try s.listServiceSpecificCredentials(i, c) }
    h["ResetServiceSpecificCredential"] = { s, i, c in try s.resetServiceSpecificCredential(i, c) }
    h["UpdateServiceSpecificCredential"] = { s, i, c in try s.updateServiceSpecificCredential(i, c) }
    h["DeleteServiceSpecificCredential"] = { s, i, c in try s.deleteServiceSpecificCredential(i, c) }
  }

  /// The services AWS issues these credentials for: `true` for API-key services (alias and
  /// secret, may expire), `false` for user-name-and-password services.
  static let serviceSpecificCredentialServices: [String: Bool] = [
    "codecommit.amazonaws.com": false, "cassandra.amazonaws.com": false,
    "bedrock.amazonaws.com": true, "logs.amazonaws.com": true,
  ]

  func supportedCredentialService(_ name: String) throws(AWSError) -> Bool {
    guard let isAPIKey = Self.serviceSpecificCredentialServices[name] else {
      throw AWSError(
        code: "NotSupportedService", message: "Service \(name) is not supported for service-specific credentials.",
        status: 404)
    }
    return isAPIKey
  }

  /// The credential `id` of the user named `owner`, or `NoSuchEntity`.
  func serviceSpecificCredential(_ id: String, owner: String, in account: AccountDirectory) throws(AWSError)
    -> ServiceSpecificCredential
  {
    let user = try user(owner, in: account)
    guard let credential = account.serviceSpecificCredentials[id], credential.userName.lowercased() == user.name.lowercased() else {
      throw .noSuchEntity("No such credential \(id) exists for user \(user.name).")
    }
    return credential
  }

  func serviceSpecificCredentialMetadata(_ c: ServiceSpecificCredential) -> ModelValue {
    .object([
      "UserName": .string(c.userName), "Status": .string(c.status(at: now())), "ServiceUserName": .str(c.serviceUserName),
      "ServiceCredentialAlias": .str(c.serviceCredentialAlias), "CreateDate": .timestamp(c.createDate),
      "ExpirationDate": .date(c.expirationDate), "ServiceSpecificCredentialId": .string(c.id),
      "ServiceName": .string(c.serviceName),
    ])
  }

  /// The full credential with the secret just generated, shown this once.
  func serviceSpecificCredentialModel(_ c: ServiceSpecificCredential, secret: String) -> ModelValue {
    guard case .structure(var members) = serviceSpecificCredentialMetadata(c) else { return .structure([:]) }
    members[c.serviceCredentialAlias == nil ? "ServicePassword" : "ServiceCredentialSecret"] = .string(secret)
    return .structure(members)
  }

  func createServiceSpecificCredential(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = input.string("UserName") ?? ""
    let service = input.string("ServiceName") ?? ""
    let ageDays = input.int("CredentialAgeDays")
    var context: [String: ContextValue] = ["iam:ServiceSpecificCredentialServiceName": .single(service)]
    if let ageDays { context["iam:ServiceSpecificCredentialAgeDays"] = .single(String(ageDays)) }
    let secret = Identifiers.secretAccessKey()
    let credential = try directory.write { tx throws(AWSError) -> ServiceSpecificCredential in
      try authorize(caller, "CreateServiceSpecificCredential", userARN(owner, caller, tx.snapshot), context: context, snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      let user = try user(owner, in: account)
      let isAPIKey = try supportedCredentialService(service)
      if ageDays != nil && !isAPIKey {
        throw .invalidInput("CredentialAgeDays is only valid for services that support long-term API keys.")
      }
      let existing = account.serviceSpecificCredentials.values.filter {
        $0.userName.lowercased() == user.name.lowercased() && $0.serviceName == service
      }
      if existing.count >= quotas.serviceSpecificCredentialsPerUserPerService {
        throw .limitExceeded(
          "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: \(quotas.serviceSpecificCredentialsPerUserPerService)")
      }
      var credential = ServiceSpecificCredential(
        accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "ACCA"), userName: user.name, serviceName: service,
        secretHash: passwords.hash(secret), createDate: now())
      // The user's second credential for a service gets `+1` in its name, so both can coexist.
      let taken = Set(existing.compactMap { $0.serviceUserName ?? $0.serviceCredentialAlias })
      let base = isAPIKey ? "\(user.name)+\(Int(now().timeIntervalSince1970))" : user.name
      var name = "\(base)-at-\(caller.accountID)"
      var n = 1
      while taken.contains(name) {
        name = "\(base)+\(n)-at-\(caller.accountID)"
        n += 1
      }
      if isAPIKey {
        credential.serviceCredentialAlias = name
        credential.expirationDate = ageDays.map { now().addingTimeInterval(Double($0) * 86_400) }
      } else {
        credential.serviceUserName = name
      }
      tx.put(credential)
      return credential
    }
    return .structure(["ServiceSpecificCredential": serviceSpecificCredentialModel(credential, secret: secret)])
  }

  func listServiceSpecificCredentials(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let allUsers = input.bool("AllUsers") ?? false
    if allUsers && input.string("UserName") != nil {
      throw .invalidInput("AllUsers cannot be specified together with UserName.")
    }
    let service = input.string("ServiceName")
    let owner: String? = allUsers ? nil : try sshKeyOwner(input, caller)
    try authorize(
      caller, "ListServiceSpecificCredentials", owner.map { userARN($0, caller, snapshot) } ?? "*", snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    if let service { _ = try supportedCredentialService(service) }
    var ownerName: String? = nil
    if let owner { ownerName = try user(owner, in: account).name.lowercased() }
    let credentials = account.serviceSpecificCredentials.values
      .filter { c in (ownerName == nil || c.userName.lowercased() == ownerName) && (service == nil || c.serviceName == service) }
      .sorted { ($0.userName.lowercased(), $0.createDate, $0.id) < ($1.userName.lowercased(), $1.createDate, $1.id) }
    let (slice, marker) = page(credentials, input: input) { $0.id }
    return listOutput("ServiceSpecificCredentials", slice.map(serviceSpecificCredentialMetadata), marker: marker)
  }

  func resetServiceSpecificCredential(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try sshKeyOwner(input, caller)
    let id = input.string("ServiceSpecificCredentialId") ?? ""
    let secret = Identifiers.secretAccessKey()
    let credential = try directory.write { tx throws(AWSError) -> ServiceSpecificCredential in
      try authorize(caller, "ResetServiceSpecificCredential", userARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      var credential = try serviceSpecificCredential(id, owner: owner, in: tx.account(caller.accountID))
      credential.secretHash = passwords.hash(secret)
      tx.put(credential)
      return credential
    }
    return .structure(["ServiceSpecificCredential": serviceSpecificCredentialModel(credential, secret: secret)])
  }

  func updateServiceSpecificCredential(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try sshKeyOwner(input, caller)
    let id = input.string("ServiceSpecificCredentialId") ?? ""
    let active = try credentialStatus(input)
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateServiceSpecificCredential", userARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      var credential = try serviceSpecificCredential(id, owner: owner, in: tx.account(caller.accountID))
      credential.isActive = active
      tx.put(credential)
    }
    return .structure([:])
  }

  func deleteServiceSpecificCredential(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try sshKeyOwner(input, caller)
    let id = input.string("ServiceSpecificCredentialId") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteServiceSpecificCredential", userARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      tx.deleteServiceSpecificCredential(try serviceSpecificCredential(id, owner: owner, in: tx.account(caller.accountID)))
    }
    return .structure([:])
  }

  /// `Status` of an update: `Active` or `Inactive` (`Expired` is something only time sets).
  func credentialStatus(_ input: ModelValue) throws(AWSError) -> Bool {
    switch input.string("Status") {
    case "Active": return true
    case "Inactive": return false
    default: throw .invalidInput("Status must be Active or Inactive.")
    }
  }
}
