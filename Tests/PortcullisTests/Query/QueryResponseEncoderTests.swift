import AWSWire
import Foundation
import Testing

/// `QueryResponseEncoder` and `QueryErrorEncoder`: the XML IAM sends, byte for byte.
///
/// Each golden document is also written to `$PORTCULLIS_QUERY_XML_DIR/<name>.xml` when that
/// variable is set, so `scripts/check-query-xml.py` can parse them with botocore's own parser.
@Suite("Query response encoding")
struct QueryResponseEncoderTests {
  let encoder = QueryResponseEncoder(model: .iam)
  static let namespace = #"xmlns="https://iam.amazonaws.com/doc/2010-05-08/""#
  /// 2024-01-02T03:04:05.75Z: the fraction must not reach the wire.
  static let created = Date(timeIntervalSince1970: 1_704_164_645.75)

  static let alice: ModelValue = [
    "Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001",
    "Arn": "arn:aws:iam::123456789012:user/alice", "CreateDate": .timestamp(created),
  ]

  func encode(_ operation: String, _ output: ModelValue?) throws -> String {
    let op = try #require(ServiceModel.iam.operation(named: operation))
    return encoder.encode(output, for: op, requestId: "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE")
  }

  /// Compares with the golden text and hands the document to the botocore check.
  func expectGolden(_ name: String, _ xml: String, _ golden: String) throws {
    #expect(xml == golden)
    if let directory = ProcessInfo.processInfo.environment["PORTCULLIS_QUERY_XML_DIR"] {
      try Data(xml.utf8).write(
        to: URL(fileURLWithPath: directory).appendingPathComponent("\(name).xml"))
    }
  }

  static let metadata =
    "<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>"

  @Test("GetUser: members in model order, nested structures, tags, timestamps to the second")
  func getUser() throws {
    var user = Self.alice.structureValue!
    user["PermissionsBoundary"] = [
      "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
      "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/boundary",
    ]
    user["Tags"] = [["Key": "team", "Value": "R&D <core>"]]
    let xml = try encode("GetUser", ["User": .structure(user)])
    try expectGolden(
      "GetUser", xml,
      "<GetUserResponse \(Self.namespace)><GetUserResult><User><Path>/</Path>"
        + "<UserName>alice</UserName><UserId>AIDAEXAMPLEALICE0001</UserId>"
        + "<Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>"
        + "<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType>"
        + "<PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/boundary</PermissionsBoundaryArn>"
        + "</PermissionsBoundary><Tags><member><Key>team</Key><Value>R&amp;D &lt;core&gt;</Value>"
        + "</member></Tags></User></GetUserResult>\(Self.metadata)</GetUserResponse>")
  }

  @Test("ListUsers: a list of structures as <member> elements, then IsTruncated and Marker")
  func listUsers() throws {
    let bob: ModelValue = [
      "Path": "/engineering/", "UserName": "bob", "UserId": "AIDAEXAMPLEBOB000002",
      "Arn": "arn:aws:iam::123456789012:user/engineering/bob",
      "CreateDate": .timestamp(Date(timeIntervalSince1970: 1_704_164_645)),
      "PasswordLastUsed": .timestamp(Date(timeIntervalSince1970: 1_706_000_000)),
    ]
    let xml = try encode(
      "ListUsers", ["Marker": "next-page", "IsTruncated": true, "Users": [Self.alice, bob]])
    try expectGolden(
      "ListUsers", xml,
      "<ListUsersResponse \(Self.namespace)><ListUsersResult><Users>"
        + "<member><Path>/</Path><UserName>alice</UserName><UserId>AIDAEXAMPLEALICE0001</UserId>"
        + "<Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate></member>"
        + "<member><Path>/engineering/</Path><UserName>bob</UserName><UserId>AIDAEXAMPLEBOB000002</UserId>"
        + "<Arn>arn:aws:iam::123456789012:user/engineering/bob</Arn><CreateDate>2024-01-02T03:04:05Z</CreateDate>"
        + "<PasswordLastUsed>2024-01-23T08:53:20Z</PasswordLastUsed></member>"
        + "</Users><IsTruncated>true</IsTruncated><Marker>next-page</Marker></ListUsersResult>"
        + "\(Self.metadata)</ListUsersResponse>")
  }

  @Test("an empty list is an empty element")
  func emptyList() throws {
    let xml = try encode("ListUsers", ["Users": [], "IsTruncated": false])
    try expectGolden(
      "ListUsersEmpty", xml,
      "<ListUsersResponse \(Self.namespace)><ListUsersResult><Users/><IsTruncated>false</IsTruncated>"
        + "</ListUsersResult>\(Self.metadata)</ListUsersResponse>")
  }

