import AWSWire
import Audit
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services

/// Builds the trail's events from what the endpoint knows about a request.
enum AuditRecording {
  /// CloudTrail's `userIdentity` for an authenticated caller.
  static func identity(_ caller: Caller) -> AuditIdentity {
    var identity = AuditIdentity(
      type: "Unknown", principalID: caller.userID, arn: caller.arn, accountID: caller.accountID,
      accessKeyID: caller.accessKeyID, userName: caller.userName)
    switch caller.principal.kind {
    case .root:
      identity.type = "Root"
      identity.principalID = caller.accountID
    case .user:
      identity.type = "IAMUser"
    case .assumedRole(let roleName, let sessionName):
      identity.type = "AssumedRole"
      identity.userName = nil
      if case .assumedRole(_, let roleID) = caller.session?.kind {
        identity.principalID = "\(roleID):\(sessionName)"
        identity.session = AuditIdentity.Session(
          mfaAuthenticated: caller.session?.mfaAuthenticatedAt != nil, creationDate: caller.session?.issuedAt ?? caller.time,
          issuer: AuditIdentity.Issuer(
            type: "Role", principalID: roleID, arn: "arn:aws:iam::\(caller.accountID):role/\(roleName)",
            accountID: caller.accountID, userName: roleName),
          sourceIdentity: caller.session?.sourceIdentity)
      }
    case .federatedUser(let name):
      identity.type = "FederatedUser"
      identity.principalID = "\(caller.accountID):\(name)"
      identity.userName = nil
    default:
      break
    }
    if identity.session == nil, let session = caller.session {
      identity.session = AuditIdentity.Session(
        mfaAuthenticated: session.mfaAuthenticatedAt != nil, creationDate: session.issuedAt,
        sourceIdentity: session.sourceIdentity)
    }
    return identity
  }

  /// The event for one API request.
  static func event(
    _ record: AWSEndpoint.RequestRecord, error: AWSError?, requestID: String, sourceIP: String, userAgent: String?,
    directory: Directory
  ) -> AuditEvent {
    // AWS records responseElements for calls that change something; reads leave it null.
    let readOnly = AuditParameters.isReadOnly(record.operation)
    let identity: AuditIdentity
    if let caller = record.caller, caller.principal.kind != .anonymous {
      identity = Self.identity(caller)
    } else {
      // Unsigned federated calls: the identity is the IdP's user, as AWS records it.
      let federatedType =
        switch record.operation {
        case "AssumeRoleWithSAML": "SAMLUser"
        case "AssumeRoleWithWebIdentity": "WebIdentityUser"
        default: record.caller == nil ? "Unknown" : "WebIdentityUser"
        }
      identity = AuditIdentity(type: federatedType, accessKeyID: record.accessKeyID)
    }
    return AuditEvent(
      eventTime: record.time, eventSource: "\(record.service).amazonaws.com", eventName: record.operation,
      awsRegion: record.region, sourceIPAddress: sourceIP, userAgent: userAgent, identity: identity,
      requestParameters: record.input.flatMap(AuditParameters.json),
      responseElements: readOnly || error != nil ? nil : record.output.flatMap(AuditParameters.json),
      additionalEventData: roleTags(record, directory), errorCode: error?.code, errorMessage: error?.message,
      requestID: requestID, eventID: EventID.next(), readOnly: readOnly,
      recipientAccountID: record.caller?.accountID.isEmpty == false ? record.caller?.accountID : federatedAccount(record))
  }

  /// The account of the role an unsigned federated call (`AssumeRoleWithSAML`,
  /// `AssumeRoleWithWebIdentity`) names: AWS records these events in the role's account.
  static func federatedAccount(_ record: AWSEndpoint.RequestRecord) -> String? {
    guard record.operation.hasPrefix("AssumeRoleWith"), let arn = record.input?[member: "RoleArn"]?.stringValue,
      let parsed = ARN(arn), parsed.account.count == 12
    else { return nil }
    return String(parsed.account)
  }

  /// For role assumptions, the role's tags as `additionalEventData.roleTags`: AWS's trail does
  /// not carry them, but the break-glass alert rule needs them at the moment of assumption.
  /// The snapshot is read only for those: every other request skips it.
  static func roleTags(_ record: AWSEndpoint.RequestRecord, _ directory: Directory) -> TrailJSON? {
    guard record.operation.hasPrefix("AssumeRole"), let arn = record.input?[member: "RoleArn"]?.stringValue,
      let parsed = ARN(arn), let name = parsed.resource.split(separator: "/").last,
      let role = directory.snapshot.accounts[String(parsed.account)]?.roles[name.lowercased()], !role.tags.isEmpty
    else { return nil }
    return .object(["roleTags": .object(role.tags.map { TrailJSON.Member($0.key, .string($0.value)) })])
  }
}

extension AuditRecording {
  /// A console sign-in as CloudTrail records it: `ConsoleLogin` from `signin.amazonaws.com`,
  /// `Success` or `Failure`, and whether MFA was used.
  static func signIn(_ attempt: SignInAttempt, time: Date = Date()) -> AuditEvent {
    let success = attempt.outcome == "success"
    let arn = attempt.userARN.flatMap(ARN.init)
    let accountID = arn.map { String($0.account) } ?? (attempt.account.allSatisfy(\.isNumber) ? attempt.account : nil)
    return AuditEvent(
      eventTime: time, eventSource: "signin.amazonaws.com", eventName: "ConsoleLogin", awsRegion: "us-east-1",
      sourceIPAddress: attempt.sourceIP, userAgent: nil,
      identity: AuditIdentity(type: "IAMUser", arn: attempt.userARN, accountID: accountID, userName: attempt.userName),
      responseElements: .object(["ConsoleLogin": .string(success ? "Success" : "Failure")]),
      additionalEventData: .object([
        "LoginTo": .string("/signin"), "MobileVersion": .string("No"), "MFAUsed": .string(attempt.mfa ? "Yes" : "No"),
      ]),
      errorMessage: success ? nil : "Failed authentication", requestID: AWSEndpoint.makeRequestID(),
      eventID: EventID.next(), readOnly: false, eventType: "AwsConsoleSignIn",
      recipientAccountID: accountID)
  }
}
