import Foundation
import PolicyEngine

/// Reads the JSON of `aws iam get-account-authorization-details` exactly as AWS writes it.
///
/// Policy documents appear two ways: the API returns them URL-encoded inside strings, while
/// the CLI and SDKs print them decoded, as JSON objects. Both are accepted, and so is a
/// plain JSON string. The account id is taken from the entities' ARNs, since the export does not
/// state it.
public enum AuthorizationDetailsReader {
  /// Something in the file that is not an authorization-details export.
  public struct ReadError: Error, CustomStringConvertible {
    public var description: String
  }

  /// Reads one export. `source` names it in reports.
  public static func read(bytes: [UInt8], source: String) throws -> AccountInventory {
    let root: JSONNode
    do {
      root = try JSONParser.parse(bytes: bytes)
    } catch {
      throw ReadError(description: "\(source): invalid JSON at byte \(error.offset): \(error.reason)")
    }
    guard root.members != nil,
      root["UserDetailList"] != nil || root["RoleDetailList"] != nil || root["Policies"] != nil
        || root["GroupDetailList"] != nil
    else {
      throw ReadError(description: "\(source): not the output of `aws iam get-account-authorization-details`")
    }
    var account = AccountInventory(id: "", source: source)
    var accountIDs: [String: Int] = [:]
    func note(_ arn: String?) {
      guard let arn, let parsed = ARN(arn), parsed.account.count == 12 else { return }
      accountIDs[String(parsed.account), default: 0] += 1
    }

    for p in root["Policies"]?.items ?? [] {
      guard let arn = p["Arn"]?.string else { continue }
      let name = p["PolicyName"]?.string ?? arn
      let defaultVersion = p["DefaultVersionId"]?.string
      let versions = p["PolicyVersionList"]?.items ?? []
      let chosen = versions.first { v in
        if case .bool(true) = v["IsDefaultVersion"]?.value { return true }
        return v["VersionId"]?.string == defaultVersion
      } ?? versions.first
      let document = chosen.flatMap { documentText($0["Document"]) } ?? ""
      account.policies[arn] = IAMManagedPolicy(
        arn: arn, name: name, document: document, attachmentCount: p["AttachmentCount"]?.int)
      note(arn)
    }

    for g in root["GroupDetailList"]?.items ?? [] {
      guard let name = g["GroupName"]?.string, let arn = g["Arn"]?.string else { continue }
      var group = IAMGroup(name: name, arn: arn)
      group.inlinePolicies = inline(g["GroupPolicyList"])
      group.attachedPolicies = attached(g["AttachedManagedPolicies"])
      account.groups.append(group)
      note(arn)
    }

    for u in root["UserDetailList"]?.items ?? [] {
      guard let name = u["UserName"]?.string, let arn = u["Arn"]?.string else { continue }
      var user = IAMUser(name: name, arn: arn, created: u["CreateDate"]?.string.flatMap(parseAWSDate))
      user.groups = u["GroupList"]?.items.compactMap(\.string) ?? []
      user.inlinePolicies = inline(u["UserPolicyList"])
      user.attachedPolicies = attached(u["AttachedManagedPolicies"])
      user.permissionsBoundary = u["PermissionsBoundary"]?["PermissionsBoundaryArn"]?.string
      user.tags = tags(u["Tags"])
      account.users.append(user)
      note(arn)
    }

    for r in root["RoleDetailList"]?.items ?? [] {
      guard let name = r["RoleName"]?.string, let arn = r["Arn"]?.string else { continue }
      var role = IAMRole(name: name, arn: arn, trustPolicy: documentText(r["AssumeRolePolicyDocument"]) ?? "")
      role.path = r["Path"]?.string ?? "/"
      role.created = r["CreateDate"]?.string.flatMap(parseAWSDate)
      role.inlinePolicies = inline(r["RolePolicyList"])
      role.attachedPolicies = attached(r["AttachedManagedPolicies"])
      role.permissionsBoundary = r["PermissionsBoundary"]?["PermissionsBoundaryArn"]?.string
      role.tags = tags(r["Tags"])
      role.maxSessionDuration = r["MaxSessionDuration"]?.int
      role.lastUsed = r["RoleLastUsed"]?["LastUsedDate"]?.string.flatMap(parseAWSDate)
      account.roles.append(role)
      note(arn)
    }
    account.id = accountIDs.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "000000000000"
    return account
  }

  /// The document of a policy as JSON text: URL-decoded when it is a string, rendered when the
  /// CLI has already decoded it into an object.
  static func documentText(_ node: JSONNode?) -> String? {
    guard let node else { return nil }
    switch node.value {
    case .string(let s):
      let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.hasPrefix("{") { return trimmed }
      return trimmed.removingPercentEncoding ?? trimmed
    case .object: return node.value.rendered()
    default: return nil
    }
  }

  private static func inline(_ node: JSONNode?) -> [InlinePolicy] {
    (node?.items ?? []).compactMap { p in
      guard let name = p["PolicyName"]?.string, let doc = documentText(p["PolicyDocument"]) else { return nil }
      return InlinePolicy(name: name, document: doc)
    }
  }

  private static func attached(_ node: JSONNode?) -> [String] {
    (node?.items ?? []).compactMap { $0["PolicyArn"]?.string }
  }

  private static func tags(_ node: JSONNode?) -> [String: String] {
    var out: [String: String] = [:]
    for t in node?.items ?? [] {
      if let k = t["Key"]?.string { out[k] = t["Value"]?.string ?? "" }
    }
    return out
  }
}
