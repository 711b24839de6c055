import Foundation

/// The rules file: JSON that adds rules, replaces or silences built-in ones, and configures
/// business hours, break-glass roles and webhooks.
///
/// ```json
/// {
///   "silence": ["change-outside-business-hours"],
///   "businessHours": {"days": ["Mon", "Tue", "Wed", "Thu", "Fri"], "start": "08:00", "end": "19:00", "utcOffset": "+01:00"},
///   "breakGlass": {"tagKey": "BreakGlass", "roleNames": ["emergency-admin"]},
///   "rules": [
///     {"id": "s3-policy-deleted", "title": "Bucket policy deleted", "severity": "high",
///      "pattern": "{ $.eventName = \"DeleteBucketPolicy\" }"},
///     {"id": "console-sign-in-failures", "title": "Failed sign-ins", "severity": "high",
///      "pattern": "{ $.responseElements.ConsoleLogin = \"Failure\" }",
///      "threshold": {"count": 3, "windowSeconds": 60, "groupBy": "$.sourceIPAddress"}}
///   ],
///   "webhooks": [{"url": "https://hooks.example.com/portcullis", "secretEnv": "PORTCULLIS_WEBHOOK_SECRET", "minimumSeverity": "medium"}]
/// }
/// ```
/// A rule whose id is a built-in one replaces it. Webhook secrets come from an environment
/// variable (`secretEnv`) or a file (`secretFile`), never from the rules file itself, so the file
/// can be checked in. Unknown members are errors: a misspelt `"treshold"` must not silently
/// turn a burst rule into one that fires on every event.
enum AlertRulesFile {
  static func parse(_ bytes: [UInt8], environment: [String: String]) throws(AlertRulesFileError) -> AlertConfiguration {
    let root: TrailJSON
    do {
      root = try TrailJSON.parse(bytes)
    } catch {
      throw AlertRulesFileError(problems: ["not valid JSON: \(error)"])
    }
    var reader = Reader()
    let configuration = reader.configuration(root, environment: environment)
    if !reader.problems.isEmpty { throw AlertRulesFileError(problems: reader.problems) }
    return configuration
  }

  struct Reader {
    var problems: [String] = []

    mutating func problem(_ at: String, _ message: String) {
      problems.append(at.isEmpty ? message : "\(at): \(message)")
    }

    /// The members of an object, with unknown ones reported.
    mutating func members(_ value: TrailJSON, at: String, allowed: [String]) -> [String: TrailJSON]? {
      guard case .object(let list) = value else {
        problem(at, "expected an object")
        return nil
      }
      var out: [String: TrailJSON] = [:]
      for member in list {
        if !allowed.contains(member.key) {
          problem(at, "unknown member `\(member.key)` (expected one of: \(allowed.joined(separator: ", ")))")
        } else if out[member.key] != nil {
          problem(at, "member `\(member.key)` appears twice")
        } else {
          out[member.key] = member.value
        }
      }
      return out
    }

    mutating func string(_ value: TrailJSON?, at: String) -> String? {
      guard let value else { return nil }
      guard case .string(let s) = value else {
        problem(at, "expected a string")
        return nil
      }
      return s
    }

    mutating func strings(_ value: TrailJSON?, at: String) -> [String]? {
      guard let value else { return nil }
      guard case .array(let items) = value else {
        problem(at, "expected an array of strings")
        return nil
      }
      return items.enumerated().compactMap { i, item in string(item, at: "\(at)[\(i)]") }
    }

