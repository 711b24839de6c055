import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// Server certificates: a certificate, its chain and its private key, for TLS endpoints.
///
/// Named like other IAM entities (unique case-insensitively, with a path) and authorized as
/// `iam:<Operation>` on `arn:aws:iam::ACCOUNT:server-certificate/PATH/NAME`. The private key is
/// checked against the certificate, sealed with the master key and never returned or logged.
extension IAMService {
  static func registerServerCertificates(_ h: inout [String: Handler]) {
    h["UploadServerCertificate"] = { s, i, c in try s.uploadServerCertificate(i, c) }
    h["GetServerCertificate"] = { s, i, c in try s.getServerCertificate(i, c) }
    h["ListServerCertificates"] = { s, i, c in try s.listServerCertificates(i, c) }
    h["UpdateServerCertificate"] = { s, i, c in try s.updateServerCertificate(i, c) }
    h["DeleteServerCertificate"] = { s, i, c in try s.deleteServerCertificate(i, c) }
    h["TagServerCertificate"] = { s, i, c in try s.tagServerCertificate(i, c) }
    h["UntagServerCertificate"] = { s, i, c in try s.untagServerCertificate(i, c) }
    h["ListServerCertificateTags"] = { s, i, c in try s.listServerCertificateTags(i, c) }
  }

  /// The certificate named `name`, or `NoSuchEntity`.
  func serverCertificate(_ name: String, in account: AccountDirectory) throws(AWSError) -> ServerCertificate {
    guard let certificate = account.serverCertificates[name.lowercased()] else {
      throw .noSuchEntity("The Server Certificate with name \(name) cannot be found.")
    }
    return certificate
  }

  /// The ARN to authorize against for a certificate that may not exist.
  func serverCertificateARN(_ name: String, _ caller: Caller, _ snapshot: DirectorySnapshot) -> String {
    snapshot.accounts[caller.accountID]?.serverCertificates[name.lowercased()]?.arn
      ?? arn(caller, "server-certificate", name: name)
  }

  func serverCertificateMetadata(_ c: ServerCertificate) -> ModelValue {
    .object([
      "Path": .string(c.path), "ServerCertificateName": .string(c.name), "ServerCertificateId": .string(c.id),
      "Arn": .string(c.arn), "UploadDate": .timestamp(c.uploadDate), "Expiration": .timestamp(c.expiration),
    ])
  }

