import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

extension IAMService {
  static func registerMFADevices(_ h: inout [String: Handler]) {
    h["CreateVirtualMFADevice"] = { s, i, c in try s.createVirtualMFADevice(i, c) }
    h["EnableMFADevice"] = { s, i, c in try s.enableMFADevice(i, c) }
    h["ResyncMFADevice"] = { s, i, c in try s.resyncMFADevice(i, c) }
    h["DeactivateMFADevice"] = { s, i, c in try s.deactivateMFADevice(i, c) }
    h["DeleteVirtualMFADevice"] = { s, i, c in try s.deleteVirtualMFADevice(i, c) }
    h["ListMFADevices"] = { s, i, c in try s.listMFADevices(i, c) }
    h["ListVirtualMFADevices"] = { s, i, c in try s.listVirtualMFADevices(i, c) }
    h["TagMFADevice"] = { s, i, c in try s.tagMFADevice(i, c) }
    h["UntagMFADevice"] = { s, i, c in try s.untagMFADevice(i, c) }
    h["ListMFADeviceTags"] = { s, i, c in try s.listMFADeviceTags(i, c) }
  }

  /// The device `serial` in `account`, or `NoSuchEntity`.
  func mfaDevice(_ serial: String, in account: AccountDirectory) throws(AWSError) -> VirtualMFADevice {
    guard let device = account.mfaDevices[serial.lowercased()] else {
      throw .noSuchEntity("VirtualMFADevice with serial number \(serial) doesn't exist.")
    }
    return device
  }

  static func invalidAuthenticationCode() -> AWSError {
    AWSError(code: "InvalidAuthenticationCode", message: "Authentication code for device is not valid.", status: 403)
  }

  func createVirtualMFADevice(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("VirtualMFADeviceName") ?? ""
    let path = try validatePath(input.string("Path"))
    let tags = input.tags() ?? []
    let serial = arn(caller, "mfa", path: path, name: name)
    // 160 bits, the seed length RFC 4226 recommends.
    var rng = SystemRandomNumberGenerator()
    let seed = Base32.encode(Data((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }), padded: false)
    let device = try directory.write { tx throws(AWSError) -> VirtualMFADevice in
      let context = tagContext(tags)
      try authorize(caller, "CreateVirtualMFADevice", serial, context: context, snapshot: tx.snapshot)
      if !tags.isEmpty { try authorize(caller, "TagMFADevice", serial, context: context, snapshot: tx.snapshot) }
      let account = try tx.account(caller.accountID)
      if account.mfaDevices[serial.lowercased()] != nil {
        throw .entityAlreadyExists("MFADevice entity at the same path and name already exists.")
      }
      try validateTags(tags, entity: "mfa device")
      var device = VirtualMFADevice(
        accountID: caller.accountID, serialNumber: serial, sealedSeed: directory.secrets.seal(seed), createDate: now())
      device.tags = tags
      tx.put(device)
      return device
    }
    return .structure([
      "VirtualMFADevice": .object([
        "SerialNumber": .string(device.serialNumber), "Base32StringSeed": .blob(Data(seed.utf8)),
        "QRCodePNG": .blob(Self.qrCodePNG(Self.otpauthURI(deviceName: name, accountName: caller.accountID, seed: seed))),
        "Tags": device.tags.model,
      ])
    ])
  }

  /// The URI AWS documents for `QRCodePNG`: `otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String`,
  /// where AccountName is the account id for a device not yet assigned to a user (as every
  /// new device is). Authenticator apps show the label and take the seed from `secret`.
  static func otpauthURI(deviceName: String, accountName: String, seed: String) -> String {
    "otpauth://totp/\(deviceName)@\(accountName)?secret=\(seed)"
  }

  /// A PNG of the QR code of `uri` (level M, 4 pixels per module with a 4-module quiet zone).
  static func qrCodePNG(_ uri: String) -> Data {
    // INVARIANT: device names are at most 226 characters, so the URI fits in version 40 at M.
    guard let code = try? QRCode(text: uri, errorCorrection: .medium) else { return Data() }
    return PNGImage(code, scale: 4).data
  }

  /// Reads the user, serial and both codes of `EnableMFADevice` and `ResyncMFADevice`.
  private func codeInput(_ input: ModelValue) -> (user: String, serial: String, code1: String, code2: String) {
    (
      input.string("UserName") ?? "", input.string("SerialNumber") ?? "",
      input.string("AuthenticationCode1") ?? "", input.string("AuthenticationCode2") ?? ""
    )
  }

