import AWSWire
import Foundation

/// Who made a request, as CloudTrail's `userIdentity` describes it.
public struct AuditIdentity: Sendable, Equatable {
  /// `Root`, `IAMUser`, `AssumedRole`, `FederatedUser`, `WebIdentityUser` or `Unknown`.
  public var type: String
  public var principalID: String?
  public var arn: String?
  public var accountID: String?
  public var accessKeyID: String?
  public var userName: String?
  /// Present for temporary credentials.
  public var session: Session?

  public struct Session: Sendable, Equatable {
    public var mfaAuthenticated: Bool
    public var creationDate: Date
    /// The role (or user) behind the session.
    public var issuer: Issuer?
    public var sourceIdentity: String?

    public init(mfaAuthenticated: Bool, creationDate: Date, issuer: Issuer? = nil, sourceIdentity: String? = nil) {
      self.mfaAuthenticated = mfaAuthenticated
      self.creationDate = creationDate
      self.issuer = issuer
      self.sourceIdentity = sourceIdentity
    }
  }

  /// CloudTrail's `sessionIssuer`.
  public struct Issuer: Sendable, Equatable {
    /// `Role`, `IAMUser` or `Root`.
    public var type: String
    public var principalID: String
    public var arn: String
    public var accountID: String
    public var userName: String

    public init(type: String, principalID: String, arn: String, accountID: String, userName: String) {
      self.type = type
      self.principalID = principalID
      self.arn = arn
      self.accountID = accountID
      self.userName = userName
    }
  }

  public init(
    type: String, principalID: String? = nil, arn: String? = nil, accountID: String? = nil,
    accessKeyID: String? = nil, userName: String? = nil, session: Session? = nil
  ) {
    self.type = type
    self.principalID = principalID
    self.arn = arn
    self.accountID = accountID
    self.accessKeyID = accessKeyID
    self.userName = userName
    self.session = session
  }

  var json: TrailJSON {
    var sessionContext: TrailJSON?
    if let session {
      sessionContext = .object([
        "sessionIssuer": session.issuer.map { issuer in
          TrailJSON.object([
            "type": .string(issuer.type), "principalId": .string(issuer.principalID), "arn": .string(issuer.arn),
            "accountId": .string(issuer.accountID), "userName": .string(issuer.userName),
          ])
        },
        "sourceIdentity": session.sourceIdentity.map(TrailJSON.string),
        "attributes": .object([
          "creationDate": .string(AuditEvent.timestamp(session.creationDate)),
          "mfaAuthenticated": .string(session.mfaAuthenticated ? "true" : "false"),
        ]),
      ])
    }
    return .object([
      "type": .string(type), "principalId": principalID.map(TrailJSON.string), "arn": arn.map(TrailJSON.string),
      "accountId": accountID.map(TrailJSON.string), "accessKeyId": accessKeyID.map(TrailJSON.string),
      "userName": userName.map(TrailJSON.string), "sessionContext": sessionContext,
    ])
  }
}

/// One request as the trail records it: CloudTrail's record format (event version 1.08), so
/// tools that read CloudTrail logs read Portcullis's.
///
/// A class, not a struct: an event passes from the request to the writer's queue and through
/// its drain, and copying a reference is one retain where copying the value was one per field.
public final class AuditEvent: Sendable {
  public let eventTime: Date
  /// `iam.amazonaws.com`, `sts.amazonaws.com`, `signin.amazonaws.com`, …
  public let eventSource: String
  public let eventName: String
  public let awsRegion: String
  public let sourceIPAddress: String
  public let userAgent: String?
  /// `nil` when the caller could not be authenticated.
  public let identity: AuditIdentity?
  /// Already redacted: see `AuditParameters`.
  public let requestParameters: TrailJSON?
  public let responseElements: TrailJSON?
  public let additionalEventData: TrailJSON?
  public let errorCode: String?
  public let errorMessage: String?
  public let requestID: String
  public let eventID: String
  public let readOnly: Bool
  /// `AwsApiCall` or `AwsConsoleSignIn`.
  public let eventType: String
  public let recipientAccountID: String?

  public init(
    eventTime: Date, eventSource: String, eventName: String, awsRegion: String, sourceIPAddress: String,
    userAgent: String?, identity: AuditIdentity?, requestParameters: TrailJSON? = nil,
    responseElements: TrailJSON? = nil, additionalEventData: TrailJSON? = nil, errorCode: String? = nil,
    errorMessage: String? = nil, requestID: String, eventID: String, readOnly: Bool,
    eventType: String = "AwsApiCall", recipientAccountID: String?
  ) {
    self.eventTime = eventTime
    self.eventSource = eventSource
    self.eventName = eventName
    self.awsRegion = awsRegion
    self.sourceIPAddress = sourceIPAddress
    self.userAgent = userAgent
    self.identity = identity
    self.requestParameters = requestParameters
    self.responseElements = responseElements
    self.additionalEventData = additionalEventData
    self.errorCode = errorCode
    self.errorMessage = errorMessage
    self.requestID = requestID
    self.eventID = eventID
    self.readOnly = readOnly
    self.eventType = eventType
    self.recipientAccountID = recipientAccountID
  }

  /// The CloudTrail record, members in CloudTrail's order.
  public var record: TrailJSON {
    .object([
      "eventVersion": .string("1.08"),
      "userIdentity": identity?.json ?? .object(["type": .string("Unknown")]),
      "eventTime": .string(Self.timestamp(eventTime)),
      "eventSource": .string(eventSource),
      "eventName": .string(eventName),
      "awsRegion": .string(awsRegion),
      "sourceIPAddress": .string(sourceIPAddress),
      "userAgent": userAgent.map(TrailJSON.string),
      "errorCode": errorCode.map(TrailJSON.string),
      "errorMessage": errorMessage.map(TrailJSON.string),
      "requestParameters": requestParameters ?? .null,
      "responseElements": responseElements ?? .null,
      "additionalEventData": additionalEventData,
      "requestID": .string(requestID),
      "eventID": .string(eventID),
      "readOnly": .bool(readOnly),
      "eventType": .string(eventType),
      "managementEvent": .bool(true),
      "recipientAccountId": recipientAccountID.map(TrailJSON.string),
      "eventCategory": .string("Management"),
    ])
  }

  /// CloudTrail's `eventTime` format: UTC, whole seconds, `Z` (the Query protocol's ISO 8601).
  public static func timestamp(_ date: Date) -> String {
    TimestampFormat.iso8601.format(date)
  }

  /// Parses `timestamp(_:)`'s format (and fractional seconds or offsets, which CloudTrail files
  /// sometimes have).
  public static func parseTimestamp(_ text: String) -> Date? {
    TimestampFormat.iso8601.parse(text)
  }
}
