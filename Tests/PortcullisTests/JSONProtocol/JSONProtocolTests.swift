import AWSWire
import Foundation
import Testing

/// The AWS JSON 1.1 protocol, driven by the Organizations model: what botocore sends decodes
/// into validated input, outputs encode as botocore parses them, errors carry `__type`.
@Suite struct JSONProtocolTests {
  let decoder = JSONRequestDecoder(model: .organizations)
  let encoder = JSONResponseEncoder(model: .organizations)

  func decode(_ target: String, _ body: String) throws(AWSError) -> JSONRequest {
    try decoder.decode(target: target, body: Array(body.utf8))
  }

  func error(_ target: String, _ body: String) -> AWSError? {
    do {
      _ = try decode(target, body)
      return nil
    } catch {
      return error
    }
  }

  @Test func theTargetNamesTheOperation() throws {
    let request = try decode("AWSOrganizationsV20161128.ListAccounts", "{}")
    #expect(request.operation.name == "ListAccounts")
    #expect(request.input == .structure([:]))
  }

  @Test(arguments: ["AWSOrganizationsV20161128.NoSuchThing", "OtherServiceV1.ListAccounts", "ListAccounts", ""])
  func anUnknownTargetIsUnknownOperationException(target: String) {
    #expect(error(target, "{}")?.code == "UnknownOperationException")
  }

  @Test func anEmptyBodyIsAnEmptyInput() throws {
    let request = try decoder.decode(target: "AWSOrganizationsV20161128.DescribeOrganization", body: [])
    #expect(request.input == .structure([:]))
  }

  @Test func membersDecodeByTheirShapes() throws {
    let request = try decode(
      "AWSOrganizationsV20161128.CreateAccount",
      #"{"Email":"a@example.com","AccountName":"dev","Tags":[{"Key":"team","Value":"a"}],"Unknown":1}"#)
    #expect(
      request.input
        == [
          "Email": "a@example.com", "AccountName": "dev",
          "Tags": [["Key": "team", "Value": "a"]],
        ])
  }

  @Test func integersStayIntegersAndNullIsAbsent() throws {
    let request = try decode("AWSOrganizationsV20161128.ListAccounts", #"{"MaxResults":5,"NextToken":null}"#)
    #expect(request.input == ["MaxResults": 5])
  }

  @Test(arguments: ["not json", "[1,2]", "\"text\""])
  func aBodyThatIsNotAJSONObjectIsSerializationException(body: String) {
    #expect(error("AWSOrganizationsV20161128.ListAccounts", body)?.code == "SerializationException")
  }

  @Test(arguments: [#"{"MaxResults":"5"}"#, #"{"MaxResults":true}"#, #"{"MaxResults":1.5}"#, #"{"NextToken":3}"#])
  func aValueOfTheWrongTypeIsSerializationException(body: String) {
    #expect(error("AWSOrganizationsV20161128.ListAccounts", body)?.code == "SerializationException")
  }

  @Test func failedConstraintsAreOneValidationException() throws {
    let failure = try #require(error("AWSOrganizationsV20161128.CreateAccount", #"{"AccountName":""}"#))
    #expect(failure.code == "ValidationException")
    // `AccountName` is sensitive in the model, so its value is left out, as AWS leaves it out.
    #expect(failure.message.hasPrefix("3 validation errors detected: "))
    #expect(failure.message.contains("Value at 'accountName' failed to satisfy constraint"))
    #expect(failure.message.contains("Value null at 'email' failed to satisfy constraint: Member must not be null"))
  }

  @Test func outputsEncodeInModelOrderWithEpochSecondTimestamps() throws {
    let operation = try #require(ModelValueFixture.operation("DescribeCreateAccountStatus"))
    let json = encoder.encode(
      [
        "CreateAccountStatus": [
          "AccountId": "111122223333", "Id": "car-1", "State": "SUCCEEDED",
          "RequestedTimestamp": .timestamp(Date(timeIntervalSince1970: 1_700_000_000.5)),
        ]
      ], for: operation)
    #expect(
      json
        == #"{"CreateAccountStatus":{"Id":"car-1","State":"SUCCEEDED","RequestedTimestamp":1700000000.5,"AccountId":"111122223333"}}"#
    )
  }

  @Test func operationsWithoutOutputWriteAnEmptyObject() throws {
    let operation = try #require(ModelValueFixture.operation("DeleteOrganization"))
    #expect(encoder.encode(nil, for: operation) == "{}")
  }

  @Test func stringsAreEscaped() throws {
    let operation = try #require(ModelValueFixture.operation("DescribePolicy"))
    let json = encoder.encode(["Policy": ["Content": "{\"a\":\"\\\n\u{1}\"}"]], for: operation)
    #expect(json == #"{"Policy":{"Content":"{\"a\":\"\\\n\u0001\"}"}}"#)
    #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
  }

  @Test func errorsCarryTypeMessageAndModeledFields() {
    let failure = AWSError(code: "ConstraintViolationException", message: "too \"few\"")
      .with(fields: ["Reason": "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"])
    #expect(
      JSONErrorEncoder().encode(failure)
        == #"{"__type":"ConstraintViolationException","Message":"too \"few\"","Reason":"MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"}"#
    )
  }

  @Test func theModelKnowsItsTargetPrefixAndProtocol() {
    #expect(ServiceModel.organizations.metadata.targetPrefix == "AWSOrganizationsV20161128")
    #expect(ServiceModel.organizations.metadata.jsonVersion == "1.1")
    #expect(ServiceModel.organizations.metadata.protocolName == "json")
  }
}

enum ModelValueFixture {
  static func operation(_ name: String) -> OperationModel? { ServiceModel.organizations.operation(named: name) }
}
