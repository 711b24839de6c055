import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Services
import Testing

/// STS over the Query protocol, as the endpoint will run it: the bundled model decodes the
/// parameters the AWS CLI sends, and the handlers' output encodes to STS's XML.
@Suite("STS over the Query protocol")
struct STSWireTests {
  typealias S = STSTestAccount

  @Test("the bundled STS model loads with STS's version, namespace and operations")
  func model() throws {
    let model = ServiceModel.sts
    #expect(model.metadata.apiVersion == "2011-06-15")
    #expect(model.metadata.xmlNamespace == "https://sts.amazonaws.com/doc/2011-06-15/")
    for operation in STSService.operations {
      #expect(model.operation(named: operation) != nil, "\(operation) is in the model")
    }
  }

  @Test("AssumeRole decoded from form parameters, run, and encoded as STS's XML")
  func assumeRoleRoundTrip() throws {
    let account = try S()
    try account.iamAccount.createUser("alice")
    try account.createRole("App", trust: S.trust("arn:aws:iam::123456789012:user/alice", actions: ["sts:AssumeRole", "sts:TagSession"]))
    let parameters = [
      ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", "arn:aws:iam::123456789012:role/App"),
      ("RoleSessionName", "cli"), ("DurationSeconds", "900"), ("Tags.member.1.Key", "team"),
      ("Tags.member.1.Value", "blue"), ("TransitiveTagKeys.member.1", "team"),
    ]
    let request = try QueryRequestDecoder(model: .sts).decode(parameters)
    let output = try account.call(request.operation.name, request.input, as: account.user("alice"))
    let xml = QueryResponseEncoder(model: .sts).encode(output, for: request.operation, requestId: "req-1")
    #expect(xml.hasPrefix(#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA"#))
    #expect(xml.contains("<Expiration>2025-06-15T15:21:40Z</Expiration></Credentials>"))
    #expect(xml.contains("<AssumedRoleUser><AssumedRoleId>AROA"))
    #expect(xml.contains(":cli</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/App/cli</Arn></AssumedRoleUser>"))
    #expect(xml.contains("<PackedPolicySize>1</PackedPolicySize>"))
    #expect(xml.hasSuffix("<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleResponse>"))
  }

  @Test("the wire rejects a duration beyond the model's range before the handler runs")
  func wireValidation() throws {
    let error = #expect(throws: AWSError.self) {
      try QueryRequestDecoder(model: .sts).decode([
        ("Action", "GetSessionToken"), ("Version", "2011-06-15"), ("DurationSeconds", "129601"),
      ])
    }
    #expect(error?.code == "ValidationError")
  }
}
