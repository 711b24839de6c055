import AWSWire
import Foundation
import Testing

/// A request and the `ValidationError` message IAM answers it with (`nil`: accepted).
struct ValidationCase: Sendable, CustomTestStringConvertible {
  let summary: String
  let parameters: [(String, String)]
  let message: String?

  init(_ summary: String, _ parameters: [(String, String)], _ message: String?) {
    self.summary = summary
    self.parameters = parameters
    self.message = message
  }

  var testDescription: String { summary }
}

/// AWS's input validation, message for message: one `ValidationError` listing every failed
/// constraint as `Value '…' at 'memberPath' failed to satisfy constraint: …`, counted, joined by
/// `; `, member paths with the first letter lowercased and list elements as `tags.1.member`.
@Suite("Query input validation")
struct QueryValidationTests {
  static let namePattern = #"[\w+=,.@-]+"#
  static let tagPattern = #"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"#
  static let printable = #"[\u0009\u000A\u000D\u0020-\u00FF]+"#

  static let cases: [ValidationCase] = [
    ValidationCase(
      "a valid request passes",
      [("Action", "CreateUser"), ("UserName", "alice"), ("Path", "/engineering/")], nil),
    ValidationCase(
      "a name outside the pattern",
      [("Action", "GetUser"), ("UserName", "bad name!")],
      "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: "
        + "Member must satisfy regular expression pattern: \(namePattern)"),
    ValidationCase(
      "a missing required member",
      [("Action", "CreateUser")],
      "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
        + "Member must not be null"),
    ValidationCase(
      "a name that is too long",
      [("Action", "CreateUser"), ("UserName", String(repeating: "a", count: 65))],
      "1 validation error detected: Value '\(String(repeating: "a", count: 65))' at 'userName' "
        + "failed to satisfy constraint: Member must have length less than or equal to 64"),
    ValidationCase(
      "an empty name fails the pattern and the minimum length",
      [("Action", "CreateUser"), ("UserName", "")],
      "2 validation errors detected: Value '' at 'userName' failed to satisfy constraint: "
        + "Member must satisfy regular expression pattern: \(namePattern); "
        + "Value '' at 'userName' failed to satisfy constraint: "
        + "Member must have length greater than or equal to 1"),
    ValidationCase(
      "lengths count code points, not UTF-16 units",
      [
        ("Action", "TagUser"), ("UserName", "alice"), ("Tags.member.1.Key", "k"),
        ("Tags.member.1.Value", String(repeating: "𝔸", count: 256)),
      ], nil),
    ValidationCase(
      "an integer above its maximum",
      [("Action", "ListUsers"), ("MaxItems", "1001")],
      "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: "
        + "Member must have value less than or equal to 1000"),
    ValidationCase(
      "an integer below its minimum",
      [("Action", "ListUsers"), ("MaxItems", "0")],
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
        + "Member must have value greater than or equal to 1"),
    ValidationCase(
      "a value outside an enum, after a missing member earlier in the shape",
      [("Action", "UpdateAccessKey"), ("Status", "Enabled")],
      "2 validation errors detected: Value null at 'accessKeyId' failed to satisfy constraint: "
        + "Member must not be null; Value 'Enabled' at 'status' failed to satisfy constraint: "
        + "Member must satisfy enum value set: [Active, Inactive, Expired]"),
    ValidationCase(
      "errors are listed in the shape's member order",
      [("Action", "CreateUser"), ("Path", "/engineering"), ("PermissionsBoundary", "arn:short")],
      "3 validation errors detected: Value '/engineering' at 'path' failed to satisfy constraint: "
        + #"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F); "#
        + "Value null at 'userName' failed to satisfy constraint: Member must not be null; "
        + "Value 'arn:short' at 'permissionsBoundary' failed to satisfy constraint: "
        + "Member must have length greater than or equal to 20"),
    ValidationCase(
      "a member of a structure in a list",
      [
        ("Action", "TagUser"), ("UserName", "alice"), ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "ok"), ("Tags.member.2.Key", "owner"),
        ("Tags.member.2.Value", "MOJ D&T"),
      ],
      "1 validation error detected: Value 'MOJ D&T' at 'tags.2.member.value' failed to satisfy "
        + "constraint: Member must satisfy regular expression pattern: \(tagPattern)"),
    ValidationCase(
      "a missing member of a structure in a list",
      [("Action", "TagUser"), ("UserName", "alice"), ("Tags.member.1.Key", "team")],
      "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy "
        + "constraint: Member must not be null"),
    ValidationCase(
      "a string in a list",
      [
        ("Action", "UntagUser"), ("UserName", "alice"), ("TagKeys.member.1", "team"),
        ("TagKeys.member.2", ""),
      ],
      "2 validation errors detected: Value '' at 'tagKeys.2.member' failed to satisfy constraint: "
        + #"Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+; "#
        + "Value '' at 'tagKeys.2.member' failed to satisfy constraint: "
        + "Member must have length greater than or equal to 1"),
    ValidationCase(
      "a list that is too long prints like Java's List.toString",
      [("Action", "TagUser"), ("UserName", "alice")]
        + (1...51).flatMap {
          [("Tags.member.\($0).Key", "k\($0)"), ("Tags.member.\($0).Value", "v")]
        },
      "1 validation error detected: Value '["
        + (1...51).map { "{Key=k\($0), Value=v}" }.joined(separator: ", ")
        + "]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    ),
    ValidationCase(
      "a sensitive value is left out of the message",
      [("Action", "CreateLoginProfile"), ("UserName", "alice"), ("Password", "")],
      "2 validation errors detected: Value at 'password' failed to satisfy constraint: "
        + "Member must satisfy regular expression pattern: \(printable); "
        + "Value at 'password' failed to satisfy constraint: "
        + "Member must have length greater than or equal to 1"),
    ValidationCase(
      "member names keep their capitals after the first letter",
      [("Action", "UploadSSHPublicKey"), ("UserName", "alice")],
      "1 validation error detected: Value null at 'sSHPublicKeyBody' failed to satisfy constraint: "
        + "Member must not be null"),
  ]

