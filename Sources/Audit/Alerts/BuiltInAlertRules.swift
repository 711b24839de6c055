/// Where a break-glass role is recognised: by a tag on the role, or by its name.
///
/// ENRICHMENT CONTRACT (the trail fills it): for `AssumeRole`, `AssumeRoleWithSAML` and
/// `AssumeRoleWithWebIdentity` events, the trail adds the assumed role's tags to the event as
/// `additionalEventData.roleTags`, an object of tag key to tag value (`{"BreakGlass": "true"}`),
/// and leaves the member out when the role has no tags. AWS's own records do not carry role tags;
/// the member is Portcullis's, under `additionalEventData`, which CloudTrail readers already
/// treat as free-form.
public struct BreakGlassSettings: Sendable, Equatable {
  /// A role carrying this tag (any value) is a break-glass role. Letters, digits, `-` and `_`,
  /// so it can be a selector step.
  public var tagKey: String
  /// Role names that are break-glass roles whatever their tags.
  public var roleNames: [String]

  public static let standard = BreakGlassSettings(tagKey: "BreakGlass", roleNames: [])

  public init(tagKey: String, roleNames: [String]) {
    self.tagKey = tagKey
    self.roleNames = roleNames
  }
}

/// The rules that are on unless a rules file silences them. Patterns are CloudWatch Logs
/// metric-filter patterns; the first four follow the CIS AWS Foundations Benchmark's
/// monitoring recommendations (root usage, console sign-in without MFA, IAM policy changes,
/// unauthorized API calls).
public enum BuiltInAlertRules {
  public static let ids = [
    "root-account-usage", "console-sign-in-without-mfa", "console-sign-in-failures", "iam-policy-change",
    "iam-user-created", "access-key-created", "change-outside-business-hours", "break-glass-role-assumed",
    "access-denied-burst",
  ]

  /// The CIS benchmark's list of IAM policy-changing events.
  public static let policyChangeEvents = [
    "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
    "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
    "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
  ]

  public static func rules(breakGlass: BreakGlassSettings = .standard) -> [AlertRule] {
    func rule(
      _ id: String, _ severity: AlertSeverity, _ title: String, _ pattern: String, threshold: AlertThreshold? = nil,
      outsideBusinessHours: Bool = false, _ description: String
    ) -> AlertRule {
      // INVARIANT: built-in patterns are constants checked by AlertRuleTests; a failure here is a
      // programming error, not bad input.
      let compiled: FilterPattern
      do { compiled = try FilterPattern(pattern) } catch { preconditionFailure("built-in rule \(id): \(error)") }
      return AlertRule(
        id: id, title: title, severity: severity, pattern: compiled, threshold: threshold,
        outsideBusinessHours: outsideBusinessHours, description: description)
    }
    let policyEvents = policyChangeEvents.map { "($.eventName = \"\($0)\")" }.joined(separator: " || ")
    var breakGlassTests = ["($.additionalEventData.roleTags.\(breakGlass.tagKey) = *)"]
    for name in breakGlass.roleNames {
      // `*/name` matches `:role/name` and `:role/path/name`.
      breakGlassTests.append("($.requestParameters.roleArn = \"*/\(name)\")")
    }
    return [
      rule(
        "root-account-usage", .critical, "Root account used",
        #"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        "the root user has unrestricted access and should be used only for the few tasks that need it"),
      rule(
        "console-sign-in-without-mfa", .high, "Console sign-in without MFA",
        #"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        "an IAM user signed in with a password alone"),
      rule(
        "console-sign-in-failures", .medium, "Burst of failed console sign-ins",
        #"{ ($.eventName = "ConsoleLogin") && ($.responseElements.ConsoleLogin = "Failure") }"#,
        threshold: AlertThreshold(count: 5, windowSeconds: 300, groupBy: JSONSelector(steps: [.member("sourceIPAddress")])),
        "repeated failed sign-ins from one address suggest password guessing"),
      rule(
        "iam-policy-change", .medium, "IAM policy changed",
        "{ (\(policyEvents)) && ($.errorCode NOT EXISTS) }",
        "a change to who may do what"),
      rule(
        "iam-user-created", .medium, "IAM user created",
        #"{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "CreateUser") && ($.errorCode NOT EXISTS) }"#,
        "a new long-term identity"),
      rule(
        "access-key-created", .medium, "Access key created",
        #"{ ($.eventSource = "iam.amazonaws.com") && ($.eventName = "CreateAccessKey") && ($.errorCode NOT EXISTS) }"#,
        "a new long-term credential"),
      rule(
        "change-outside-business-hours", .low, "Change outside business hours",
        #"{ ($.readOnly IS FALSE) && ($.errorCode NOT EXISTS) && ($.eventType = "AwsApiCall") }"#,
        outsideBusinessHours: true, "a successful write at a time nobody is expected to be working"),
      rule(
        "break-glass-role-assumed", .critical, "Break-glass role assumed",
        #"{ ($.eventName = "AssumeRole*") && ($.errorCode NOT EXISTS) && ("#
          + breakGlassTests.joined(separator: " || ") + ") }",
        "an emergency role was used; confirm there is an incident that needs it"),
      rule(
        "access-denied-burst", .medium, "Burst of denied calls from one principal",
        #"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
        threshold: AlertThreshold(count: 10, windowSeconds: 300, groupBy: JSONSelector(steps: [.member("userIdentity"), .member("arn")])),
        "many denied calls from one principal suggest probing for permissions"),
    ]
  }
}
