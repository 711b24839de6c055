import Testing
@testable import Analyzer

@Suite struct ServiceReferenceTests {
  let reference = ServiceReference.bundled

  @Test(arguments: [
    ("sts:AssumeRole", AccessLevel.write), ("iam:PutRolePolicy", .permissionsManagement), ("s3:GetObject", .read),
    ("s3:ListAllMyBuckets", .list), ("iam:TagRole", .tagging), ("STS:assumerole", .write),
  ])
  func accessLevelOfAnAction(action: String, level: AccessLevel) {
    #expect(reference.accessLevel(of: action) == level)
  }

  @Test func unknownActionsHaveNoEntry() {
    #expect(reference.action("s3:GetObjekt") == nil)
    #expect(reference.action("nosuchservice:Get") == nil)
  }

  @Test func wildcardExpandsToTheMatchingActions() {
    let names = reference.expand("iam:Get*").map(\.qualifiedName)
    #expect(names.contains("iam:GetRole"))
    #expect(names.contains("iam:GetAccountAuthorizationDetails"))
    #expect(names.allSatisfy { $0.hasPrefix("iam:Get") })
    #expect(reference.expand("iam:*").count > 150)
    #expect(reference.expand("s3:GetObject").map(\.qualifiedName) == ["s3:GetObject"])
  }

  @Test func resourceTypesCarryArnFormats() throws {
    let passRole = try #require(reference.action("iam:PassRole"))
    #expect(passRole.resourceTypes.map(\.name) == ["role"])
    #expect(passRole.resourceTypes[0].arnFormat.contains(":role/"))
    let concrete = ServiceReference.ResourceType.concrete("arn:aws:iam::*:role/${aws:username}-*")
    #expect(passRole.resourceTypes[0].admits(concrete: concrete))
  }

  @Test func conditionKeysAreKnownPerServiceWithTemplates() throws {
    let s3 = try #require(reference.service("s3"))
    #expect(s3.definesConditionKey("s3:prefix"))
    #expect(s3.definesConditionKey("s3:RequestObjectTag/project"))
    #expect(!s3.definesConditionKey("s3:prefixx"))
    #expect(ServiceReference.isGlobalConditionKey("aws:PrincipalTag/team"))
    #expect(!ServiceReference.isGlobalConditionKey("aws:SourceIpp"))
  }
}
