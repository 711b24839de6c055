import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// X.509 signing certificates of users (and of the root user): uploaded, listed, switched on and
/// off, deleted. They are credentials like access keys: the same owner rules (no `UserName`
/// means the caller), authorization as `iam:<Operation>` on the owner's ARN, at most
/// `IAMQuotas.signingCertificatesPerUser` each, and they fill the credential report's `cert_*`
/// columns.
extension IAMService {
  static func registerCertificates(_ h: inout [String: Handler]) {
    h["UploadSigningCertificate"] = { s, i, c in try s.uploadSigningCertificate(i, c) }
    h["ListSigningCertificates"] = { s, i, c in try s.listSigningCertificates(i, c) }
    h["UpdateSigningCertificate"] = { s, i, c in try s.updateSigningCertificate(i, c) }
    h["DeleteSigningCertificate"] = { s, i, c in try s.deleteSigningCertificate(i, c) }
    registerServerCertificates(&h)
    registerSSHPublicKeys(&h)
    registerServiceSpecificCredentials(&h)
  }

  /// A certificate id as IAM makes them: 32 upper-case letters and digits.
  static func signingCertificateID() -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var rng = SystemRandomNumberGenerator()
    return String((0..<32).map { _ in alphabet[Int(rng.next() % 32)] })
  }

  func signingCertificateModel(_ c: SigningCertificate) -> ModelValue {
    .object([
      "UserName": .str(c.userName), "CertificateId": .string(c.id), "CertificateBody": .string(c.body),
      "Status": .string(c.status), "UploadDate": .timestamp(c.uploadDate),
    ])
  }

  /// The certificates of `owner` (nil: the root user), oldest first.
  func signingCertificates(of owner: String?, in account: AccountDirectory) -> [SigningCertificate] {
    account.signingCertificates.values.filter { $0.userName?.lowercased() == owner?.lowercased() }
      .sorted { ($0.uploadDate, $0.id) < ($1.uploadDate, $1.id) }
  }

  /// The certificate `id` belonging to `owner`, or `NoSuchEntity`.
  func signingCertificate(_ id: String, owner: String?, in account: AccountDirectory) throws(AWSError) -> SigningCertificate {
    guard let certificate = account.signingCertificates[id], certificate.userName?.lowercased() == owner?.lowercased() else {
      throw .noSuchEntity("The Certificate with id \(id) cannot be found.")
    }
    return certificate
  }

  func uploadSigningCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try keyOwner(input, caller)
    let body = input.string("CertificateBody") ?? ""
    let certificate = try directory.write { tx throws(AWSError) -> SigningCertificate in
      try authorize(caller, "UploadSigningCertificate", keyOwnerARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var ownerName: String? = nil
      if let owner { ownerName = try user(owner, in: account).name }
      let parsed = try UploadedCertificate(pem: body)
      guard parsed.isValid(at: now()) else {
        throw AWSError(code: "InvalidCertificate", message: "The certificate is expired or not yet valid.")
      }
      // One certificate identifies one principal: AWS refuses it anywhere else in the account.
      if account.signingCertificates.values.contains(where: { $0.fingerprint == parsed.fingerprint }) {
        throw AWSError(code: "DuplicateCertificate", message: "The certificate is already associated with an IAM user in the account.", status: 409)
      }
      if signingCertificates(of: ownerName, in: account).count >= quotas.signingCertificatesPerUser {
        throw .limitExceeded("Cannot exceed quota for CertificatesPerUser: \(quotas.signingCertificatesPerUser)")
      }
      let certificate = SigningCertificate(
        accountID: caller.accountID, id: Self.signingCertificateID(), userName: ownerName, body: body,
        fingerprint: parsed.fingerprint, uploadDate: now())
      tx.put(certificate)
      return certificate
    }
    return .structure(["Certificate": signingCertificateModel(certificate)])
  }

  func listSigningCertificates(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let owner = try keyOwner(input, caller)
    try authorize(caller, "ListSigningCertificates", keyOwnerARN(owner, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    var ownerName: String? = nil
    if let owner { ownerName = try user(owner, in: account).name }
    let (slice, marker) = page(signingCertificates(of: ownerName, in: account), input: input) { $0.id }
    return listOutput("Certificates", slice.map(signingCertificateModel), marker: marker)
  }

  func updateSigningCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try keyOwner(input, caller)
    let id = input.string("CertificateId") ?? ""
    let active = try credentialStatus(input)
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateSigningCertificate", keyOwnerARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var ownerName: String? = nil
      if let owner { ownerName = try user(owner, in: account).name }
      var certificate = try signingCertificate(id, owner: ownerName, in: account)
      certificate.isActive = active
      tx.put(certificate)
    }
    return .structure([:])
  }

  func deleteSigningCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let owner = try keyOwner(input, caller)
    let id = input.string("CertificateId") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteSigningCertificate", keyOwnerARN(owner, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var ownerName: String? = nil
      if let owner { ownerName = try user(owner, in: account).name }
      tx.deleteSigningCertificate(try signingCertificate(id, owner: ownerName, in: account))
    }
    return .structure([:])
  }

  /// Why `DeleteUser` must refuse while `user` still has these credentials, or nil.
  func userCredentialConflict(_ user: User, in account: AccountDirectory) -> AWSError? {
    let name = user.name.lowercased()
    if account.signingCertificates.values.contains(where: { $0.userName?.lowercased() == name }) {
      return .deleteConflict("Cannot delete entity, must delete signing certificates first.")
    }
    if account.sshPublicKeys.values.contains(where: { $0.userName.lowercased() == name }) {
      return .deleteConflict("Cannot delete entity, must delete SSH public keys first.")
    }
    if account.serviceSpecificCredentials.values.contains(where: { $0.userName.lowercased() == name }) {
      return .deleteConflict("Cannot delete entity, must delete service specific credentials first.")
    }
    return nil
  }

  /// `UpdateUser` renaming a user: its certificates, SSH keys and service credentials carry
  /// its name and follow it (a service credential keeps the service user name it was issued).
  func renameUserCredentials(from oldName: String, to newName: String, in account: AccountDirectory, _ tx: inout DirectoryTransaction) {
    let old = oldName.lowercased()
    for var c in account.signingCertificates.values where c.userName?.lowercased() == old {
      c.userName = newName
      tx.put(c)
    }
    for var k in account.sshPublicKeys.values where k.userName.lowercased() == old {
      k.userName = newName
      tx.put(k)
    }
    for var s in account.serviceSpecificCredentials.values where s.userName.lowercased() == old {
      s.userName = newName
      tx.put(s)
    }
  }
}