  func uploadServerCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("ServerCertificateName") ?? ""
    let path = try validatePath(input.string("Path"))
    let body = input.string("CertificateBody") ?? ""
    let privateKey = input.string("PrivateKey") ?? ""
    let chain = input.string("CertificateChain")
    let tags = input.tags() ?? []
    let certificate = try directory.write { tx throws(AWSError) -> ServerCertificate in
      let resource = arn(caller, "server-certificate", path: path, name: name)
      try authorize(caller, "UploadServerCertificate", resource, context: tagContext(tags), snapshot: tx.snapshot)
      if !tags.isEmpty {
        try authorize(caller, "TagServerCertificate", resource, context: tagContext(tags), snapshot: tx.snapshot)
      }
      let account = try tx.account(caller.accountID)
      if account.serverCertificates[name.lowercased()] != nil {
        throw .entityAlreadyExists("The Server Certificate with name \(name) already exists.")
      }
      if account.serverCertificates.count >= quotas.serverCertificatesPerAccount {
        throw .limitExceeded("Cannot exceed quota for ServerCertificatesPerAccount: \(quotas.serverCertificatesPerAccount)")
      }
      let parsed = try UploadedCertificate(pem: body)
      if parsed.expiration < now() {
        throw UploadedCertificate.malformed("The certificate has expired.")
      }
      try parsed.checkPrivateKey(privateKey)
      if let chain { try UploadedCertificate.checkChain(chain) }
      try validateTags(tags, entity: "server certificate")
      var certificate = ServerCertificate(
        accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "ASCA"), name: name, path: path, body: body,
        chain: chain, sealedPrivateKey: directory.secrets.seal(privateKey), expiration: parsed.expiration,
        uploadDate: now())
      certificate.tags = tags
      tx.put(certificate)
      return certificate
    }
    return .object(["ServerCertificateMetadata": serverCertificateMetadata(certificate), "Tags": certificate.tags.model])
  }

  func getServerCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("ServerCertificateName") ?? ""
    try authorize(caller, "GetServerCertificate", serverCertificateARN(name, caller, snapshot), snapshot: snapshot)
    let c = try serverCertificate(name, in: accountDirectory(caller, snapshot))
    return .structure([
      "ServerCertificate": .object([
        "ServerCertificateMetadata": serverCertificateMetadata(c), "CertificateBody": .string(c.body),
        "CertificateChain": .str(c.chain), "Tags": c.tags.model,
      ])
    ])
  }

  func listServerCertificates(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListServerCertificates", "*", snapshot: snapshot)
    let prefix = input.string("PathPrefix") ?? "/"
    let certificates = try accountDirectory(caller, snapshot).serverCertificates.values
      .filter { $0.path.hasPrefix(prefix) }
      .sorted { $0.name.lowercased() < $1.name.lowercased() }
    let (slice, marker) = page(certificates, input: input) { $0.name.lowercased() }
    return listOutput("ServerCertificateMetadataList", slice.map(serverCertificateMetadata), marker: marker)
  }

  func updateServerCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("ServerCertificateName") ?? ""
    let newName = input.string("NewServerCertificateName")
    let newPath = try input.string("NewPath").map { path throws(AWSError) in try validatePath(path) }
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UpdateServerCertificate", serverCertificateARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let account = try tx.account(caller.accountID)
      var certificate = try serverCertificate(name, in: account)
      // As AWS documents: the caller needs the permission on the old name and on the new one.
      let target = arn(caller, "server-certificate", path: newPath ?? certificate.path, name: newName ?? certificate.name)
      if target != certificate.arn {
        try authorize(caller, "UpdateServerCertificate", target, snapshot: tx.snapshot)
      }
      if let newName, newName.lowercased() != certificate.name.lowercased(), account.serverCertificates[newName.lowercased()] != nil {
        throw .entityAlreadyExists("The Server Certificate with name \(newName) already exists.")
      }
      tx.deleteServerCertificate(certificate)
      if let newName { certificate.name = newName }
      if let newPath { certificate.path = newPath }
      tx.put(certificate)
    }
    return .structure([:])
  }

  func deleteServerCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("ServerCertificateName") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteServerCertificate", serverCertificateARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      tx.deleteServerCertificate(try serverCertificate(name, in: tx.account(caller.accountID)))
    }
    return .structure([:])
  }

  func tagServerCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("ServerCertificateName") ?? ""
    let tags = input.tags() ?? []
    try directory.write { tx throws(AWSError) in
      let existing = tx.snapshot.accounts[caller.accountID]?.serverCertificates[name.lowercased()]
      try authorize(
        caller, "TagServerCertificate", serverCertificateARN(name, caller, tx.snapshot),
        context: tagContext(tags).merging(resourceTagContext(existing?.tags ?? [])) { a, _ in a }, snapshot: tx.snapshot)
      var certificate = try serverCertificate(name, in: tx.account(caller.accountID))
      try validateTags(tags, existing: certificate.tags, entity: "server certificate")
      certificate.tags.merge(tags)
      tx.put(certificate)
    }
    return .structure([:])
  }

  func untagServerCertificate(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("ServerCertificateName") ?? ""
    let keys = input.strings("TagKeys") ?? []
    try directory.write { tx throws(AWSError) in
      let existing = tx.snapshot.accounts[caller.accountID]?.serverCertificates[name.lowercased()]
      try authorize(
        caller, "UntagServerCertificate", serverCertificateARN(name, caller, tx.snapshot),
        context: ["aws:TagKeys": .multiple(keys)].merging(resourceTagContext(existing?.tags ?? [])) { a, _ in a },
        snapshot: tx.snapshot)
      var certificate = try serverCertificate(name, in: tx.account(caller.accountID))
      certificate.tags.remove(keys: keys)
      tx.put(certificate)
    }
    return .structure([:])
  }

  func listServerCertificateTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let name = input.string("ServerCertificateName") ?? ""
    try authorize(caller, "ListServerCertificateTags", serverCertificateARN(name, caller, snapshot), snapshot: snapshot)
    let certificate = try serverCertificate(name, in: accountDirectory(caller, snapshot))
    let (slice, marker) = page(Array(certificate.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }
}
