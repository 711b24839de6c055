import Foundation
import PolicyEngine
import Testing
@testable import Analyzer

/// The linter's checks, one policy per row: document → expected (rule, statement, element).
@Suite struct PolicyLinterTests {
  static func doc(_ statements: String) -> String { #"{"Version":"2012-10-17","Statement":[\#(statements)]}"# }

  static let cases: [(String, String, Int?, String?)] = [
    (doc(#"{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}"#), "lint.unknown-action", 0, "Action"),
    (doc(#"{"Effect":"Allow","Action":"iam:Gett*","Resource":"*"}"#), "lint.unknown-action", 0, "Action"),
    (doc(#"{"Effect":"Allow","Action":"s4:GetObject","Resource":"*"}"#), "lint.unknown-service", 0, "Action"),
    (doc(#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefixx":"a"}}}"#), "lint.unknown-condition-key", 0, "Condition"),
    (doc(#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIpp":"10.0.0.0/8"}}}"#), "lint.unknown-condition-key", 0, "Condition"),
    (doc(#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}}"#), "lint.condition-key-not-applicable", 0, "Condition"),
    (doc(#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket"}"#), "lint.resource-mismatch", 0, "Resource"),
    (doc(#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111111111111:user/bob"}"#), "lint.resource-mismatch", 0, "Resource"),
    (doc(#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"},{"Sid":"Again","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}"#), "lint.redundant-statement", 1, "Statement"),
    (doc(#"{"Effect":"Allow","Action":["s3:*","s3:GetObject"],"Resource":"*"}"#), "lint.redundant-statement", 0, "Action"),
    (doc(#"{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}"#), "lint.deny-not-action", 0, "NotAction"),
    (doc(#"{"Effect":"Allow","Action":"iam:Pass*","Resource":"*"}"#), "lint.passrole-wildcard", 0, "Resource"),
    (doc(#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#), "lint.mfa-condition-pitfall", 0, "Condition"),
    (doc(#"{"Effect":"Allow","Action":"ec2:StopInstances","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}"#), "lint.mfa-condition-pitfall", 0, "Condition"),
    (#"{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}]}"#, "lint.invalid-policy", nil, nil),
  ]

  @Test(arguments: cases)
  func reportsTheProblem(document: String, rule: String, statement: Int?, element: String?) {
    let results = PolicyLinter().lint(document, kind: .managed)
    #expect(results.contains { $0.rule == rule && $0.statement == statement && $0.element == element }, "\(results)")
  }

  @Test func publicPrincipalWithoutConditionsIsASecurityWarning() {
    let bucketPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#
    let results = PolicyLinter().lint(bucketPolicy, kind: .resource)
    #expect(results.contains { $0.rule == "lint.public-principal" && $0.findingType == "SECURITY_WARNING" && $0.element == "Principal" })
  }

  @Test func servicePrincipalInAResourcePolicyWantsASourceCondition() {
    let topic = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sns:Publish","Resource":"arn:aws:sns:us-east-1:111111111111:t"}]}"#
    #expect(PolicyLinter().lint(topic, kind: .resource).map(\.rule) == ["lint.service-principal-no-source"])
    let guarded = topic.replacingOccurrences(of: #""Resource""#, with: #""Condition":{"StringEquals":{"aws:SourceAccount":"111111111111"}},"Resource""#)
    #expect(PolicyLinter().lint(guarded, kind: .resource).isEmpty)
  }

  static let clean: [String] = [
    doc(#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*","Condition":{"StringEquals":{"s3:x-amz-acl":"private","aws:PrincipalTag/team":"a"}}}"#),
    doc(#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/app-*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#),
    doc(#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::${aws:username}"}"#),
    doc(#"{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#),
    doc(#"{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}"#),
  ]

  @Test(arguments: clean)
  func cleanPolicyRaisesNothing(document: String) {
    #expect(PolicyLinter().lint(document, kind: .managed).isEmpty)
  }
}