    mutating func integer(_ value: TrailJSON?, at: String, range: ClosedRange<Int>) -> Int? {
      guard let value else { return nil }
      guard case .int(let i) = value, range.contains(Int(i)) else {
        problem(at, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        return nil
      }
      return Int(i)
    }

    mutating func severity(_ value: TrailJSON?, at: String) -> AlertSeverity? {
      guard let text = string(value, at: at) else { return nil }
      guard let severity = AlertSeverity(rawValue: text.lowercased()) else {
        problem(at, "unknown severity `\(text)` (expected low, medium, high or critical)")
        return nil
      }
      return severity
    }

    mutating func configuration(_ root: TrailJSON, environment: [String: String]) -> AlertConfiguration {
      guard let top = members(root, at: "", allowed: ["silence", "businessHours", "breakGlass", "rules", "webhooks"]) else {
        return .defaults
      }
      let businessHours = top["businessHours"].map { businessHoursSettings($0) } ?? .standard
      let breakGlass = top["breakGlass"].map { breakGlassSettings($0) } ?? .standard

      let silenced = strings(top["silence"], at: "silence") ?? []
      for (i, id) in silenced.enumerated() where !BuiltInAlertRules.ids.contains(id) {
        problem("silence[\(i)]", "`\(id)` is not a built-in rule (built-in rules: \(BuiltInAlertRules.ids.joined(separator: ", ")))")
      }

      var added: [AlertRule] = []
      if let value = top["rules"] {
        if case .array(let items) = value {
          for (i, item) in items.enumerated() {
            guard let rule = rule(item, at: "rules[\(i)]") else { continue }
            if added.contains(where: { $0.id == rule.id }) {
              problem("rules[\(i)].id", "rule `\(rule.id)` is defined twice")
            } else if silenced.contains(rule.id) {
              problem("rules[\(i)].id", "rule `\(rule.id)` is both silenced and redefined")
            } else {
              added.append(rule)
            }
          }
        } else {
          problem("rules", "expected an array of rules")
        }
      }

      var webhooks: [WebhookConfiguration] = []
      if let value = top["webhooks"] {
        if case .array(let items) = value {
          for (i, item) in items.enumerated() {
            if let hook = webhook(item, at: "webhooks[\(i)]", environment: environment) { webhooks.append(hook) }
          }
        } else {
          problem("webhooks", "expected an array of webhooks")
        }
      }

      // Built-ins keep their order; a file rule with a built-in id takes its place.
      var rules: [AlertRule] = []
      for builtIn in BuiltInAlertRules.rules(breakGlass: breakGlass) where !silenced.contains(builtIn.id) {
        rules.append(added.first { $0.id == builtIn.id } ?? builtIn)
      }
      rules.append(contentsOf: added.filter { !BuiltInAlertRules.ids.contains($0.id) })
      return AlertConfiguration(rules: rules, businessHours: businessHours, webhooks: webhooks)
    }

    mutating func rule(_ value: TrailJSON, at: String) -> AlertRule? {
      let allowed = ["id", "title", "severity", "pattern", "threshold", "outsideBusinessHours", "description"]
      guard let m = members(value, at: at, allowed: allowed) else { return nil }
      let id = string(m["id"], at: "\(at).id")
      if m["id"] == nil { problem(at, "missing `id`") }
      if let id, !Self.isValidID(id) {
        problem("\(at).id", "`\(id)` is not a valid rule id (1 to 64 letters, digits, `-`, `_` or `.`)")
      }
      let title = string(m["title"], at: "\(at).title")
      if m["title"] == nil { problem(at, "missing `title`") }
      let severity = m["severity"] == nil ? AlertSeverity.medium : self.severity(m["severity"], at: "\(at).severity")
      var pattern: FilterPattern?
      if let text = string(m["pattern"], at: "\(at).pattern") {
        do {
          pattern = try FilterPattern(text)
        } catch {
          problem("\(at).pattern", error.description)
        }
      } else if m["pattern"] == nil {
        problem(at, "missing `pattern`")
      }
      var threshold: AlertThreshold?
      var thresholdValid = true
      if let t = m["threshold"] {
        threshold = self.threshold(t, at: "\(at).threshold")
        thresholdValid = threshold != nil
      }
      var outside = false
      if let value = m["outsideBusinessHours"] {
        if case .bool(let b) = value { outside = b } else { problem("\(at).outsideBusinessHours", "expected true or false") }
      }
      let description = string(m["description"], at: "\(at).description")
      guard let id, Self.isValidID(id), let title, let severity, let pattern, thresholdValid else { return nil }
      return AlertRule(
        id: id, title: title, severity: severity, pattern: pattern, threshold: threshold,
        outsideBusinessHours: outside, description: description)
    }

    static func isValidID(_ id: String) -> Bool {
      !id.isEmpty && id.utf8.count <= 64
        && id.unicodeScalars.allSatisfy { $0.isASCII && (PatternScanner.isWordScalar($0) || $0 == ".") }
    }

    mutating func threshold(_ value: TrailJSON, at: String) -> AlertThreshold? {
      guard let m = members(value, at: at, allowed: ["count", "windowSeconds", "groupBy"]) else { return nil }
      let count = integer(m["count"], at: "\(at).count", range: 1...100_000)
      if m["count"] == nil { problem(at, "missing `count`") }
      let window = integer(m["windowSeconds"], at: "\(at).windowSeconds", range: 1...604_800)
      if m["windowSeconds"] == nil { problem(at, "missing `windowSeconds`") }
      var groupBy: JSONSelector?
      var groupValid = true
      if let text = string(m["groupBy"], at: "\(at).groupBy") {
        do {
          groupBy = try JSONSelector(text)
        } catch {
          problem("\(at).groupBy", error.description)
          groupValid = false
        }
      }
      guard let count, let window, groupValid else { return nil }
      return AlertThreshold(count: count, windowSeconds: window, groupBy: groupBy)
    }

    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let fullDayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    mutating func businessHoursSettings(_ value: TrailJSON) -> BusinessHours {
      let at = "businessHours"
      var hours = BusinessHours.standard
      guard let m = members(value, at: at, allowed: ["days", "start", "end", "utcOffset"]) else { return hours }
      if let days = strings(m["days"], at: "\(at).days") {
        var set = Set<Int>()
        for (i, day) in days.enumerated() {
          let name = day.lowercased()
          if let index = (0..<7).first(where: { Self.dayNames[$0] == name || Self.fullDayNames[$0] == name }) {
            set.insert(index + 1)
          } else {
            problem("\(at).days[\(i)]", "`\(day)` is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)")
          }
        }
        hours.days = set
      }
      if let text = string(m["start"], at: "\(at).start") {
        if let minute = Self.timeOfDay(text) { hours.startMinute = minute } else { problem("\(at).start", "`\(text)` is not a time HH:MM") }
      }
      if let text = string(m["end"], at: "\(at).end") {
        // "24:00" ends the day.
        if let minute = text == "24:00" ? 1440 : Self.timeOfDay(text) {
          hours.endMinute = minute
        } else {
          problem("\(at).end", "`\(text)` is not a time HH:MM")
        }
      }
      if let text = string(m["utcOffset"], at: "\(at).utcOffset") {
        if let offset = Self.utcOffset(text) {
          hours.utcOffsetMinutes = offset
        } else {
          problem("\(at).utcOffset", "`\(text)` is not a UTC offset such as +02:00, -05:30 or Z")
        }
      }
      return hours
    }

    static func timeOfDay(_ text: String) -> Int? {
      let parts = text.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
        (0...23).contains(h), (0...59).contains(m)
      else { return nil }
      return h * 60 + m
    }

    static func utcOffset(_ text: String) -> Int? {
      if text == "Z" || text == "UTC" { return 0 }
      guard let sign = text.first, sign == "+" || sign == "-", let minutes = timeOfDay(String(text.dropFirst())),
        minutes <= 14 * 60
      else { return nil }
      return sign == "-" ? -minutes : minutes
    }

    mutating func breakGlassSettings(_ value: TrailJSON) -> BreakGlassSettings {
      let at = "breakGlass"
      var settings = BreakGlassSettings.standard
      guard let m = members(value, at: at, allowed: ["tagKey", "roleNames"]) else { return settings }
      if let key = string(m["tagKey"], at: "\(at).tagKey") {
        if !key.isEmpty, key.count <= 128, key.unicodeScalars.allSatisfy({ $0.isASCII && PatternScanner.isWordScalar($0) }) {
          settings.tagKey = key
        } else {
          problem("\(at).tagKey", "`\(key)` cannot be matched: use letters, digits, `-` and `_`")
        }
      }
      if let names = strings(m["roleNames"], at: "\(at).roleNames") {
        // IAM's role-name pattern: [\w+=,.@-]{1,64}.
        for (i, name) in names.enumerated() {
          let valid =
            (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (PatternScanner.isWordScalar($0) || "+=,.@".unicodeScalars.contains($0)) }
          if valid { settings.roleNames.append(name) } else { problem("\(at).roleNames[\(i)]", "`\(name)` is not a valid role name") }
        }
      }
      return settings
    }

    mutating func webhook(_ value: TrailJSON, at: String, environment: [String: String]) -> WebhookConfiguration? {
      let allowed = ["url", "secretEnv", "secretFile", "minimumSeverity", "maxAttempts"]
      guard let m = members(value, at: at, allowed: allowed) else { return nil }
      var url: URL?
      if let text = string(m["url"], at: "\(at).url") {
        let candidate = URL(string: text)
        let scheme = candidate?.scheme?.lowercased()
        if scheme == "http" || scheme == "https", candidate?.host?.isEmpty == false {
          url = candidate
        } else {
          problem("\(at).url", "`\(text)` is not an http or https URL")
        }
      } else if m["url"] == nil {
        problem(at, "missing `url`")
      }
      var secret: [UInt8]?
      switch (string(m["secretEnv"], at: "\(at).secretEnv"), string(m["secretFile"], at: "\(at).secretFile")) {
      case (let name?, nil):
        if let value = environment[name], !value.isEmpty {
          secret = Array(value.utf8)
        } else {
          problem("\(at).secretEnv", "environment variable `\(name)` is not set")
        }
      case (nil, let path?):
        if let data = FileManager.default.contents(atPath: path) {
          var bytes = Array(data)
          while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
          if bytes.isEmpty { problem("\(at).secretFile", "`\(path)` is empty") } else { secret = bytes }
        } else {
          problem("\(at).secretFile", "cannot read `\(path)`")
        }
      case (nil, nil):
        if m["secretEnv"] == nil && m["secretFile"] == nil {
          problem(at, "missing `secretEnv` or `secretFile`: every webhook call is signed")
        }
      case (.some, .some):
        problem(at, "give `secretEnv` or `secretFile`, not both")
      }
      let minimum = m["minimumSeverity"] == nil ? AlertSeverity.low : severity(m["minimumSeverity"], at: "\(at).minimumSeverity")
      let attempts = m["maxAttempts"] == nil ? 5 : integer(m["maxAttempts"], at: "\(at).maxAttempts", range: 1...10)
      guard let url, let secret, let minimum, let attempts else { return nil }
      return WebhookConfiguration(url: url, secret: secret, minimumSeverity: minimum, maxAttempts: attempts)
    }
  }
}
