import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// `GetAccountAuthorizationDetails`' `Filter` (which lists to fill) and its paging: `MaxItems`
/// entries in all across the four lists, users, groups, roles then policies, continued by
/// `Marker`.
@Suite("GetAccountAuthorizationDetails filter and paging")
struct AuthorizationDetailsFilterTests {
  typealias A = IAMTestAccount

  /// Two users, a group, two roles, a customer policy and an attached AWS managed policy.
  static func account() throws -> A {
    let account = try A()
    try account.createUser("alice")
    try account.createUser("bob")
    try account.createGroup("devs")
    try account.createRole("App")
    try account.createRole("Batch")
    try account.createPolicy("Read")
    try account.call("AttachRolePolicy", ["RoleName": "App", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"])
    return account
  }

  static func names(_ result: ModelValue) -> [String] {
    result.names(in: "UserDetailList", member: "UserName") + result.names(in: "GroupDetailList", member: "GroupName")
      + result.names(in: "RoleDetailList", member: "RoleName") + result.names(in: "Policies", member: "PolicyName")
  }

  static let filters: [([String], [String])] = [
    ([], ["alice", "bob", "devs", "App", "Batch", "Read", "ReadOnlyAccess"]),
    (["User"], ["alice", "bob"]),
    (["Group"], ["devs"]),
    (["Role"], ["App", "Batch"]),
    (["LocalManagedPolicy"], ["Read"]),
    (["AWSManagedPolicy"], ["ReadOnlyAccess"]),
    (["User", "Role"], ["alice", "bob", "App", "Batch"]),
  ]

  @Test("Filter chooses the lists filled", arguments: filters)
  func filter(_ row: ([String], [String])) throws {
    let account = try Self.account()
    let input: ModelValue = row.0.isEmpty ? [:] : ["Filter": .list(row.0.map(ModelValue.string))]
    let result = try account.call("GetAccountAuthorizationDetails", input)
    #expect(Self.names(result) == row.1)
    #expect(result[member: "IsTruncated"] == .boolean(false))
  }

  @Test("MaxItems pages through all four lists in order; the pages together are the whole", arguments: [1, 2, 3, 6, 7, 100])
  func paging(_ maxItems: Int) throws {
    let account = try Self.account()
    var seen: [String] = []
    var marker: String?
    var pages = 0
    repeat {
      var input: [String: ModelValue] = ["MaxItems": .integer(Int64(maxItems))]
      if let marker { input["Marker"] = .string(marker) }
      let page = try account.call("GetAccountAuthorizationDetails", .structure(input))
      let names = Self.names(page)
      #expect(names.count <= maxItems)
      seen += names
      marker = page.string(at: "Marker")
      #expect(page[member: "IsTruncated"] == .boolean(marker != nil))
      pages += 1
    } while marker != nil && pages < 20
    #expect(seen == ["alice", "bob", "devs", "App", "Batch", "Read", "ReadOnlyAccess"])
    #expect(pages == (7 + maxItems - 1) / maxItems)
  }

  @Test("paging honours the filter")
  func pagingWithFilter() throws {
    let account = try Self.account()
    let first = try account.call("GetAccountAuthorizationDetails", ["Filter": ["Role", "User"], "MaxItems": 3])
    #expect(Self.names(first) == ["alice", "bob", "App"])
    let marker = try #require(first.string(at: "Marker"))
    let second = try account.call(
      "GetAccountAuthorizationDetails", ["Filter": ["Role", "User"], "MaxItems": 3, "Marker": .string(marker)])
    #expect(Self.names(second) == ["Batch"])
    #expect(second[member: "IsTruncated"] == .boolean(false))
  }

  @Test("SetSecurityTokenServicePreferences is reported by GetAccountSummary's GlobalEndpointTokenVersion")
  func tokenVersion() throws {
    let account = try A()
    func version() throws -> Int64? {
      try account.call("GetAccountSummary")[member: "SummaryMap"]?.mapValue?["GlobalEndpointTokenVersion"]?.integerValue
    }
    #expect(try version() == 1)
    try account.call("SetSecurityTokenServicePreferences", ["GlobalEndpointTokenVersion": "v2Token"])
    #expect(try version() == 2)
    try account.call("SetSecurityTokenServicePreferences", ["GlobalEndpointTokenVersion": "v1Token"])
    #expect(try version() == 1)
    #expect(account.error("SetSecurityTokenServicePreferences", ["GlobalEndpointTokenVersion": "v3Token"])?.code == "ValidationError")
  }

  @Test("UpdateRoleDescription returns the role with its new description")
  func updateRoleDescription() throws {
    let account = try A()
    try account.createRole("App")
    let result = try account.call("UpdateRoleDescription", ["RoleName": "App", "Description": "the app"])
    #expect(result.string(at: "Role", "RoleName") == "App")
    #expect(result.string(at: "Role", "Description") == "the app")
    #expect(account.error("UpdateRoleDescription", ["RoleName": "Nope", "Description": "x"])?.code == "NoSuchEntity")
  }
}
