import Directory
import Foundation
import Testing

/// A policy every account sees, with the ARN AWS gives it.
struct WellKnownPolicy: Sendable, CustomTestStringConvertible {
  let name: String
  let arn: String

  init(_ name: String, _ arn: String) {
    self.name = name
    self.arn = arn
  }

  var testDescription: String { name }
}

/// The parts of a policy document these tests look at. `Action`, `NotAction` and `Resource` are
/// a string or a list of strings in AWS's grammar; both decode to a list.
private struct Document: Decodable {
  struct Statement: Decodable {
    var effect: String
    var action: [String]?
    var notAction: [String]?
    var resource: [String]?

    enum CodingKeys: String, CodingKey {
      case effect = "Effect", action = "Action", notAction = "NotAction", resource = "Resource"
    }

    init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      effect = try container.decode(String.self, forKey: .effect)
      action = try Self.strings(container, .action)
      notAction = try Self.strings(container, .notAction)
      resource = try Self.strings(container, .resource)
    }

    static func strings(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String]? {
      if let one = try? container.decodeIfPresent(String.self, forKey: key) { return [one] }
      return try container.decodeIfPresent([String].self, forKey: key)
    }
  }

  var version: String
  var statements: [Statement]

  enum CodingKeys: String, CodingKey {
    case version = "Version", statement = "Statement"
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    version = try container.decode(String.self, forKey: .version)
    if let one = try? container.decode(Statement.self, forKey: .statement) {
      statements = [one]
    } else {
      statements = try container.decode([Statement].self, forKey: .statement)
    }
  }

  init(_ policy: AWSManagedPolicy) throws {
    self = try JSONDecoder().decode(Document.self, from: Data(policy.document.utf8))
  }
}

/// The AWS managed policy catalogue bundled with the `Directory` target.
@Suite("AWS managed policies")
struct AWSManagedPoliciesTests {
  let catalogue = AWSManagedPolicies.shared

  private func policy(_ name: String) throws -> AWSManagedPolicy {
    try #require(catalogue.policy(named: name))
  }