  @Test("validation messages", arguments: cases)
  func message(_ testCase: ValidationCase) throws {
    let decoder = QueryRequestDecoder(model: .iam)
    if let message = testCase.message {
      #expect(throws: AWSError.validationError(message)) { try decoder.decode(testCase.parameters) }
    } else {
      #expect(throws: Never.self) { try decoder.decode(testCase.parameters) }
    }
  }

  @Test("a validation error is a 400 Sender ValidationError")
  func errorShape() {
    let error = AWSError.validationError(violations: [
      ConstraintViolation(path: "userName", value: .null, constraint: "Member must not be null")
    ])
    #expect(error.code == "ValidationError")
    #expect(error.status == 400)
    #expect(error.isSenderFault)
  }

  @Test("map keys and values are reported once for the whole map")
  func mapConstraints() throws {
    let model = try ServiceModel(jsonData: Data(SmallModel.json.utf8))
    let validator = ShapeValidator(model: model)
    let input = try #require(model.shape(named: "PutInput"))
    let value: ModelValue = [
      "Attributes": .map(["a": "x", "toolong": "y", "b": "muchtoolong", "c": "z"])
    ]
    #expect(
      validator.violations(of: value, shape: input).map(\.description) == [
        "Value '{a=x, b=muchtoolong, c=z, toolong=y}' at 'attributes' failed to satisfy constraint: "
          + "Member must have length less than or equal to 3",
        "Value '{a=x, b=muchtoolong, c=z, toolong=y}' at 'attributes' failed to satisfy constraint: "
          + "Map keys must satisfy constraint: [Member must have length less than or equal to 5]",
        "Value '{a=x, b=muchtoolong, c=z, toolong=y}' at 'attributes' failed to satisfy constraint: "
          + "Map value must satisfy constraint: [Member must have length less than or equal to 5]",
      ])
  }

  @Test("a double outside its range")
  func doubleRange() throws {
    let model = try ServiceModel(jsonData: Data(SmallModel.json.utf8))
    let decoder = QueryRequestDecoder(model: model)
    #expect(
      throws: AWSError.validationError(
        "1 validation error detected: Value '1.5' at 'ratio' failed to satisfy constraint: "
          + "Member must have value less than or equal to 1")
    ) { try decoder.decode([("Action", "Put"), ("Ratio", "1.5")]) }
  }
}