  @Test("ListUserTags: a list of key/value structures")
  func listUserTags() throws {
    let xml = try encode(
      "ListUserTags",
      [
        "Tags": [["Key": "team", "Value": "blue"], ["Key": "cost-center", "Value": ""]],
        "IsTruncated": false,
      ])
    try expectGolden(
      "ListUserTags", xml,
      "<ListUserTagsResponse \(Self.namespace)><ListUserTagsResult><Tags>"
        + "<member><Key>team</Key><Value>blue</Value></member>"
        + "<member><Key>cost-center</Key><Value></Value></member>"
        + "</Tags><IsTruncated>false</IsTruncated></ListUserTagsResult>\(Self.metadata)</ListUserTagsResponse>"
    )
  }

  @Test("CreateAccessKey: the secret in model order, after Status")
  func createAccessKey() throws {
    let xml = try encode(
      "CreateAccessKey",
      [
        "AccessKey": [
          "CreateDate": .timestamp(Self.created),
          "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          "Status": "Active", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "UserName": "alice",
        ]
      ])
    try expectGolden(
      "CreateAccessKey", xml,
      "<CreateAccessKeyResponse \(Self.namespace)><CreateAccessKeyResult><AccessKey>"
        + "<UserName>alice</UserName><AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId><Status>Active</Status>"
        + "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>"
        + "<CreateDate>2024-01-02T03:04:05Z</CreateDate></AccessKey></CreateAccessKeyResult>"
        + "\(Self.metadata)</CreateAccessKeyResponse>")
  }

  @Test("an operation without output has no result element")
  func noOutput() throws {
    let xml = try encode("DeleteUser", nil)
    try expectGolden(
      "DeleteUser", xml,
      "<DeleteUserResponse \(Self.namespace)>\(Self.metadata)</DeleteUserResponse>")
  }

  @Test("members the shape does not have are left out")
  func unknownMembers() throws {
    let xml = try encode("ListUserTags", ["Tags": [], "IsTruncated": false, "Secret": "x"])
    #expect(!xml.contains("Secret"))
  }

  @Test("text that XML cannot carry raw is escaped or replaced, so the document stays well-formed")
  func escaping() throws {
    let xml = try encode("ListUserTags", ["Tags": [["Key": "k", "Value": "a\r\nb\u{1}\"'"]]])
    #expect(xml.contains("<Value>a&#xD;\nb\u{FFFD}\"'</Value>"))
  }

  @Test("maps as entry/key/value (or repeated when flattened), blobs base64, lists flattened")
  func mapsAndBlobs() throws {
    let model = try ServiceModel(jsonData: Data(SmallModel.json.utf8))
    let encoder = QueryResponseEncoder(model: model)
    let xml = encoder.encode(
      [
        "Attributes": .map(["size": "L", "color": "blue"]), "Flat": .map(["k": "v"]),
        "Items": ["a", "b"], "Data": .blob(Data("hello".utf8)), "Ratio": 0.25,
      ], for: try #require(model.operation(named: "Put")), requestId: "r")
    #expect(
      xml == #"<PutResponse xmlns="https://example.com/doc/"><PutResult>"#
        + "<Attributes><entry><key>color</key><value>blue</value></entry>"
        + "<entry><key>size</key><value>L</value></entry></Attributes>"
        + "<Flat><Name>k</Name><Val>v</Val></Flat><Item>a</Item><Item>b</Item>"
        + "<Data>aGVsbG8=</Data><Ratio>0.25</Ratio></PutResult>"
        + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PutResponse>")
  }

  @Test("errors: Type, Code and Message in Error, RequestId beside it")
  func error() throws {
    let xml = QueryErrorEncoder(model: .iam).encode(
      .noSuchEntity("The user with name bob cannot be found."), requestId: "req-404")
    try expectGolden(
      "Error", xml,
      "<ErrorResponse \(Self.namespace)><Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
        + "<Message>The user with name bob cannot be found.</Message></Error>"
        + "<RequestId>req-404</RequestId></ErrorResponse>")
  }

  @Test("a service fault is a Receiver error")
  func receiverError() {
    let xml = QueryErrorEncoder(xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/")
      .encode(.serviceFailure(), requestId: "r")
    #expect(xml.contains("<Type>Receiver</Type><Code>ServiceFailure</Code>"))
    #expect(xml.hasPrefix(#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#))
  }
}