  /// Whether `name` (a `UserName` input, possibly empty) means the root user itself: only the
  /// root user can name itself, by leaving the name out (in-process callers; the wire requires
  /// one) or by giving its `UserId`, the account id, which no IAM user of the account is named.
  /// Root MFA is then a device enabled for no user (`VirtualMFADevice.isRootDevice`).
  func namesRootUser(_ name: String, _ caller: Caller, _ snapshot: DirectorySnapshot) -> Bool {
    guard caller.isRoot else { return false }
    if name.isEmpty { return true }
    return name == caller.accountID && snapshot.accounts[caller.accountID]?.users[name.lowercased()] == nil
  }

  /// The account and the user (`nil` for the root user) an MFA operation names, after
  /// authorizing `action` on that user (or on the root).
  func mfaOwner(
    _ name: String, authorizing action: String, _ caller: Caller, _ snapshot: DirectorySnapshot
  ) throws(AWSError) -> (account: AccountDirectory, user: User?, forRoot: Bool) {
    let forRoot = namesRootUser(name, caller, snapshot)
    let target = forRoot ? "arn:aws:iam::\(caller.accountID):root" : userARN(name, caller, snapshot)
    try authorize(caller, action, target, snapshot: snapshot)
    guard let account = snapshot.accounts[caller.accountID] else {
      throw .noSuchEntity("The account \(caller.accountID) cannot be found.")
    }
    return (account, forRoot ? nil : try user(name, in: account), forRoot)
  }

  func enableMFADevice(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let (name, serial, code1, code2) = codeInput(input)
    try directory.write { tx throws(AWSError) in
      let (account, user, _) = try mfaOwner(name, authorizing: "EnableMFADevice", caller, tx.snapshot)
      var device = try mfaDevice(serial, in: account)
      if device.userName != nil || device.enableDate != nil { throw .entityAlreadyExists("MFA Device is already in use.") }
      guard let counter = device.acceptedConsecutiveCounter(code1, code2, at: now(), secrets: directory.secrets) else {
        throw Self.invalidAuthenticationCode()
      }
      device.userName = user?.name
      device.enableDate = now()
      device.lastUsedCounter = counter
      tx.put(device)
    }
    return .structure([:])
  }

  func resyncMFADevice(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let (name, serial, code1, code2) = codeInput(input)
    try directory.write { tx throws(AWSError) in
      let (account, user, forRoot) = try mfaOwner(name, authorizing: "ResyncMFADevice", caller, tx.snapshot)
      var device = try mfaDevice(serial, in: account)
      guard forRoot ? device.isRootDevice : device.userName?.lowercased() == user?.name.lowercased() else {
        throw .noSuchEntity("MFA Device with serial number \(serial) is not enabled for user \(user?.name ?? name).")
      }
      guard let counter = device.acceptedConsecutiveCounter(code1, code2, at: now(), secrets: directory.secrets) else {
        throw Self.invalidAuthenticationCode()
      }
      device.lastUsedCounter = counter
      tx.put(device)
    }
    return .structure([:])
  }

  func deactivateMFADevice(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("UserName") ?? caller.userName ?? ""
    let serial = input.string("SerialNumber") ?? ""
    try directory.write { tx throws(AWSError) in
      let (account, user, forRoot) = try mfaOwner(name, authorizing: "DeactivateMFADevice", caller, tx.snapshot)
      var device = try mfaDevice(serial, in: account)
      guard forRoot ? device.isRootDevice : device.userName?.lowercased() == user?.name.lowercased() else {
        throw .noSuchEntity("MFA Device with serial number \(serial) is not enabled for user \(user?.name ?? name).")
      }
      device.userName = nil
      device.enableDate = nil
      tx.put(device)
    }
    return .structure([:])
  }

