import Directory
import Foundation

/// Entities with fixed field values, and a scratch folder for database files, shared by the
/// directory and store suites.
enum DirectoryStoreFixture {
  static let accountID = "123456789012"
  /// A date with a fraction of a second, so a round trip that loses precision shows.
  static let created = Date(timeIntervalSince1970: 1_700_000_000.123456)

  static var account: Account { Account(id: accountID, alias: "example", createDate: created) }

  static func user(_ name: String) -> User {
    var user = User(
      accountID: accountID, id: "AIDA\(name.uppercased())", name: name, path: "/staff/", createDate: created)
    user.tags = [Tag(key: "team", value: "blue")]
    user.inlinePolicies = ["read": #"{"Version":"2012-10-17","Statement":[]}"#]
    user.attachedPolicies = ["arn:aws:iam::aws:policy/IAMReadOnlyAccess"]
    user.groups = ["admins"]
    return user
  }

  static func group(_ name: String) -> Group {
    Group(accountID: accountID, id: "AGPA\(name.uppercased())", name: name, path: "/", createDate: created)
  }

  static func role(_ name: String) -> Role {
    var role = Role(
      accountID: accountID, id: "AROA\(name.uppercased())", name: name, path: "/", createDate: created,
      assumeRolePolicyDocument: #"{"Version":"2012-10-17","Statement":[]}"#)
    role.description = "a role"
    return role
  }

  /// A folder under the system's temporary directory, removed by `remove(_:)`.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("portcullis-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func remove(_ folder: URL) {
    try? FileManager.default.removeItem(at: folder)
  }
}
