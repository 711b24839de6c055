import AWSWire
import Foundation
import Testing

/// The bundled IAM model: generated from botocore by `scripts/generate-service-models.py`,
/// loaded once, and whole (every reference resolves, every pattern compiles).
@Suite("IAM service model")
struct ServiceModelTests {
  let model = ServiceModel.iam

  @Test("the bundled model is IAM 2010-05-08 over the Query protocol")
  func metadata() {
    #expect(model.metadata.apiVersion == "2010-05-08")
    #expect(model.metadata.protocolName == "query")
    #expect(model.metadata.xmlNamespace == "https://iam.amazonaws.com/doc/2010-05-08/")
    #expect(model.operations.count > 150)
  }

  @Test("operations name their input, output, result wrapper and errors")
  func operations() throws {
    let listUsers = try #require(model.operation(named: "ListUsers"))
    #expect(listUsers.input == "ListUsersRequest")
    #expect(listUsers.output == "ListUsersResponse")
    #expect(listUsers.resultWrapper == "ListUsersResult")
    #expect(listUsers.errors == ["ServiceFailureException"])

    let deleteUser = try #require(model.operation(named: "DeleteUser"))
    #expect(deleteUser.output == nil)
    #expect(deleteUser.resultWrapper == nil)
    #expect(deleteUser.errors.contains("DeleteConflictException"))
  }

  @Test("structure members keep the model's order, which IAM writes XML in")
  func memberOrder() throws {
    let user = try #require(model.shape(named: "User"))
    #expect(
      user.members.map(\.name) == [
        "Path", "UserName", "UserId", "Arn", "CreateDate", "PasswordLastUsed",
        "PermissionsBoundary", "Tags",
      ])
    #expect(user.member(named: "UserName")?.isRequired == true)
    #expect(user.member(named: "Tags")?.isRequired == false)
  }

  @Test("constraints come through: lengths, patterns, enums, ranges, sensitivity")
  func constraints() throws {
    let userName = try #require(model.shape(named: "userNameType"))
    #expect(userName.min == 1)
    #expect(userName.max == 64)
    #expect(userName.pattern?.source == #"[\w+=,.@-]+"#)

    let status = try #require(model.shape(named: "statusType"))
    #expect(status.enumValues == ["Active", "Inactive", "Expired"])

    let maxItems = try #require(model.shape(named: "maxItemsType"))
    #expect(maxItems.type == .integer)
    #expect(maxItems.min == 1)
    #expect(maxItems.max == 1000)

    #expect(model.shape(named: "passwordType")?.isSensitive == true)
    #expect(model.shape(named: "tagListType")?.listMember?.target == "Tag")
    #expect(model.shape(named: "summaryMapType")?.mapValue?.target == "summaryValueType")
  }

  @Test("error shapes carry AWS's code, status and fault")
  func errors() throws {
    let noSuchEntity = try #require(model.shape(named: "NoSuchEntityException")?.error)
    #expect(
      noSuchEntity
        == Shape.ErrorTrait(code: "NoSuchEntity", httpStatusCode: 404, isSenderFault: true))
    let failure = try #require(model.shape(named: "ServiceFailureException")?.error)
    #expect(failure.code == "ServiceFailure")
    #expect(failure.httpStatusCode == 500)
    #expect(failure.isSenderFault == false)
    // The shape's name is the code when the model gives none.
    #expect(
      model.shape(named: "OrganizationNotFoundException")?.error?.code
        == "OrganizationNotFoundException")
    #expect(
      noSuchEntity.error("gone")
        == AWSError(code: "NoSuchEntity", message: "gone", status: 404, isSenderFault: true))
  }

  @Test("every pattern in the IAM model compiles and accepts a value AWS accepts")
  func everyPatternCompiles() throws {
    // Loading compiles every pattern (and would have failed); this also exercises each one.
    let patterns = model.shapes.values.compactMap(\.pattern)
    #expect(patterns.count >= 50)
    let samples: [String: String] = [
      #"((/[A-Za-z0-9\.,\+@=_-]+)*)/"#: "/division_abc/subdivision_xyz/",
      #"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"#: "/engineering/",
      #"\u002F[\u0021-\u007F]*"#: "/",
      #"\d{12}"#: "123456789012",
      #"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"#: "my-account",
      #"^http(s?)://[a-zA-Z0-9._/-]*(\?[a-zA-Z0-9._=&-]*)?(#[a-zA-Z0-9._/-]*)?$"#:
        "https://example.com/a?x=1#f",
      #"^o-[0-9a-z]{10,32}\/r-[0-9a-z]{4,32}[0-9a-z-\/]*"#: "o-a1b2c3d4e5/r-ab12/ou-ab12-cd34",
      #"^o-[a-z0-9]{10,32}$"#: "o-a1b2c3d4e5",
      #"^p-[0-9a-zA-Z_]{8,128}$"#: "p-FullAWSAccess",
      #"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"#: "v2",
      #"[A-Z0-9]+"#: "AKIAIOSFODNN7EXAMPLE",
      #"[\d]+"#: "123456",
      #"[ -~]+"#: "a printable ~ line",
      #"[:\w]+"#: "arn:aws",
    ]
    for pattern in patterns {
      #expect(throws: Never.self) { try ShapePattern(pattern.source) }
      let sample = samples[pattern.source] ?? "abc"
      #expect(pattern.matches(sample), "pattern \(pattern.source) rejects `\(sample)`")
    }
  }
}

