import AWSWire
import Directory
import Foundation
import HashTreeCollections

/// IAM's credential report: one CSV row per principal with long-term credentials — the account
/// root user first, then every IAM user — saying which passwords, access keys, MFA devices and
/// signing certificates exist, when they last changed and when they were last used.
///
/// The columns, their order and the way values are written follow AWS's "Getting credential
/// reports for your AWS account" page, so tools that read AWS's report (CIS benchmark checks,
/// Prowler, Steampipe, our own analyzer) read ours:
/// - timestamps are ISO 8601 in UTC with an explicit `+00:00` offset;
/// - booleans are `true` / `false`;
/// - `N/A` where the credential does not exist (no password, no key, no certificate);
/// - `no_information` for a password that exists but has never been used;
/// - `not_supported` in the root user's password columns that do not apply to it.
///
/// A pure function of one account's entities and the time, so the server and the analyzer
/// build the same report.
public enum CredentialReport {
  /// AWS's columns, in AWS's order.
  public static let columns = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
  ]

  /// The name AWS gives the root user's row.
  public static let rootUserName = "<root_account>"

  static let notApplicable = "N/A"
  static let noInformation = "no_information"
  static let notSupported = "not_supported"

  /// The report for `account` at `now`, as CSV text (header line first, lines ending in `\n`).
  public static func csv(_ account: AccountDirectory, now: Date) -> String {
    var out = columns.joined(separator: ",") + "\n"
    for row in rows(account, now: now) {
      out += row.map(escape).joined(separator: ",") + "\n"
    }
    return out
  }

  /// The report's rows (without the header): the root user, then the users by name.
  public static func rows(_ account: AccountDirectory, now: Date) -> [[String]] {
    // Keys of each principal, oldest first: AWS numbers a user's keys 1 and 2 in creation order.
    var keysByUser: [String: [AccessKey]] = [:]
    for key in account.accessKeys.values {
      keysByUser[key.userName?.lowercased() ?? "", default: []].append(key)
    }
    for (name, keys) in keysByUser {
      keysByUser[name] = keys.sorted { ($0.createDate, $0.id) < ($1.createDate, $1.id) }
    }
    // Signing certificates likewise, numbered 1 and 2 in upload order.
    var certificatesByUser: [String: [SigningCertificate]] = [:]
    for certificate in account.signingCertificates.values {
      certificatesByUser[certificate.userName?.lowercased() ?? "", default: []].append(certificate)
    }
    var mfaUsers = Set<String>()
    for device in account.mfaDevices.values {
      if let user = device.userName { mfaUsers.insert(user.lowercased()) }
    }

    var rows: [[String]] = []
    let root = account.account
    rows.append(
      [rootUserName, root.rootARN, timestamp(root.createDate)]
        // The root user always has a password; AWS reports only when it was last used.
        + [notSupported, rootPasswordLastUsed(root).map(timestamp) ?? noInformation, notSupported, notSupported]
        + [bool(rootHasMFA(account))]
        + keyColumns(keysByUser[""] ?? [])
        + certificateColumns(certificatesByUser[""] ?? []))

    let users = account.users.values.sorted { $0.name.lowercased() < $1.name.lowercased() }
    for user in users {
      rows.append(
        [user.name, user.arn, timestamp(user.createDate)]
          + passwordColumns(user, policy: root.passwordPolicy)
          + [bool(mfaUsers.contains(user.name.lowercased()))]
          + keyColumns(keysByUser[user.name.lowercased()] ?? [])
          + certificateColumns(certificatesByUser[user.name.lowercased()] ?? []))
    }
    return rows
  }

  /// `password_enabled`, `password_last_used`, `password_last_changed`, `password_next_rotation`.
  static func passwordColumns(_ user: User, policy: PasswordPolicy?) -> [String] {
    guard let profile = user.loginProfile else {
      // No password now. A password used before it was deleted still shows when it was last
      // used, as AWS keeps that date.
      return ["false", user.passwordLastUsed.map(timestamp) ?? notApplicable, notApplicable, notApplicable]
    }
    let nextRotation = policy?.expiry(ofPasswordSetAt: profile.passwordSetDate).map(timestamp) ?? notApplicable
    return [
      "true", user.passwordLastUsed.map(timestamp) ?? noInformation, timestamp(profile.passwordSetDate), nextRotation,
    ]
  }

  /// The five columns of each of the first two access keys.
  static func keyColumns(_ keys: [AccessKey]) -> [String] {
    var columns: [String] = []
    for index in 0..<2 {
      guard index < keys.count else {
        columns += ["false", notApplicable, notApplicable, notApplicable, notApplicable]
        continue
      }
      let key = keys[index]
      columns += [
        bool(key.isActive), timestamp(key.createDate),
        key.lastUsedDate.map(timestamp) ?? notApplicable,
        key.lastUsedDate == nil ? notApplicable : (key.lastUsedRegion ?? notApplicable),
        key.lastUsedDate == nil ? notApplicable : (key.lastUsedService ?? notApplicable),
      ]
    }
    return columns
  }

  /// `cert_N_active` and `cert_N_last_rotated` of the first two signing certificates, oldest
  /// first; a certificate's last rotation is when it was uploaded.
  static func certificateColumns(_ certificates: [SigningCertificate]) -> [String] {
    let sorted = certificates.sorted { ($0.uploadDate, $0.id) < ($1.uploadDate, $1.id) }
    var columns: [String] = []
    for index in 0..<2 {
      guard index < sorted.count else {
        columns += ["false", notApplicable]
        continue
      }
      columns += [bool(sorted[index].isActive), timestamp(sorted[index].uploadDate)]
    }
    return columns
  }

  /// When the root user's password was last used to sign in; this server does not record it yet.
  static func rootPasswordLastUsed(_ account: Account) -> Date? { nil }

  /// Whether the root user has an MFA device (`VirtualMFADevice.isRootDevice`: an enabled device
  /// assigned to no IAM user; AWS's console names it `root-account-mfa-device`).
  static func rootHasMFA(_ account: AccountDirectory) -> Bool {
    account.rootMFADevice != nil
  }

  /// `2024-01-02T03:04:05+00:00`, as the report writes every time.
  public static func timestamp(_ date: Date) -> String {
    let text = TimestampFormat.iso8601.format(date)
    return text.hasSuffix("Z") ? String(text.dropLast()) + "+00:00" : text
  }

  static func bool(_ value: Bool) -> String { value ? "true" : "false" }

  /// RFC 4180 quoting for a field that needs it (user names cannot contain commas or quotes,
  /// but the report must stay parseable whatever a name holds).
  static func escape(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
