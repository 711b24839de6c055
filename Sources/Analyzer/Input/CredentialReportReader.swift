import Foundation

/// Reads AWS's IAM credential report (the CSV of `aws iam generate-credential-report` /
/// `get-credential-report`, either the CSV itself or the CLI's JSON with base64 `Content`) and
/// merges it into the accounts it describes.
public enum CredentialReportReader {
  /// One row of the report, by AWS's column names.
  public typealias Row = [String: String]

  /// Parses the report into rows keyed by AWS's column names.
  public static func rows(_ data: Data) -> [Row] {
    var text = String(decoding: data, as: UTF8.self)
    if text.trimmingCharacters(in: .whitespaces).hasPrefix("{"),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let content = object["Content"] as? String, let decoded = Data(base64Encoded: content)
    {
      text = String(decoding: decoded, as: UTF8.self)
    }
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard let header = lines.first else { return [] }
    let columns = header.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    return lines.dropFirst().map { line in
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      var row: Row = [:]
      for (i, c) in columns.enumerated() where i < cells.count { row[c] = cells[i] }
      return row
    }
  }

  /// Applies the rows to the matching accounts (by the account in each row's ARN): users get
  /// password, MFA and key facts; the `<root_account>` row becomes the account's root credentials.
  public static func merge(_ rows: [Row], into inventory: inout Inventory) {
    for row in rows {
      guard let arn = row["arn"], let parsed = arnAccount(arn) else { continue }
      var index = inventory.accounts.firstIndex { $0.id == parsed }
      if index == nil {
        inventory.accounts.append(AccountInventory(id: parsed, source: "credential report"))
        index = inventory.accounts.count - 1
      }
      let keys = [1, 2].compactMap { n -> AccessKeyInfo? in
        guard let active = row["access_key_\(n)_active"] else { return nil }
        let rotated = date(row["access_key_\(n)_last_rotated"])
        if active.lowercased() != "true" && rotated == nil { return nil }
        return AccessKeyInfo(
          id: "access_key_\(n)", isActive: active.lowercased() == "true", created: rotated,
          lastUsed: date(row["access_key_\(n)_last_used_date"]))
      }
      if row["user"] == "<root_account>" {
        inventory.accounts[index!].root = RootCredentials(
          mfaActive: row["mfa_active"]?.lowercased() == "true", accessKeys: keys,
          passwordLastUsed: date(row["password_last_used"]))
        continue
      }
      let name = row["user"] ?? ""
      var users = inventory.accounts[index!].users
      var u = users.firstIndex { $0.arn == arn || $0.name == name }
      if u == nil {
        users.append(IAMUser(name: name, arn: arn, created: date(row["user_creation_time"])))
        u = users.count - 1
      }
      users[u!].hasPassword = row["password_enabled"]?.lowercased() == "true"
      users[u!].passwordLastUsed = date(row["password_last_used"])
      users[u!].passwordLastChanged = date(row["password_last_changed"])
      users[u!].mfaActive = row["mfa_active"]?.lowercased() == "true"
      users[u!].accessKeys = keys
      if users[u!].created == nil { users[u!].created = date(row["user_creation_time"]) }
      inventory.accounts[index!].users = users
    }
  }

  private static func date(_ text: String?) -> Date? { text.flatMap(parseAWSDate) }

  private static func arnAccount(_ arn: String) -> String? {
    let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 6, parts[4].count == 12 else { return nil }
    return String(parts[4])
  }
}

/// Reads `aws iam get-account-password-policy` output (`{"PasswordPolicy": {...}}`).
public enum PasswordPolicyReader {
  public static func read(_ data: Data) -> AccountPasswordPolicy? {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
    let p = object["PasswordPolicy"] as? [String: Any] ?? object
    return AccountPasswordPolicy(
      minimumLength: p["MinimumPasswordLength"] as? Int, reusePrevention: p["PasswordReusePrevention"] as? Int,
      maxAge: p["MaxPasswordAge"] as? Int)
  }
}
