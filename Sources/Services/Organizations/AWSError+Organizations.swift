import AWSWire

/// AWS Organizations' errors, with the messages of AWS's service model. Organizations speaks
/// JSON 1.1, so every error is HTTP 400 with `__type`; some carry a `Reason`.
extension AWSError {
  static func organizations(_ code: String, _ message: String, reason: String? = nil) -> AWSError {
    let error = AWSError(code: code, message: message, status: 400)
    return reason.map { error.with(fields: ["Reason": $0]) } ?? error
  }

  static func organizationsNotInUse() -> AWSError {
    .organizations(
      "AWSOrganizationsNotInUseException",
      "Your account isn't a member of an organization. To make this request, you must use the credentials of an account that belongs to an organization.")
  }

  /// A member account calling an operation only the management account may call.
  static func organizationsAccessDenied(
    _ message: String = "You don't have permissions to access this resource."
  ) -> AWSError {
    .organizations("AccessDeniedException", message)
  }

  static func alreadyInOrganization() -> AWSError {
    .organizations(
      "AlreadyInOrganizationException",
      "This account is already a member of an organization. An account can belong to only one organization at a time.")
  }

  static func constraintViolation(_ reason: String, _ message: String) -> AWSError {
    .organizations("ConstraintViolationException", message, reason: reason)
  }

  static func invalidInputException(_ reason: String, _ message: String) -> AWSError {
    .organizations("InvalidInputException", message, reason: reason)
  }

  static func accountNotFound() -> AWSError {
    .organizations(
      "AccountNotFoundException",
      "We can't find an Amazon Web Services account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.")
  }

  static func parentNotFound() -> AWSError {
    .organizations("ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
  }

  static func childNotFound() -> AWSError {
    .organizations(
      "ChildNotFoundException",
      "We can't find an organizational unit (OU) or Amazon Web Services account with the ChildId that you specified.")
  }

  static func unitNotFound() -> AWSError {
    .organizations(
      "OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.")
  }

  static func rootNotFound() -> AWSError {
    .organizations("RootNotFoundException", "We can't find a root with the RootId that you specified.")
  }

  static func policyNotFound() -> AWSError {
    .organizations("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
  }

  static func targetNotFound() -> AWSError {
    .organizations(
      "TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
  }

  static func policyTypeNotEnabled() -> AWSError {
    .organizations(
      "PolicyTypeNotEnabledException",
      "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root.")
  }

  static func malformedOrganizationsPolicy(_ detail: String) -> AWSError {
    .organizations(
      "MalformedPolicyDocumentException",
      "The provided policy document doesn't meet the requirements of the specified policy type. \(detail)")
  }
}
