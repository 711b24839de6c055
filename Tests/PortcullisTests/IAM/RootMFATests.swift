import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// MFA for the account's root user: the root user creates a virtual device and enables it for
/// itself (naming itself by its user id, the account id, or by no name), and then proves MFA to
/// STS with it. A device enabled for no IAM user is the root user's (`isRootDevice`): the
/// credential report, `GetAccountSummary` and the analyzer all read root MFA that way.
@Suite("Root user MFA")
struct RootMFATests {
  typealias M = MFATestAccount
  static let rootSerial = "arn:aws:iam::\(IAMTestAccount.id):mfa/root-account-mfa-device"

  /// The root user's device, enabled with the account id as `UserName`, the clock one step on.
  static func rootWithDevice() throws -> (M, String, TOTP) {
    let account = try M()
    let (serial, totp) = try account.createDevice("root-account-mfa-device")
    try account.enable(serial, totp, for: IAMTestAccount.id)
    account.clock.advance(30)
    return (account, serial, totp)
  }

  @Test("the root user enables a device for itself by naming its account id")
  func enableWithAccountID() throws {
    let (account, serial, _) = try Self.rootWithDevice()
    #expect(serial == Self.rootSerial)
    let device = try #require(account.base.entities.rootMFADevice)
    #expect(device.serialNumber == serial && device.userName == nil && device.isRootDevice)
  }

  @Test("the root user enables a device for itself by leaving UserName out")
  func enableWithoutName() throws {
    let account = try M()
    let (serial, totp) = try account.createDevice("my-root-key")
    try account.call(
      "EnableMFADevice",
      ["SerialNumber": .string(serial), "AuthenticationCode1": .string(account.code(totp, -1)),
       "AuthenticationCode2": .string(account.code(totp))])
    #expect(account.base.entities.rootMFADevice?.serialNumber == serial)
  }

