import Foundation
import PolicyEngine

/// Builds an `Inventory` from AWS's export files (the offline mode).
public enum InventoryLoader {
  /// The files of an offline analysis.
  public struct Inputs: Sendable {
    public var authorizationDetails: [URL] = []
    public var credentialReport: URL?
    /// Password policies: the account they belong to (`nil`: every account) and the file.
    public var passwordPolicies: [(account: String?, url: URL)] = []
    public var cloudTrail: [URL] = []
    public var serviceControlPolicies: URL?

    public init() {}
  }

  /// Reads every input. An unreadable authorization-details file is an error (the analysis
  /// would be silently incomplete); problems with optional inputs become notes.
  public static func load(_ inputs: Inputs) throws -> Inventory {
    var inventory = Inventory()
    for url in inputs.authorizationDetails {
      let data = try Data(contentsOf: url)
      let account = try AuthorizationDetailsReader.read(bytes: [UInt8](data), source: url.path)
      if let i = inventory.accounts.firstIndex(where: { $0.id == account.id }) {
        // Several files of one account (e.g. paginated exports): merge.
        inventory.accounts[i].users += account.users
        inventory.accounts[i].groups += account.groups
        inventory.accounts[i].roles += account.roles
        inventory.accounts[i].policies.merge(account.policies) { a, _ in a }
      } else {
        inventory.accounts.append(account)
      }
    }
    fillMissingAWSManagedPolicies(&inventory)
    if let url = inputs.credentialReport {
      CredentialReportReader.merge(CredentialReportReader.rows(try Data(contentsOf: url)), into: &inventory)
    }
    for (accountID, url) in inputs.passwordPolicies {
      let policy = PasswordPolicyReader.read(try Data(contentsOf: url))
      for i in inventory.accounts.indices where accountID == nil || inventory.accounts[i].id == accountID {
        inventory.accounts[i].passwordPolicyKnown = true
        inventory.accounts[i].passwordPolicy = policy
      }
    }
    if !inputs.cloudTrail.isEmpty {
      let (activity, notes) = CloudTrailReader.lastActivity(in: inputs.cloudTrail)
      inventory.trailActivity = activity
      inventory.notes += notes
    }
    if let dir = inputs.serviceControlPolicies {
      for file in CloudTrailReader.files(in: [dir]) {
        guard let data = try? Data(contentsOf: file) else { continue }
        var text = String(decoding: data, as: UTF8.self)
        // `aws organizations describe-policy` output wraps the document in Policy.Content.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let policy = object["Policy"] as? [String: Any], let content = policy["Content"] as? String
        {
          text = content
        }
        inventory.serviceControlPolicies.append(PolicySource(name: file.lastPathComponent, document: text, kind: .serviceControl))
      }
    }
    return inventory
  }

  /// Exports made with a `--filter` may reference AWS managed policies without including
  /// them; their documents come from the copy Portcullis ships.
  static func fillMissingAWSManagedPolicies(_ inventory: inout Inventory) {
    for i in inventory.accounts.indices {
      let a = inventory.accounts[i]
      let referenced = a.users.flatMap(\.attachedPolicies) + a.groups.flatMap(\.attachedPolicies)
        + a.roles.flatMap(\.attachedPolicies) + a.users.compactMap(\.permissionsBoundary)
        + a.roles.compactMap(\.permissionsBoundary)
      var unknown: [String] = []
      for arn in Set(referenced) where a.policies[arn] == nil {
        guard let shipped = BundledAWSManagedPolicies.policy(arn: arn) else {
          unknown.append(arn)
          continue
        }
        inventory.accounts[i].policies[arn] = shipped
      }
      // A policy attached but known nowhere (a filtered export, or an AWS managed policy AWS has
      // since retired) grants nothing in the analysis: say so rather than under-report quietly.
      if !unknown.isEmpty {
        inventory.notes.append(
          "\(a.source): \(unknown.count) attached polic\(unknown.count == 1 ? "y is" : "ies are") neither in the export nor among the bundled AWS managed policies, so the analysis counts no permissions from \(unknown.count == 1 ? "it" : "them"): \(unknown.sorted().joined(separator: ", "))")
      }
    }
  }
}
