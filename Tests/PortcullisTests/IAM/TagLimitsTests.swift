import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// IAM's limits on one tag, the same on every taggable entity: keys of 1 to 128 characters and
/// values of 0 to 256 from `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (letters, separators and numbers of any
/// script), worded as the wire validation words a constraint; `TagTests` covers the rest.
@Suite("IAM tag limits")
struct TagLimitsTests {
  typealias A = IAMTestAccount

  /// Tagging operation and the members naming a fresh entity, created by `create`.
  static let taggables: [(String, ModelValue, @Sendable (A) throws -> Void)] = [
    ("TagUser", ["UserName": "alice"], { try $0.createUser("alice") }),
    ("TagRole", ["RoleName": "App"], { try $0.createRole("App") }),
    ("TagPolicy", ["PolicyArn": .string(A.policyARN("Read"))], { try $0.createPolicy("Read") }),
    ("TagInstanceProfile", ["InstanceProfileName": "web"], { try $0.call("CreateInstanceProfile", ["InstanceProfileName": "web"]) }),
    ("TagMFADevice", ["SerialNumber": "arn:aws:iam::123456789012:mfa/key"],
     { try $0.call("CreateVirtualMFADevice", ["VirtualMFADeviceName": "key"]) }),
    ("TagOpenIDConnectProvider", ["OpenIDConnectProviderArn": "arn:aws:iam::123456789012:oidc-provider/token.example.com"],
     { try $0.call("CreateOpenIDConnectProvider", ["Url": "https://token.example.com", "ClientIDList": ["app"]]) }),
  ]

  static func input(_ naming: ModelValue, _ key: String, _ value: String) -> ModelValue {
    var members = naming.structureValue ?? [:]
    members["Tags"] = [["Key": .string(key), "Value": .string(value)]]
    return .structure(members)
  }

  /// Tags within the limits, from AWS's character set.
  static let accepted: [(String, String)] = [
    (String(repeating: "k", count: 128), String(repeating: "v", count: 256)),
    ("team", ""),
    ("cost center: a/b=c+d-e@f_g.h", "Ünïcödé 東京 ١٢٣"),
  ]

  @Test("keys up to 128 and values up to 256 characters of the allowed set are accepted", arguments: taggables.indices, accepted.indices)
  func acceptedTags(_ entity: Int, _ tag: Int) throws {
    let account = try A()
    let (operation, naming, create) = Self.taggables[entity]
    try create(account)
    try account.call(operation, Self.input(naming, Self.accepted[tag].0, Self.accepted[tag].1))
  }

  static let pattern = #"[\p{L}\p{Z}\p{N}_.:/=+\-@]"#

  /// A refused tag and the constraint failed.
  static let refused: [(key: String, value: String, violation: String)] = [
    (String(repeating: "k", count: 129), "v",
     "Value '\(String(repeating: "k", count: 129))' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"),
    ("k", String(repeating: "v", count: 257),
     "Value '\(String(repeating: "v", count: 257))' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"),
    ("a#b", "v", "Value 'a#b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)+"),
    ("k", "semi;colon", "Value 'semi;colon' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)*"),
  ]

  @Test("a key or value outside the limits is a ValidationError and changes nothing", arguments: taggables.indices, refused.indices)
  func refusedTags(_ entity: Int, _ index: Int) throws {
    let account = try A()
    let (operation, naming, create) = Self.taggables[entity]
    try create(account)
    let bad = Self.refused[index]
    #expect(account.error(operation, Self.input(naming, bad.key, bad.value)) == .validationError("1 validation error detected: \(bad.violation)"))
    let list = "List" + operation.dropFirst(3) + "Tags"
    #expect(try account.call(list, naming).names(in: "Tags", member: "Key").isEmpty)
  }

  @Test("the aws: prefix is reserved in any case, on every entity", arguments: taggables.indices)
  func reservedPrefix(_ entity: Int) throws {
    let account = try A()
    let (operation, naming, create) = Self.taggables[entity]
    try create(account)
    #expect(
      account.error(operation, Self.input(naming, "Aws:team", "x"))
        == .invalidInput("User-provided tag keys cannot start with the reserved prefix 'aws:'."))
  }
}