  @Test("an IAM user cannot enable a device for the root user: the account id names no user")
  func userCannotEnableForRoot() throws {
    let account = try M()
    try account.base.createUser("admin")
    try account.call("AttachUserPolicy", ["UserName": "admin", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"])
    let (serial, totp) = try account.createDevice("root-account-mfa-device")
    let error = account.error(
      "EnableMFADevice", account.enableInput(serial, user: IAMTestAccount.id, account.code(totp, -1), account.code(totp)),
      as: account.base.user("admin"))
    #expect(error?.code == "NoSuchEntity")
    #expect(account.base.entities.rootMFADevice == nil)
  }

  @Test("ListMFADevices as root without UserName lists the root user's device under the account id")
  func listAsRoot() throws {
    let (account, serial, _) = try Self.rootWithDevice()
    let listed = try account.call("ListMFADevices")
    #expect(listed.names(in: "MFADevices", member: "SerialNumber") == [serial])
    #expect(listed.names(in: "MFADevices", member: "UserName") == [IAMTestAccount.id])
  }

  @Test("ListVirtualMFADevices shows the root user's device as assigned, to the root ARN")
  func listVirtual() throws {
    let (account, serial, _) = try Self.rootWithDevice()
    let assigned = try account.call("ListVirtualMFADevices", ["AssignmentStatus": "Assigned"])
    #expect(assigned.names(in: "VirtualMFADevices", member: "SerialNumber") == [serial])
    let user = assigned[member: "VirtualMFADevices"]?.listValue?.first?[member: "User"]
    #expect(user?[member: "Arn"]?.stringValue == "arn:aws:iam::\(IAMTestAccount.id):root")
    let unassigned = try account.call("ListVirtualMFADevices", ["AssignmentStatus": "Unassigned"])
    #expect(unassigned.names(in: "VirtualMFADevices", member: "SerialNumber").isEmpty)
  }

  @Test("GetAccountSummary's AccountMFAEnabled is 1 once the root user has a device, 0 after deactivation")
  func accountSummary() throws {
    let (account, serial, _) = try Self.rootWithDevice()
    func enabled() throws -> Int64? {
      try account.call("GetAccountSummary")[member: "SummaryMap"]?.mapValue?["AccountMFAEnabled"]?.integerValue
    }
    #expect(try enabled() == 1)
    try account.call("DeactivateMFADevice", ["SerialNumber": .string(serial)])
    #expect(try enabled() == 0)
  }

  @Test("the credential report's <root_account> row says mfa_active true")
  func credentialReport() throws {
    let (account, _, _) = try Self.rootWithDevice()
    let rows = CredentialReport.rows(account.base.entities, now: account.clock.now)
    let mfaColumn = try #require(CredentialReport.columns.firstIndex(of: "mfa_active"))
    #expect(rows.first?.first == CredentialReport.rootUserName)
    #expect(rows.first?[mfaColumn] == "true")
  }

  @Test("an enabled root device cannot be deleted, nor enabled again for a user")
  func inUse() throws {
    let (account, serial, totp) = try Self.rootWithDevice()
    #expect(account.error("DeleteVirtualMFADevice", ["SerialNumber": .string(serial)])?.code == "DeleteConflict")
    try account.base.createUser("alice")
    let error = account.error(
      "EnableMFADevice", account.enableInput(serial, user: "alice", account.code(totp), account.code(totp, 1)))
    #expect(error?.code == "EntityAlreadyExists")
  }

  @Test("the root user's GetSessionToken with its device's code carries MFA; a wrong code is refused")
  func sessionToken() throws {
    let (account, serial, totp) = try Self.rootWithDevice()
    let result = try account.sts.handle(
      "GetSessionToken", input: ["SerialNumber": .string(serial), "TokenCode": .string(account.code(totp))],
      caller: account.base.root)
    let token = try #require(result.string(at: "Credentials", "SessionToken"))
    let keyID = try #require(result.string(at: "Credentials", "AccessKeyId"))
    let session = try SessionToken.open(token, with: account.ring, accessKeyID: keyID, now: account.clock.now)
    #expect(session.mfaAuthenticatedAt == account.clock.now)
    let wrong = Result { () throws(AWSError) in
      try account.sts.handle(
        "GetSessionToken", input: ["SerialNumber": .string(serial), "TokenCode": "000000"], caller: account.base.root)
    }
    #expect(throws: AWSError.self) { try wrong.get() }
  }

  @Test("the root user resyncs its device; an IAM administrator can neither resync nor deactivate it")
  func resyncAndDeactivate() throws {
    let (account, serial, totp) = try Self.rootWithDevice()
    try account.call("ResyncMFADevice", account.enableInput(serial, user: IAMTestAccount.id, account.code(totp), account.code(totp, 1)))
    try account.base.createUser("admin")
    try account.call("AttachUserPolicy", ["UserName": "admin", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"])
    let admin = account.base.user("admin")
    let resync = account.error(
      "ResyncMFADevice", account.enableInput(serial, user: IAMTestAccount.id, account.code(totp, 1), account.code(totp, 2)),
      as: admin)
    #expect(resync?.code == "NoSuchEntity")
    let deactivate = account.error(
      "DeactivateMFADevice", ["UserName": .string(IAMTestAccount.id), "SerialNumber": .string(serial)], as: admin)
    #expect(deactivate?.code == "NoSuchEntity")
    #expect(account.base.entities.rootMFADevice?.serialNumber == serial)
  }

  @Test("an IAM user cannot prove MFA with the root user's device")
  func userCannotUseRootDevice() throws {
    let (account, serial, totp) = try Self.rootWithDevice()
    try account.base.createUser("alice")
    #expect(throws: AWSError.self) {
      try account.sts.handle(
        "GetSessionToken", input: ["SerialNumber": .string(serial), "TokenCode": .string(account.code(totp))],
        caller: account.base.user("alice"))
    }
  }
}
