import AWSWire
import Directory
import Foundation
import HashTreeCollections
import Testing

/// `MaxItems`, `Marker` and `IsTruncated` on every kind of list: following the markers from the
/// first page to the last visits each item once, in the order of the unpaged list.
@Suite("IAM list pagination")
struct PaginationTests {
  typealias A = IAMTestAccount

  /// One list operation over an account prepared with five (or three) items to list.
  struct Listing: Sendable, CustomTestStringConvertible {
    let operation: String
    var input: [String: ModelValue] = [:]
    /// The member holding the list, and the member of each element that names it (nil when the
    /// elements are strings).
    let list: String
    let name: String?
    let prepare: @Sendable (IAMTestAccount) throws -> Void

    var testDescription: String { operation }

    func items(_ output: ModelValue) -> [String] {
      guard let name else { return (output[member: list]?.listValue ?? []).compactMap(\.stringValue) }
      return output.names(in: list, member: name)
    }
  }

  static let names = ["delta", "Alpha", "echo", "charlie", "Bravo"]

  static let listings = [
    Listing(operation: "ListUsers", list: "Users", name: "UserName") { a in
      for n in names { try a.createUser(n) }
    },
    Listing(operation: "ListGroups", list: "Groups", name: "GroupName") { a in
      for n in names { try a.createGroup(n) }
    },
    Listing(operation: "ListRoles", list: "Roles", name: "RoleName") { a in
      for n in names { try a.createRole(n) }
    },
    Listing(operation: "ListPolicies", input: ["Scope": "Local"], list: "Policies", name: "PolicyName") { a in
      for n in names { try a.createPolicy(n) }
    },
    Listing(operation: "ListInstanceProfiles", list: "InstanceProfiles", name: "InstanceProfileName") { a in
      for n in names { try a.call("CreateInstanceProfile", ["InstanceProfileName": .string(n)]) }
    },
    Listing(operation: "GetGroup", input: ["GroupName": "team"], list: "Users", name: "UserName") { a in
      try a.createGroup("team")
      for n in names {
        try a.createUser(n)
        try a.call("AddUserToGroup", ["GroupName": "team", "UserName": .string(n)])
      }
    },
    Listing(operation: "ListUserPolicies", input: ["UserName": "owner"], list: "PolicyNames", name: nil) { a in
      try a.createUser("owner")
      for n in names {
        try a.call(
          "PutUserPolicy",
          ["UserName": "owner", "PolicyName": .string(n), "PolicyDocument": .string(A.allow("s3:GetObject"))])
      }
    },
    Listing(
      operation: "ListPolicyVersions", input: ["PolicyArn": .string(A.policyARN("Versioned"))], list: "Versions",
      name: "VersionId"
    ) { a in
      let arn = try a.createPolicy("Versioned")
      for _ in 2...5 {
        try a.call("CreatePolicyVersion", ["PolicyArn": .string(arn), "PolicyDocument": .string(A.allow("s3:*"))])
      }
    },
    Listing(operation: "ListUserTags", input: ["UserName": "owner"], list: "Tags", name: "Key") { a in
      try a.createUser("owner")
      try a.call("TagUser", ["UserName": "owner", "Tags": .list(names.map { ["Key": .string($0), "Value": "v"] })])
    },
  ]

  /// Lists in an order of their own (attachment, joining, creation), not by the key the marker
  /// holds; their markers must follow that order too.
  static let listingsInOwnOrder = [
    Listing(
      operation: "ListAttachedUserPolicies", input: ["UserName": "owner"], list: "AttachedPolicies", name: "PolicyName"
    ) { a in
      try a.createUser("owner")
      for n in names {
        try a.call("AttachUserPolicy", ["UserName": "owner", "PolicyArn": .string(try a.createPolicy(n))])
      }
    },
    Listing(operation: "ListGroupsForUser", input: ["UserName": "owner"], list: "Groups", name: "GroupName") { a in
      try a.createUser("owner")
      for n in names {
        try a.createGroup(n)
        try a.call("AddUserToGroup", ["GroupName": .string(n), "UserName": "owner"])
      }
    },
    Listing(operation: "ListAccessKeys", list: "AccessKeyMetadata", name: "AccessKeyId") { a in
      // Root keys with fixed ids: the older one sorts after the newer one by id.
      try a.directory.write { tx in
        for (offset, id) in ["AKIAZZZZZZZZZZZZZZZZ", "AKIAAAAAAAAAAAAAAAAA"].enumerated() {
          tx.put(
            AccessKey(
              accountID: A.id, id: id, userName: nil, sealedSecret: Data(),
              createDate: A.now.addingTimeInterval(Double(offset))))
        }
      }
    },
  ]

