import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

@Suite("IAM virtual MFA devices")
struct VirtualMFADeviceTests {
  typealias M = MFATestAccount
  static let invalidCode = AWSError(
    code: "InvalidAuthenticationCode", message: "Authentication code for device is not valid.", status: 403)

  @Test("CreateVirtualMFADevice returns the serial and a Base32 seed, stored sealed")
  func create() throws {
    let account = try M()
    let result = try account.call(
      "CreateVirtualMFADevice", ["VirtualMFADeviceName": "alice", "Path": "/team/", "Tags": [["Key": "k", "Value": "v"]]])
    #expect(result.string(at: "VirtualMFADevice", "SerialNumber") == "arn:aws:iam::123456789012:mfa/team/alice")
    let seed = try #require(result.value(at: "VirtualMFADevice", "Base32StringSeed")?.blobValue)
    let text = String(decoding: seed, as: UTF8.self)
    #expect(Base32.decode(text)?.count == 20)
    let stored = try #require(account.base.entities.mfaDevices["arn:aws:iam::123456789012:mfa/team/alice"])
    #expect(!stored.sealedSeed.contains(Data(text.utf8)))
    #expect(stored.tags == [Tag(key: "k", value: "v")])
    #expect(
      account.error("CreateVirtualMFADevice", ["VirtualMFADeviceName": "alice", "Path": "/team/"])?.code
        == "EntityAlreadyExists")
  }

  @Test("EnableMFADevice needs two consecutive codes; a device is enabled once")
  func enable() throws {
    let account = try M()
    try account.base.createUser("alice")
    let (serial, totp) = try account.createDevice("alice")
    let now = account.code(totp)
    #expect(account.error("EnableMFADevice", account.enableInput(serial, user: "alice", now, now)) == Self.invalidCode)
    #expect(
      account.error("EnableMFADevice", account.enableInput(serial, user: "alice", account.code(totp, -2), now))
        == Self.invalidCode)
    #expect(
      account.error("EnableMFADevice", account.enableInput(serial, user: "alice", "000000", "111111")) == Self.invalidCode)
    try account.enable(serial, totp, for: "alice")
    let device = try #require(account.base.entities.mfaDevices[serial.lowercased()])
    #expect(device.userName == "alice")
    #expect(device.enableDate == account.clock.now)

    try account.base.createUser("bob")
    account.clock.advance(90)
    #expect(account.error("EnableMFADevice", account.enableInput(serial, user: "bob", account.code(totp, -1), account.code(totp)))?.code == "EntityAlreadyExists")
  }

  @Test("a code is accepted at most once: resync with the codes that enabled the device fails")
  func reuse() throws {
    let account = try M()
    try account.base.createUser("alice")
    let (serial, totp) = try account.createDevice("alice")
    let input = account.enableInput(serial, user: "alice", account.code(totp, -1), account.code(totp))
    try account.call("EnableMFADevice", input)
    #expect(account.error("ResyncMFADevice", input) == Self.invalidCode)
    account.clock.advance(60)
    #expect(account.error("ResyncMFADevice", account.enableInput(serial, user: "alice", account.code(totp, -1), account.code(totp))) == nil)
  }

  @Test("DeleteVirtualMFADevice refuses an enabled device; after DeactivateMFADevice it deletes")
  func deleteConflict() throws {
    let account = try M()
    try account.base.createUser("alice")
    let (serial, totp) = try account.createDevice("alice")
    try account.enable(serial, totp, for: "alice")
    #expect(
      account.error("DeleteVirtualMFADevice", ["SerialNumber": .string(serial)])
        == .deleteConflict("MFA VirtualDevice in use. Must deactivate first."))
    #expect(account.error("DeleteUser", ["UserName": "alice"])?.code == "DeleteConflict")
    try account.call("DeactivateMFADevice", ["UserName": "alice", "SerialNumber": .string(serial)])
    #expect(account.error("DeactivateMFADevice", ["UserName": "alice", "SerialNumber": .string(serial)])?.code == "NoSuchEntity")
    try account.call("DeleteVirtualMFADevice", ["SerialNumber": .string(serial)])
    #expect(account.base.entities.mfaDevices.isEmpty)
    #expect(account.error("DeleteVirtualMFADevice", ["SerialNumber": .string(serial)])?.code == "NoSuchEntity")
  }

  @Test("ListVirtualMFADevices filters by AssignmentStatus; ListMFADevices lists a user's devices")
  func lists() throws {
    let account = try M()
    try account.base.createUser("alice")
    let (a, totp) = try account.createDevice("a")
    let (b, _) = try account.createDevice("b")
    try account.enable(a, totp, for: "alice")
    func serials(_ status: String) throws -> [String] {
      try account.call("ListVirtualMFADevices", ["AssignmentStatus": .string(status)])
        .names(in: "VirtualMFADevices", member: "SerialNumber")
    }
    #expect(try serials("Any") == [a, b])
    #expect(try serials("Assigned") == [a])
    #expect(try serials("Unassigned") == [b])
    let assigned = try account.call("ListVirtualMFADevices", ["AssignmentStatus": "Assigned"])
    #expect(assigned[member: "VirtualMFADevices"]?.listValue?.first?.string(at: "User", "UserName") == "alice")
    let listed = try account.call("ListMFADevices", ["UserName": "alice"])
    #expect(listed.names(in: "MFADevices", member: "SerialNumber") == [a])
    // Without UserName the caller's own devices.
    try account.call(
      "PutUserPolicy",
      ["UserName": "alice", "PolicyName": "own", "PolicyDocument": .string(IAMTestAccount.allow("iam:ListMFADevices"))])
    #expect(try account.call("ListMFADevices", as: account.base.user("alice")).names(in: "MFADevices", member: "SerialNumber") == [a])
  }

  @Test("devices persist: a directory reloaded from the store has them, with their last used step")
  func persisted() throws {
    let account = try M()
    try account.base.createUser("alice")
    let (serial, totp) = try account.createDevice("alice")
    try account.enable(serial, totp, for: "alice")
    let reloaded = try Directory(store: account.base.store, secrets: account.base.directory.secrets)
    let device = try #require(reloaded.snapshot.accounts[IAMTestAccount.id]?.mfaDevices[serial.lowercased()])
    #expect(device == account.base.entities.mfaDevices[serial.lowercased()])
    #expect(device.lastUsedCounter == totp.counter(at: account.clock.now))
  }

  @Test("tags on devices: TagMFADevice, UntagMFADevice, ListMFADeviceTags")
  func tags() throws {
    let account = try M()
    let (serial, _) = try account.createDevice("a")
    try account.call("TagMFADevice", ["SerialNumber": .string(serial), "Tags": [["Key": "team", "Value": "blue"], ["Key": "x", "Value": "1"]]])
    try account.call("UntagMFADevice", ["SerialNumber": .string(serial), "TagKeys": ["x"]])
    let tags = try account.call("ListMFADeviceTags", ["SerialNumber": .string(serial)])
    #expect(tags.names(in: "Tags", member: "Key") == ["team"])
  }

  @Test("a user without permission cannot create a device")
  func authorization() throws {
    let account = try M()
    try account.base.createUser("alice")
    #expect(account.error("CreateVirtualMFADevice", ["VirtualMFADeviceName": "x"], as: account.base.user("alice"))?.code == "AccessDenied")
  }
}
