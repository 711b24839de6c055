import Foundation

/// The evidence pack's MFA enrollment table: for every principal that can sign in, whether it
/// has console access, whether MFA is active and which devices it holds — what an auditor
/// samples for CIS 1.5/1.10, SOC 2 CC6.1 or HIPAA 164.312(d).
public struct MFAEnrollment: Sendable {
  /// One principal's row. `nil` means the inputs do not say (offline, without a credential report).
  public struct Row: Sendable, Equatable {
    public var account: String
    /// The IAM user name, or `<root_account>` as in the credential report.
    public var user: String
    public var arn: String
    /// `nil` for unknown; the root user's row writes `not_supported` (the credential report's
    /// word for the root password columns).
    public var consoleAccess: Bool?
    public var mfaActive: Bool?
    /// The devices' serial numbers (ARNs for virtual devices), when known.
    public var devices: [String]
    public var isRoot: Bool

    public init(
      account: String, user: String, arn: String, consoleAccess: Bool?, mfaActive: Bool?, devices: [String] = [],
      isRoot: Bool = false
    ) {
      self.account = account
      self.user = user
      self.arn = arn
      self.consoleAccess = consoleAccess
      self.mfaActive = mfaActive
      self.devices = devices
      self.isRoot = isRoot
    }
  }

  public static let columns = ["account", "user", "arn", "console_access", "mfa_active", "mfa_devices"]

  public var rows: [Row]

  public init(rows: [Row]) {
    self.rows = rows
  }

  /// The rows the analyzer's inventory supports: the root user (when its credentials are known)
  /// and every IAM user. `serials` adds device serial numbers by account and lowercased user
  /// name (the root user under `<root_account>`); offline exports carry none.
  public init(inventory: Inventory, serials: [String: [String: [String]]] = [:]) {
    var rows: [Row] = []
    for account in inventory.accounts.sorted(by: { $0.id < $1.id }) {
      let devices = serials[account.id] ?? [:]
      if let root = account.root {
        rows.append(
          Row(
            account: account.id, user: "<root_account>", arn: "arn:aws:iam::\(account.id):root", consoleAccess: nil,
            mfaActive: root.mfaActive, devices: devices["<root_account>"] ?? [], isRoot: true))
      }
      for user in account.users.sorted(by: { $0.name.lowercased() < $1.name.lowercased() }) {
        rows.append(
          Row(
            account: account.id, user: user.name, arn: user.arn, consoleAccess: user.hasPassword, mfaActive: user.mfaActive,
            devices: devices[user.name.lowercased()] ?? []))
      }
    }
    self.rows = rows
  }

  /// RFC 4180 CSV with a header row; several devices are separated by spaces.
  public func csv() -> String {
    func flag(_ value: Bool?) -> String { value.map { $0 ? "true" : "false" } ?? "unknown" }
    func cell(_ s: String) -> String {
      s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"\(s.replacingOccurrences(of: "\"", with: "\"\""))\"" : s
    }
    var out = Self.columns.joined(separator: ",") + "\n"
    for row in rows {
      let console = row.isRoot ? "not_supported" : flag(row.consoleAccess)
      out += [row.account, row.user, row.arn, console, flag(row.mfaActive), row.devices.joined(separator: " ")].map(cell)
        .joined(separator: ",") + "\n"
    }
    return out
  }
}