/// `ShapePattern`: Java regular expressions, as AWS evaluates them, on ICU.
@Suite("Model patterns")
struct ShapePatternTests {
  @Test(
    "a pattern matches the whole value, as Java's matches() does",
    arguments: [
      (#"[\w+=,.@-]+"#, "alice", true),
      (#"[\w+=,.@-]+"#, "bad name!", false),
      (#"[\w+=,.@-]+"#, "", false),
      (#"[\w+=,.@-]*"#, "", true),
      (#"\d{12}"#, "1234567890123", false),
      (#"^[a-zA-Z0-9:/+=,.@_-]+$"#, "abc\n", false),
    ])
  func wholeMatch(pattern: String, value: String, matches: Bool) throws {
    #expect(try ShapePattern(pattern).matches(value) == matches)
  }

  @Test("\\w and \\d are ASCII, as in Java: IAM names reject accented letters and other digits")
  func asciiShorthands() throws {
    let name = try ShapePattern(#"[\w+=,.@-]+"#)
    #expect(name.matches("user_1+x=y,z.@-"))
    #expect(!name.matches("José"))
    #expect(!name.matches("名前"))
    #expect(try !ShapePattern(#"\d{3}"#).matches("١٢٣"))
  }

  @Test("an alternation matches through its longer branch when the shorter one leaves input over")
  func alternationBacktracks() throws {
    let path = try ShapePattern(#"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"#)
    #expect(path.matches("/"))
    #expect(path.matches("/engineering/"))
    #expect(!path.matches("/engineering"))
  }

  @Test("\\u takes exactly four hex digits, so STS's \\u10000-\\u10FFFF does not admit emoji")
  func fourDigitUnicodeEscapes() throws {
    let sts = try ShapePattern(
      #"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"#)
    #expect(sts.matches("{\"Version\":\"2012-10-17\"} é ü"))
    #expect(!sts.matches("😀"))
    #expect(sts.translated.contains(#"\x{1000}0-\x{10FF}FF"#))

    let policy = try ShapePattern(#"[\u0009\u000A\u000D\u0020-\u00FF]+"#)
    #expect(policy.matches("{\n\t\"Effect\": \"Allow\"\r\n} ÿ"))
    #expect(!policy.matches("Ā"))
  }

  @Test("Unicode categories keep their Unicode meaning (tag values)")
  func unicodeCategories() throws {
    let tagValue = try ShapePattern(#"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"#)
    #expect(tagValue.matches("Équipe 42 / ünïcode"))
    #expect(!tagValue.matches("MOJ D&T Cybersecurity"))
  }
}