  @Test(
    "well-known policies are present under AWS's ARNs",
    arguments: [
      WellKnownPolicy("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess"),
      WellKnownPolicy("PowerUserAccess", "arn:aws:iam::aws:policy/PowerUserAccess"),
      WellKnownPolicy("ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
      WellKnownPolicy("IAMFullAccess", "arn:aws:iam::aws:policy/IAMFullAccess"),
      WellKnownPolicy("IAMReadOnlyAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
      WellKnownPolicy("IAMUserChangePassword", "arn:aws:iam::aws:policy/IAMUserChangePassword"),
      WellKnownPolicy(
        "AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
    ])
  func wellKnown(_ known: WellKnownPolicy) throws {
    let byName = try policy(known.name)
    #expect(byName.arn == known.arn)
    #expect(catalogue.policy(arn: known.arn) == byName)
  }

  @Test("AdministratorAccess allows every action on every resource")
  func administratorAccess() throws {
    let administrator = try policy("AdministratorAccess")
    #expect(administrator.document == #"{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#)
    #expect(administrator.path == "/")
    #expect(administrator.defaultVersionId == "v1")
    // 2015-02-06T18:39:46Z, the date AWS reports for the policy.
    #expect(administrator.createDate == Date(timeIntervalSince1970: 1_423_247_986))
  }

  @Test("PowerUserAccess allows everything except IAM and Organizations, on every resource")
  func powerUserAccess() throws {
    let document = try Document(policy("PowerUserAccess"))
    let everythingBut = try #require(document.statements.first { $0.notAction != nil })
    #expect(everythingBut.effect == "Allow")
    #expect(everythingBut.resource == ["*"])
    #expect(Set(everythingBut.notAction ?? []).isSuperset(of: ["iam:*", "organizations:*"]))
    #expect(document.statements.allSatisfy { $0.effect == "Allow" })
  }

  @Test("ReadOnlyAccess allows only reads, including IAM's Get and List")
  func readOnlyAccess() throws {
    let document = try Document(policy("ReadOnlyAccess"))
    #expect(document.statements.allSatisfy { $0.effect == "Allow" && $0.notAction == nil })
    let actions = Set(document.statements.flatMap { $0.action ?? [] })
    #expect(actions.isSuperset(of: ["iam:Get*", "iam:List*"]))
    #expect(!actions.contains("*"))
    #expect(!actions.contains("iam:*"))
  }

  @Test("IAMFullAccess allows every IAM action on every resource")
  func iamFullAccess() throws {
    let document = try Document(policy("IAMFullAccess"))
    #expect(document.statements.contains { $0.effect == "Allow" && $0.action?.contains("iam:*") == true && $0.resource == ["*"] })
  }

  @Test("IAMReadOnlyAccess allows IAM's Get and List and no writes")
  func iamReadOnlyAccess() throws {
    let document = try Document(policy("IAMReadOnlyAccess"))
    let actions = Set(document.statements.flatMap { $0.action ?? [] })
    #expect(actions.isSuperset(of: ["iam:Get*", "iam:List*"]))
    #expect(!actions.contains("iam:*"))
    #expect(!actions.contains { $0.hasPrefix("iam:Create") || $0.hasPrefix("iam:Delete") || $0.hasPrefix("iam:Put") })
  }

  @Test("IAMUserChangePassword lets a user change only their own password")
  func iamUserChangePassword() throws {
    let document = try Document(policy("IAMUserChangePassword"))
    let change = try #require(document.statements.first { $0.action == ["iam:ChangePassword"] })
    #expect(change.effect == "Allow")
    #expect(change.resource?.contains("arn:aws:iam::*:user/${aws:username}") == true)
  }

  @Test("every document is a JSON policy document with a version and statements")
  func everyDocumentParses() throws {
    #expect(catalogue.count > 1000)
    for policy in catalogue.all {
      let object = try JSONSerialization.jsonObject(with: Data(policy.document.utf8))
      #expect(object is [String: Any], "`\(policy.name)` is not a JSON object")
      let document = try Document(policy)
      #expect(document.version == "2012-10-17", "`\(policy.name)` has version `\(document.version)`")
      #expect(!document.statements.isEmpty, "`\(policy.name)` has no statements")
    }
  }

  @Test("names and ARNs are unique and the list is in name order")
  func uniqueAndOrdered() {
    let names = catalogue.all.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(Set(catalogue.all.map(\.arn)).count == names.count)
    #expect(Set(catalogue.all.map(\.policyId)).count == names.count)
    #expect(names == names.sorted())
  }

  @Test("every entry's ARN is the AWS policy prefix, its path and its name")
  func entriesAreConsistent() {
    for policy in catalogue.all {
      #expect(policy.arn == "arn:aws:iam::aws:policy\(policy.path)\(policy.name)")
      #expect(policy.path.hasPrefix("/") && policy.path.hasSuffix("/"))
      #expect(policy.policyId.hasPrefix("ANPA") && policy.policyId.count == 21, "`\(policy.name)` id `\(policy.policyId)`")
      #expect(policy.defaultVersionId.hasPrefix("v"))
      #expect(policy.createDate <= policy.updateDate, "`\(policy.name)` was updated before it was created")
    }
  }

  @Test("unknown names and ARNs, and customer policy ARNs, are not found")
  func unknownIsNotFound() {
    #expect(catalogue.policy(named: "NoSuchPolicy") == nil)
    #expect(catalogue.policy(named: "administratoraccess") == nil)
    #expect(catalogue.policy(arn: "arn:aws:iam::aws:policy/NoSuchPolicy") == nil)
    #expect(catalogue.policy(arn: "arn:aws:iam::123456789012:policy/AdministratorAccess") == nil)
    // The path is part of the ARN.
    #expect(catalogue.policy(arn: "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") == nil)
  }

  @Test("a catalogue built from duplicates keeps the later entry, in name order")
  func laterDuplicateWins() {
    func entry(_ name: String, _ version: String) -> AWSManagedPolicy {
      AWSManagedPolicy(
        name: name, path: "/", arn: "arn:aws:iam::aws:policy/\(name)", policyId: "ANPA\(name)",
        defaultVersionId: version, createDate: Date(timeIntervalSince1970: 0),
        updateDate: Date(timeIntervalSince1970: 0), description: nil, document: "{}")
    }
    let built = AWSManagedPolicies(policies: [entry("B", "v1"), entry("A", "v1"), entry("B", "v2")])
    #expect(built.all.map(\.name) == ["A", "B"])
    #expect(built.policy(named: "B")?.defaultVersionId == "v2")
    #expect(built.policy(arn: "arn:aws:iam::aws:policy/B")?.defaultVersionId == "v2")
  }
}
