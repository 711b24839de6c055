import Audit
import Foundation
import Synchronization
import Testing

/// The built-in rules, thresholds, business hours, the rules file and the file and log sinks.
@Suite struct AlertRuleTests {
  /// A CloudTrail record with the members the rules look at; `extra` is spliced in as JSON.
  static func event(
    _ name: String, source: String = "iam.amazonaws.com", identityType: String = "IAMUser",
    arn: String = "arn:aws:iam::123456789012:user/alice", time: String = "2026-11-24T10:00:00Z",
    ip: String = "198.51.100.7", readOnly: Bool = false, errorCode: String? = nil, eventType: String = "AwsApiCall",
    extra: String = ""
  ) -> TrailJSON {
    let error = errorCode.map { #""errorCode": "\#($0)", "errorMessage": "denied","# } ?? ""
    let text = """
      {"eventVersion": "1.08", "userIdentity": {"type": "\(identityType)", "arn": "\(arn)", "accountId": "123456789012"},
       "eventTime": "\(time)", "eventSource": "\(source)", "eventName": "\(name)", "sourceIPAddress": "\(ip)", \(error)
       \(extra.isEmpty ? "" : extra + ",") "readOnly": \(readOnly), "eventType": "\(eventType)", "recipientAccountId": "123456789012"}
      """
    return try! TrailJSON.parse(text)
  }

  static func engine(_ configuration: AlertConfiguration = .defaults) -> AlertEngine {
    AlertEngine(configuration: configuration, sinks: [])
  }

  static func fired(_ engine: AlertEngine, _ event: TrailJSON) -> [String] {
    engine.observe(event).map(\.ruleID)
  }

  @Test func builtInRulesAreTheDocumentedOnesAndAllOnByDefault() {
    #expect(AlertConfiguration.defaults.rules.map(\.id) == BuiltInAlertRules.ids)
    #expect(Set(BuiltInAlertRules.ids).count == BuiltInAlertRules.ids.count)
  }

  // MARK: root

  @Test func rootUsageFires() {
    let e = Self.event("ListUsers", identityType: "Root", arn: "arn:aws:iam::123456789012:root", readOnly: true)
    #expect(Self.fired(Self.engine(), e) == ["root-account-usage"])
  }

  @Test func rootActionsInvokedByAServiceDoNotFire() throws {
    let record = try TrailJSON.parse(
      #"{"userIdentity": {"type": "Root", "invokedBy": "cloudformation.amazonaws.com"}, "eventName": "ListUsers", "eventType": "AwsApiCall", "readOnly": true}"#
    )
    #expect(!Self.fired(Self.engine(), record).contains("root-account-usage"))
  }

  @Test func rootServiceEventsDoNotFire() {
    let e = Self.event("ListUsers", identityType: "Root", readOnly: true, eventType: "AwsServiceEvent")
    #expect(!Self.fired(Self.engine(), e).contains("root-account-usage"))
  }

  // MARK: sign-in

  static func consoleLogin(result: String, mfa: String, ip: String = "198.51.100.7", time: String = "2026-11-24T10:00:00Z") -> TrailJSON {
    event(
      "ConsoleLogin", source: "signin.amazonaws.com", time: time, ip: ip, eventType: "AwsConsoleSignIn",
      extra: #""responseElements": {"ConsoleLogin": "\#(result)"}, "additionalEventData": {"MFAUsed": "\#(mfa)"}"#)
  }

  @Test func consoleSignInWithoutMFAFires() {
    #expect(Self.fired(Self.engine(), Self.consoleLogin(result: "Success", mfa: "No")) == ["console-sign-in-without-mfa"])
  }

  @Test func consoleSignInWithMFADoesNotFire() {
    #expect(Self.fired(Self.engine(), Self.consoleLogin(result: "Success", mfa: "Yes")).isEmpty)
  }

  @Test func failedSignInsFireOnceTheBurstReachesFiveFromOneAddress() {
    let engine = Self.engine()
    for second in 0..<4 {
      let e = Self.consoleLogin(result: "Failure", mfa: "No", time: "2026-11-24T10:00:0\(second)Z")
      #expect(Self.fired(engine, e).isEmpty)
    }
    // Another address has its own count.
    #expect(Self.fired(engine, Self.consoleLogin(result: "Failure", mfa: "No", ip: "203.0.113.9")).isEmpty)
    let alerts = engine.observe(Self.consoleLogin(result: "Failure", mfa: "No", time: "2026-11-24T10:00:05Z"))
    #expect(alerts.map(\.ruleID) == ["console-sign-in-failures"])
    #expect(alerts.first?.count == 5)
    #expect(alerts.first?.group == "198.51.100.7")
    #expect(alerts.first?.windowSeconds == 300)
  }

  @Test func failedSignInsOutsideTheWindowDoNotCount() {
    let engine = Self.engine()
    for minute in 0..<5 {
      // An hour apart: never five within five minutes.
      let e = Self.consoleLogin(result: "Failure", mfa: "No", time: "2026-11-24T1\(minute):00:00Z")
      #expect(Self.fired(engine, e).isEmpty)
    }
  }

  @Test func aBurstStartsAgainAfterItFires() {
    let engine = Self.engine()
    var fired = 0
    for second in 0..<10 {
      fired += engine.observe(Self.consoleLogin(result: "Failure", mfa: "No", time: "2026-11-24T10:00:0\(second)Z")).count
    }
    #expect(fired == 2)
  }

  // MARK: IAM changes

  @Test(arguments: BuiltInAlertRules.policyChangeEvents)
  func everyCISPolicyChangeEventFires(_ name: String) {
    #expect(Self.fired(Self.engine(), Self.event(name)) == ["iam-policy-change"])
  }

  @Test func failedOrReadOnlyPolicyCallsDoNotFire() {
    #expect(Self.fired(Self.engine(), Self.event("PutUserPolicy", errorCode: "AccessDenied")).isEmpty)
    #expect(Self.fired(Self.engine(), Self.event("GetPolicy", readOnly: true)).isEmpty)
  }

  @Test func newUsersAndAccessKeysFire() {
    #expect(Self.fired(Self.engine(), Self.event("CreateUser")) == ["iam-user-created"])
    #expect(Self.fired(Self.engine(), Self.event("CreateAccessKey")) == ["access-key-created"])
  }

  // MARK: business hours

  @Test func changesOnASaturdayFire() {
    #expect(Self.fired(Self.engine(), Self.event("TagUser", time: "2026-11-28T10:00:00Z")) == ["change-outside-business-hours"])
  }

  @Test func changesOnAWeekdayMorningAndReadsAtNightDoNotFire() {
    #expect(Self.fired(Self.engine(), Self.event("TagUser", time: "2026-11-24T10:00:00Z")).isEmpty)
    #expect(Self.fired(Self.engine(), Self.event("ListUsers", time: "2026-11-24T23:00:00Z", readOnly: true)).isEmpty)
  }

  @Test(arguments: [
    // Mon–Fri 09:00–18:00 at UTC+02:00
    ("2026-11-24T06:59:00Z", false), ("2026-11-24T07:00:00Z", true), ("2026-11-24T15:59:59Z", true),
    ("2026-11-24T16:00:00Z", false), ("2026-11-27T22:30:00Z", false),  // Saturday 00:30 local
    ("2026-11-29T23:30:00Z", false),  // Monday 01:30 local: before nine
  ])
  func businessHoursUseTheConfiguredOffset(_ time: String, _ inside: Bool) {
    let hours = BusinessHours(days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1080, utcOffsetMinutes: 120)
    #expect(hours.contains(AuditEvent.parseTimestamp(time)!) == inside)
  }

  @Test func overnightHoursBelongToTheDayTheyStart() {
    // Friday 22:00 to 06:00.
    let hours = BusinessHours(days: [5], startMinute: 1320, endMinute: 360, utcOffsetMinutes: 0)
    #expect(hours.contains(AuditEvent.parseTimestamp("2026-11-27T23:00:00Z")!))  // Friday night
    #expect(hours.contains(AuditEvent.parseTimestamp("2026-11-28T05:00:00Z")!))  // Saturday early morning
    #expect(!hours.contains(AuditEvent.parseTimestamp("2026-11-28T23:00:00Z")!))  // Saturday night
  }

  // MARK: break-glass

  static func assumeRole(_ roleArn: String, tags: String? = nil) -> TrailJSON {
    var extra = #""requestParameters": {"roleArn": "\#(roleArn)", "roleSessionName": "s"}"#
    if let tags { extra += #", "additionalEventData": {"roleTags": \#(tags)}"# }
    return event("AssumeRole", source: "sts.amazonaws.com", readOnly: true, extra: extra)
  }

  @Test func assumingARoleTaggedBreakGlassFires() {
    let e = Self.assumeRole("arn:aws:iam::123456789012:role/admin", tags: #"{"BreakGlass": "true", "team": "ops"}"#)
    #expect(Self.fired(Self.engine(), e) == ["break-glass-role-assumed"])
  }

  @Test func assumingAnUntaggedRoleDoesNotFire() {
    let e = Self.assumeRole("arn:aws:iam::123456789012:role/admin", tags: #"{"team": "ops"}"#)
    #expect(Self.fired(Self.engine(), e).isEmpty)
  }

  @Test func breakGlassRolesCanBeNamedInTheRulesFile() throws {
    let configuration = try Self.load(#"{"breakGlass": {"tagKey": "emergency", "roleNames": ["glass"]}}"#)
    let engine = Self.engine(configuration)
    #expect(Self.fired(engine, Self.assumeRole("arn:aws:iam::123456789012:role/ops/glass")) == ["break-glass-role-assumed"])
    #expect(Self.fired(engine, Self.assumeRole("arn:aws:iam::123456789012:role/x", tags: #"{"emergency": "1"}"#)) == ["break-glass-role-assumed"])
    #expect(Self.fired(engine, Self.assumeRole("arn:aws:iam::123456789012:role/glassy")).isEmpty)
  }

  // MARK: AccessDenied

  @Test func tenDeniedCallsFromOnePrincipalFire() {
    let engine = Self.engine()
    var alerts: [Alert] = []
    for i in 0..<10 {
      alerts += engine.observe(Self.event("GetUser", time: "2026-11-24T10:00:0\(i)Z", readOnly: true, errorCode: "AccessDenied"))
    }
    #expect(alerts.map(\.ruleID) == ["access-denied-burst"])
    #expect(alerts.first?.group == "arn:aws:iam::123456789012:user/alice")
  }

  @Test func deniedCallsSpreadOverPrincipalsDoNotFire() {
    let engine = Self.engine()
    for i in 0..<10 {
      let e = Self.event(
        "GetUser", arn: "arn:aws:iam::123456789012:user/u\(i)", time: "2026-11-24T10:00:0\(i)Z", readOnly: true,
        errorCode: "AccessDenied")
      #expect(Self.fired(engine, e).isEmpty)
    }
  }

  @Test func observeIsSafeFromManyThreadsAtOnce() async {
    let engine = Self.engine()
    let denied = Self.event("GetUser", readOnly: true, errorCode: "AccessDenied")
    let fired = await withTaskGroup(of: Int.self) { group in
      for _ in 0..<8 {
        group.addTask { (0..<250).reduce(0) { n, _ in n + engine.observe(denied).count } }
      }
      return await group.reduce(0, +)
    }
    // 2,000 denied calls from one principal within the window: one alert per ten, none lost.
    #expect(fired == 200)
  }

  // MARK: rules file

  static func load(_ text: String, environment: [String: String] = [:]) throws -> AlertConfiguration {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try text.write(toFile: dir + "/alert-rules.json", atomically: true, encoding: .utf8)
    return try AlertConfiguration.load(dataDirectory: dir, environment: environment)
  }

  static func problems(_ text: String, environment: [String: String] = [:]) -> [String] {
    do {
      _ = try load(text, environment: environment)
      return []
    } catch let error as AlertRulesFileError {
      return error.problems
    } catch {
      return ["\(error)"]
    }
  }

  @Test func withoutARulesFileTheBuiltInsRun() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)").path
    let configuration = try AlertConfiguration.load(dataDirectory: dir, environment: [:])
    #expect(configuration.rules.map(\.id) == BuiltInAlertRules.ids)
  }

  @Test func theEnvironmentNamesTheRulesFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).json").path
    try #"{"silence": ["iam-user-created"]}"#.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let configuration = try AlertConfiguration.load(dataDirectory: "/nonexistent", environment: ["PORTCULLIS_ALERT_RULES": path])
    #expect(!configuration.rules.map(\.id).contains("iam-user-created"))
    #expect(throws: AlertRulesFileError.self) {
      try AlertConfiguration.load(dataDirectory: "/nonexistent", environment: ["PORTCULLIS_ALERT_RULES": path + ".missing"])
    }
  }

  @Test func aRulesFileAddsReplacesAndSilencesRules() throws {
    let configuration = try Self.load(
      #"""
      {"silence": ["change-outside-business-hours"],
       "rules": [
         {"id": "delete-role", "title": "Role deleted", "severity": "high", "pattern": "{ $.eventName = \"DeleteRole\" }"},
         {"id": "console-sign-in-failures", "title": "Failed sign-ins", "severity": "critical",
          "pattern": "{ $.responseElements.ConsoleLogin = \"Failure\" }",
          "threshold": {"count": 2, "windowSeconds": 60, "groupBy": "$.sourceIPAddress"}}
       ]}
      """#)
    let ids = configuration.rules.map(\.id)
    #expect(!ids.contains("change-outside-business-hours"))
    #expect(ids.last == "delete-role")
    let replaced = configuration.rules.first { $0.id == "console-sign-in-failures" }
    #expect(replaced?.severity == .critical)
    #expect(replaced?.threshold == AlertThreshold(count: 2, windowSeconds: 60, groupBy: try JSONSelector("$.sourceIPAddress")))
    let engine = Self.engine(configuration)
    #expect(Self.fired(engine, Self.event("DeleteRole", time: "2026-11-28T10:00:00Z")) == ["delete-role"])
  }

  @Test func businessHoursComeFromTheRulesFile() throws {
    let configuration = try Self.load(
      #"{"businessHours": {"days": ["Sat", "Sunday"], "start": "08:00", "end": "24:00", "utcOffset": "-05:00"}}"#)
    #expect(configuration.businessHours == BusinessHours(days: [6, 7], startMinute: 480, endMinute: 1440, utcOffsetMinutes: -300))
  }

  @Test func everyProblemInTheFileIsReportedWithItsLocation() {
    let problems = Self.problems(
      #"""
      {"silence": ["no-such-rule"], "treshold": 3,
       "rules": [
         {"id": "a", "title": "A", "pattern": "{ $.eventName = }"},
         {"id": "b b", "title": "B", "severity": "urgent", "pattern": "{ $.x = 1 }"},
         {"id": "c", "pattern": "{ $.x = 1 }", "threshold": {"count": 0, "windowSeconds": 60, "groupBy": "eventName"}},
         {"id": "d", "title": "D", "pattern": "{ $.x = 1 }"},
         {"id": "d", "title": "D again", "pattern": "{ $.x = 2 }"}
       ],
       "businessHours": {"start": "9am", "utcOffset": "CET"}}
      """#)
    let expected = [
      "unknown member `treshold`",
      "silence[0]: `no-such-rule` is not a built-in rule",
      "rules[0].pattern: column 17: expected a value",
      "rules[1].id: `b b` is not a valid rule id",
      "rules[1].severity: unknown severity `urgent`",
      "rules[2]: missing `title`",
      "rules[2].threshold.count: expected a whole number from 1",
      "rules[2].threshold.groupBy: column 1: expected a selector",
      "rules[4].id: rule `d` is defined twice",
      "businessHours.start: `9am` is not a time HH:MM",
      "businessHours.utcOffset: `CET` is not a UTC offset",
    ]
    for fragment in expected {
      #expect(problems.contains { $0.contains(fragment) }, "missing: \(fragment) in \(problems)")
    }
    #expect(problems.count == expected.count, "\(problems)")
  }

  @Test func invalidJSONIsReported() {
    #expect(Self.problems("{ not json").first?.hasPrefix("not valid JSON") == true)
  }

  @Test func webhookSecretsComeFromTheEnvironmentNotTheFile() throws {
    let text = #"{"webhooks": [{"url": "https://hooks.example.com/x", "secretEnv": "HOOK_SECRET", "minimumSeverity": "high"}]}"#
    let configuration = try Self.load(text, environment: ["HOOK_SECRET": "s3cret"])
    #expect(configuration.webhooks.first?.secret == Array("s3cret".utf8))
    #expect(configuration.webhooks.first?.minimumSeverity == .high)
    #expect(!"\(configuration.webhooks[0])".contains("s3cret"))
    #expect(Self.problems(text).contains { $0.contains("environment variable `HOOK_SECRET` is not set") })
    #expect(
      Self.problems(#"{"webhooks": [{"url": "ftp://x", "secret": "inline"}]}"#) == [
        "webhooks[0]: unknown member `secret` (expected one of: url, secretEnv, secretFile, minimumSeverity, maxAttempts)",
        "webhooks[0].url: `ftp://x` is not an http or https URL",
        "webhooks[0]: missing `secretEnv` or `secretFile`: every webhook call is signed",
      ])
  }

  // MARK: sinks

  @Test func alertsGoToTheLogAndToTheJSONLinesFile() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let logged = Mutex<[String]>([])
    let engine = AlertEngine(configuration: .defaults, dataDirectory: dir) { alert in
      logged.withLock { $0.append(alert.summary) }
    }
    engine.observe(Self.event("CreateUser"))
    engine.observe(Self.event("CreateAccessKey"))
    await engine.shutdown()
    #expect(logged.withLock { $0.count } == 2)
    #expect(logged.withLock { $0.first?.hasPrefix("alert iam-user-created (medium): IAM user created event=CreateUser") } == true)
    let lines = try String(contentsOfFile: dir + "/alerts.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2)
    let first = try TrailJSON.parse(String(lines[0]))
    #expect(first["alert"]?["ruleId"] == .string("iam-user-created"))
    #expect(first["event"]?["eventName"] == .string("CreateUser"))
    let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/alerts.jsonl")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func aFullQueueDropsTheOldestAndCountsThem() async {
    struct Slow: AlertSink {
      var queueCapacity: Int { 2 }
      func deliver(_ alert: Alert) async { try? await Task.sleep(for: .milliseconds(200)) }
    }
    let engine = AlertEngine(configuration: .defaults, sinks: [Slow()])
    for _ in 0..<10 { engine.observe(Self.event("CreateUser")) }
    #expect(engine.alertsFired == 10)
    #expect(engine.alertsDropped >= 7)
    await engine.shutdown(timeout: .milliseconds(100))
  }
}
