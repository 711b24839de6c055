import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Users' SSH public keys (CodeCommit's SSH sign-in): RSA keys of 2048 bits or more, uploaded
/// in OpenSSH or PEM form and returned in either, at most `IAMQuotas.sshPublicKeysPerUser` per
/// user. Authorized as `iam:<Operation>` on the user's ARN.
extension IAMService {
  static func registerSSHPublicKeys(_ h: inout [String: Handler]) {
    h["UploadSSHPublicKey"] = { s, i, c in try s.uploadSSHPublicKey(i, c) }
    h["GetSSHPublicKey"] = { s, i, c in try s.getSSHPublicKey(i, c) }
    h["ListSSHPublicKeys"] = { s, i, c in try s.listSSHPublicKeys(i, c) }
    h["UpdateSSHPublicKey"] = { s, i, c in try s.updateSSHPublicKey(i, c) }
    h["DeleteSSHPublicKey"] = { s, i, c in try s.deleteSSHPublicKey(i, c) }
  }

  /// The user an SSH-key call is about: the named one, or the calling IAM user (SSH keys
  /// belong to IAM users only, never to the root user).
  func sshKeyOwner(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> String {
    guard let name = input.string("UserName") ?? caller.userName else {
      throw .validationError("Must specify userName when calling with non-User credentials")
    }
    return name
  }

  /// The key `id` of `user`, or `NoSuchEntity`.
  func sshPublicKey(_ id: String, of user: User, in account: AccountDirectory) throws(AWSError) -> SSHPublicKey {
    guard let key = account.sshPublicKeys[id], key.userName.lowercased() == user.name.lowercased() else {
      throw .noSuchEntity("The Public Key with id \(id) cannot be found.")
    }
    return key
  }

  func sshPublicKeys(of user: User, in account: AccountDirectory) -> [SSHPublicKey] {
    account.sshPublicKeys.values.filter { $0.userName.lowercased() == user.name.lowercased() }
      .sorted { ($0.uploadDate, $0.id) < ($1.uploadDate, $1.id) }
  }

  /// The key in `encoding` (`SSH` or `PEM`): as uploaded when it was uploaded so, converted
  /// otherwise.
  func sshPublicKeyModel(_ key: SSHPublicKey, encoding: String) throws(AWSError) -> ModelValue {
    let uploadedAsPEM = key.body.hasPrefix("-----BEGIN")
    var body = key.body
    if encoding == "PEM" && !uploadedAsPEM {
      body = try SSHRSAPublicKey(parsing: key.body).pem
    } else if encoding == "SSH" && uploadedAsPEM {
      body = try SSHRSAPublicKey(parsing: key.body).openSSH
    }
    return .object([
      "UserName": .string(key.userName), "SSHPublicKeyId": .string(key.id), "Fingerprint": .string(key.fingerprint),
      "SSHPublicKeyBody": .string(body), "Status": .string(key.status), "UploadDate": .timestamp(key.uploadDate),
    ])
  }

  func uploadSSHPublicKey(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try sshKeyOwner(input, caller)
    let body = (input.string("SSHPublicKeyBody") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    let key = try directory.write { tx throws(AWSError) -> SSHPublicKey in
      try authorize(caller, "UploadSSHPublicKey", userARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      let user = try user(owner, in: account)
      let parsed = try SSHRSAPublicKey(parsing: body)
      let existing = sshPublicKeys(of: user, in: account)
      if existing.contains(where: { $0.fingerprint == parsed.fingerprint }) {
        throw AWSError(code: "DuplicateSSHPublicKey", message: "The SSH public key is already associated with the user \(user.name).")
      }
      if existing.count >= quotas.sshPublicKeysPerUser {
        throw .limitExceeded("Cannot exceed quota for PublicKeysPerUser: \(quotas.sshPublicKeysPerUser)")
      }
      let key = SSHPublicKey(
        accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "APKA"), userName: user.name, body: body,
        fingerprint: parsed.fingerprint, uploadDate: now())
      tx.put(key)
      return key
    }
    return .structure(["SSHPublicKey": try sshPublicKeyModel(key, encoding: key.body.hasPrefix("-----BEGIN") ? "PEM" : "SSH")])
  }

  func getSSHPublicKey(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let owner = try sshKeyOwner(input, caller)
    try authorize(caller, "GetSSHPublicKey", userARN(owner, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let key = try sshPublicKey(input.string("SSHPublicKeyId") ?? "", of: user(owner, in: account), in: account)
    return .structure(["SSHPublicKey": try sshPublicKeyModel(key, encoding: input.string("Encoding") ?? "SSH")])
  }

  func listSSHPublicKeys(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let owner = try sshKeyOwner(input, caller)
    try authorize(caller, "ListSSHPublicKeys", userARN(owner, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let keys = sshPublicKeys(of: try user(owner, in: account), in: account)
    let (slice, marker) = page(keys, input: input) { $0.id }
    return listOutput(
      "SSHPublicKeys",
      slice.map {
        .object([
          "UserName": .string($0.userName), "SSHPublicKeyId": .string($0.id), "Status": .string($0.status),
          "UploadDate": .timestamp($0.uploadDate),
        ])
      }, marker: marker)
  }

  func updateSSHPublicKey(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try sshKeyOwner(input, caller)
    let active = try credentialStatus(input)
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateSSHPublicKey", userARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var key = try sshPublicKey(input.string("SSHPublicKeyId") ?? "", of: user(owner, in: account), in: account)
      key.isActive = active
      tx.put(key)
    }
    return .structure([:])
  }

  func deleteSSHPublicKey(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try sshKeyOwner(input, caller)
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteSSHPublicKey", userARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      tx.deleteSSHPublicKey(try sshPublicKey(input.string("SSHPublicKeyId") ?? "", of: user(owner, in: account), in: account))
    }
    return .structure([:])
  }
}
