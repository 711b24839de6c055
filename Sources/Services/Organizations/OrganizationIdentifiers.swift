/// Identifiers in AWS Organizations' formats: `o-` and 10 characters for an organization, `r-`
/// and 4 for a root, `ou-` + the root's 4 + `-` + 8 for an OU, `p-` and 8 for a policy, `car-`
/// and 32 for a create-account request; lowercase letters and digits throughout.
enum OrganizationIdentifiers {
  private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

  static func random(_ count: Int) -> String {
    var rng = SystemRandomNumberGenerator()
    return String((0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
  }

  static func organizationID() -> String { "o-" + random(10) }
  static func rootID() -> String { "r-" + random(4) }
  /// An OU id under the root `rootID` (`r-ab12` gives `ou-ab12-…`).
  static func unitID(rootID: String) -> String { "ou-\(rootID.dropFirst(2))-" + random(8) }
  static func policyID() -> String { "p-" + random(8) }
  static func createAccountRequestID() -> String { "car-" + random(32) }
}