  /// Follows the markers from the first page, at most `limit` pages; returns the items of
  /// each page and whether the last page was marked truncated.
  static func pages(
    _ account: IAMTestAccount, _ listing: Listing, maxItems: Int, limit: Int
  ) throws -> (pages: [[String]], truncatedAtEnd: Bool) {
    var pages: [[String]] = []
    var marker: String?
    repeat {
      var input = listing.input
      input["MaxItems"] = .integer(Int64(maxItems))
      if let marker { input["Marker"] = .string(marker) }
      let output = try account.call(listing.operation, .structure(input))
      pages.append(listing.items(output))
      marker = output[member: "Marker"]?.stringValue
      let truncated = output[member: "IsTruncated"] == .boolean(true)
      #expect(truncated == (marker != nil), "IsTruncated must say whether there is a Marker")
      if pages.count >= limit { return (pages, truncated) }
    } while marker != nil
    return (pages, false)
  }

  @Test("without MaxItems every item comes on one page, not truncated", arguments: listings + listingsInOwnOrder)
  func unpaged(_ listing: Listing) throws {
    let account = try A()
    try listing.prepare(account)
    let output = try account.call(listing.operation, .structure(listing.input))
    #expect(!listing.items(output).isEmpty)
    #expect(output[member: "IsTruncated"] == false)
    #expect(output[member: "Marker"] == nil)
  }

  @Test(
    "following the markers visits every item once, in order, in pages of at most MaxItems",
    arguments: listings + listingsInOwnOrder, [1, 2])
  func followMarkers(_ listing: Listing, _ maxItems: Int) throws {
    let account = try A()
    try listing.prepare(account)
    let all = listing.items(try account.call(listing.operation, .structure(listing.input)))

    let (pages, truncatedAtEnd) = try Self.pages(account, listing, maxItems: maxItems, limit: all.count + 2)

    #expect(!truncatedAtEnd)
    #expect(pages.flatMap { $0 } == all)
    #expect(pages.allSatisfy { $0.count <= maxItems })
    #expect(pages.count == (all.count + maxItems - 1) / maxItems)
  }

  @Test(
    "a customer policy named like an AWS managed one is listed beside it, page by page")
  func policiesSharingAName() throws {
    let account = try A()
    try account.createUser("owner")
    let local = try account.createPolicy("ReadOnlyAccess")
    for arn in [local, "arn:aws:iam::aws:policy/ReadOnlyAccess"] {
      try account.call("AttachUserPolicy", ["UserName": "owner", "PolicyArn": .string(arn)])
    }
    let listing = Listing(
      operation: "ListPolicies", input: ["OnlyAttached": true], list: "Policies", name: "Arn", prepare: { _ in })

    let (pages, truncatedAtEnd) = try Self.pages(account, listing, maxItems: 1, limit: 4)

    #expect(!truncatedAtEnd)
    #expect(Set(pages.flatMap { $0 }) == [local, "arn:aws:iam::aws:policy/ReadOnlyAccess"])
    #expect(pages.count == 2)
  }

  @Test("ListUsers pages in case-insensitive name order")
  func usersInNameOrder() throws {
    let account = try A()
    for n in Self.names { try account.createUser(n) }
    let listing = Self.listings[0]
    let (pages, _) = try Self.pages(account, listing, maxItems: 2, limit: 10)
    #expect(pages == [["Alpha", "Bravo"], ["charlie", "delta"], ["echo"]])
  }
}