  func deleteVirtualMFADevice(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let serial = input.string("SerialNumber") ?? ""
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "DeleteVirtualMFADevice", serial, snapshot: tx.snapshot)
      let device = try mfaDevice(serial, in: tx.account(caller.accountID))
      if device.userName != nil || device.enableDate != nil {
        throw .deleteConflict("MFA VirtualDevice in use. Must deactivate first.")
      }
      tx.deleteMFADevice(device)
    }
    return .structure([:])
  }

  func listMFADevices(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let named = input.string("UserName")
    if caller.isRoot && namesRootUser(named ?? "", caller, snapshot) {
      // The root user's own devices, listed under its user id (the account id).
      try authorize(caller, "ListMFADevices", "arn:aws:iam::\(caller.accountID):root", snapshot: snapshot)
      let devices = try accountDirectory(caller, snapshot).mfaDevices.values.filter(\.isRootDevice)
        .sorted { $0.serialNumber < $1.serialNumber }
      let (slice, marker) = page(devices, input: input) { $0.serialNumber }
      return listOutput(
        "MFADevices",
        slice.map {
          .object([
            "UserName": .string(caller.accountID), "SerialNumber": .string($0.serialNumber), "EnableDate": .date($0.enableDate),
          ])
        }, marker: marker)
    }
    guard let name = named ?? caller.userName else {
      throw .validationError("Must specify userName when calling with non-User credentials")
    }
    try authorize(caller, "ListMFADevices", userARN(name, caller, snapshot), snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let user = try user(name, in: account)
    let devices = account.mfaDevices.values.filter { $0.userName?.lowercased() == user.name.lowercased() }
      .sorted { $0.serialNumber < $1.serialNumber }
    let (slice, marker) = page(devices, input: input) { $0.serialNumber }
    return listOutput(
      "MFADevices",
      slice.map {
        .object([
          "UserName": .string(user.name), "SerialNumber": .string($0.serialNumber), "EnableDate": .date($0.enableDate),
        ])
      }, marker: marker)
  }

  func listVirtualMFADevices(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    try authorize(caller, "ListVirtualMFADevices", "*", snapshot: snapshot)
    let account = try accountDirectory(caller, snapshot)
    let status = input.string("AssignmentStatus") ?? "Any"
    let devices = account.mfaDevices.values.filter { device in
      switch status {
      case "Assigned": device.userName != nil || device.isRootDevice
      case "Unassigned": device.userName == nil && !device.isRootDevice
      default: true
      }
    }.sorted { $0.serialNumber < $1.serialNumber }
    let (slice, marker) = page(devices, input: input) { $0.serialNumber }
    return listOutput(
      "VirtualMFADevices",
      slice.map { device in
        .object([
          "SerialNumber": .string(device.serialNumber), "EnableDate": .date(device.enableDate),
          "User": device.isRootDevice
            ? .object([
              "Path": .string("/"), "UserId": .string(account.account.id), "Arn": .string(account.account.rootARN),
              "CreateDate": .timestamp(account.account.createDate),
            ])
            : device.userName.flatMap { account.users[$0.lowercased()] }.map { $0.model() },
          "Tags": device.tags.model,
        ])
      }, marker: marker)
  }

  func tagMFADevice(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let serial = input.string("SerialNumber") ?? ""
    let tags = input.tags() ?? []
    try directory.write { tx throws(AWSError) in
      let existing = tx.snapshot.accounts[caller.accountID]?.mfaDevices[serial.lowercased()]
      try authorize(
        caller, "TagMFADevice", serial,
        context: tagContext(tags).merging(resourceTagContext(existing?.tags ?? [])) { a, _ in a }, snapshot: tx.snapshot)
      var device = try mfaDevice(serial, in: tx.account(caller.accountID))
      try validateTags(tags, existing: device.tags, entity: "mfa device")
      device.tags.merge(tags)
      tx.put(device)
    }
    return .structure([:])
  }

  func untagMFADevice(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let serial = input.string("SerialNumber") ?? ""
    let keys = input.strings("TagKeys") ?? []
    try directory.write { tx throws(AWSError) in
      try authorize(caller, "UntagMFADevice", serial, context: ["aws:TagKeys": .multiple(keys)], snapshot: tx.snapshot)
      var device = try mfaDevice(serial, in: tx.account(caller.accountID))
      device.tags.remove(keys: keys)
      tx.put(device)
    }
    return .structure([:])
  }

  func listMFADeviceTags(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let serial = input.string("SerialNumber") ?? ""
    try authorize(caller, "ListMFADeviceTags", serial, snapshot: snapshot)
    let device = try mfaDevice(serial, in: accountDirectory(caller, snapshot))
    let (slice, marker) = page(Array(device.tags.enumerated()), input: input) { String(format: "%08d", $0.offset) }
    return listOutput("Tags", slice.map(\.element.model), marker: marker)
  }
}
