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
public struct AuditEvent: Sendable {
  public var eventTime: Date
  /// `iam.amazonaws.com`, `sts.amazonaws.com`, `signin.amazonaws.com`, …
  public var eventSource: String
  public var eventName: String
  public var awsRegion: String
  public var sourceIPAddress: String
  public var userAgent: String?
  /// `nil` when the caller could not be authenticated.
  public var identity: AuditIdentity?
  /// Already redacted: see `AuditParameters`.
  public var requestParameters: TrailJSON?
  public var responseElements: TrailJSON?
  public var additionalEventData: TrailJSON?
  public var errorCode: String?
  public var errorMessage: String?
  public var requestID: String
  public var eventID: String
  public var readOnly: Bool
  /// `AwsApiCall` or `AwsConsoleSignIn`.
  public var eventType: String
  public var recipientAccountID: String?

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

  /// CloudTrail's `eventTime` format: UTC, whole seconds, `Z`.
  public static func timestamp(_ date: Date) -> String {
    var seconds = Int64(date.timeIntervalSince1970.rounded(.down))
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    seconds -= days * 86_400
    let (y, m, d) = civil(fromDays: days)
    func pad(_ v: Int64, _ width: Int) -> String {
      let s = String(v)
      return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))Z"
  }

  /// Parses `timestamp(_:)`'s format (and fractional seconds, which CloudTrail files sometimes have).
  public static func parseTimestamp(_ text: String) -> Date? {
    let u = Array(text.utf8)
    guard u.count >= 20, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T") else { return nil }
    func num(_ from: Int, _ count: Int) -> Int64? {
      var v: Int64 = 0
      for b in u[from..<from + count] {
        guard b >= 48 && b <= 57 else { return nil }
        v = v * 10 + Int64(b - 48)
      }
      return v
    }
    guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
      let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d)
    else { return nil }
    let days = daysFromCivil(y, mo, d)
    return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + h * 3600 + mi * 60 + s))
  }

  // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian, UTC).
  static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
