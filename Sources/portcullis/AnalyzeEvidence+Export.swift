import AWSWire
import Foundation
import PolicyEngine
import Services

/// The evidence pack's configuration files, produced by the IAM service's own handlers and
/// written as the AWS CLI prints their output: members in the model's order, timestamps in
/// ISO 8601 with an offset, policy documents decoded from their URL encoding into JSON, every
/// page of a paginated call merged into one object.
enum LiveExport {
  /// `aws iam get-account-authorization-details` for `caller`'s account.
  static func authorizationDetails(_ iam: IAMService, _ caller: Caller) throws -> String {
    let lists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]
    var merged: [String: [ModelValue]] = [:]
    var marker: String?
    repeat {
      var input: [String: ModelValue] = ["MaxItems": .integer(1000)]
      if let marker { input["Marker"] = .string(marker) }
      let page = try iam.handle("GetAccountAuthorizationDetails", input: .structure(input), caller: caller)
      for list in lists { merged[list, default: []] += page[member: list]?.listValue ?? [] }
      marker = page[member: "IsTruncated"]?.booleanValue == true ? page[member: "Marker"]?.stringValue : nil
    } while marker != nil
    return try render(.structure(merged.mapValues { .list($0) }), outputOf: "GetAccountAuthorizationDetails")
  }

  /// `aws iam get-account-password-policy`, or the error IAM answers (`NoSuchEntity` when the
  /// account has none).
  static func passwordPolicy(_ iam: IAMService, _ caller: Caller) -> Result<String, AWSError> {
    do {
      let output = try iam.handle("GetAccountPasswordPolicy", input: .structure([:]), caller: caller)
      return .success(try render(output, outputOf: "GetAccountPasswordPolicy"))
    } catch let error as AWSError {
      return .failure(error)
    } catch {
      return .failure(.serviceFailure())
    }
  }

  /// The credential report as CSV: the file itself, or the CSV inside the CLI's JSON
  /// (`get-credential-report`, base64 `Content`).
  static func credentialReportCSV(_ data: Data) -> Data {
    if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let content = object["Content"] as? String, let decoded = Data(base64Encoded: content)
    {
      return decoded
    }
    return data
  }

  /// `output` of `operation` as CLI JSON (4-space indent, like `aws --output json`).
  static func render(_ output: ModelValue, outputOf operation: String) throws -> String {
    let model = ServiceModel.iam
    guard let op = model.operation(named: operation), let shape = model.outputShape(of: op) else {
      throw EvidenceError("the IAM model has no output for `\(operation)`")
    }
    var out = ""
    CLIJSONWriter(model: model).write(output, shape: shape, indent: 0, into: &out)
    return out + "\n"
  }
}

/// Writes model values the way the AWS CLI prints a response.
private struct CLIJSONWriter {
  let model: ServiceModel

  func write(_ value: ModelValue, shape: Shape, indent: Int, into out: inout String) {
    let pad = String(repeating: " ", count: indent + 4)
    let close = String(repeating: " ", count: indent)
    switch (shape.type, value) {
    case (.structure, .structure(let members)):
      let present = shape.members.filter { members[$0.name] != nil }
      if present.isEmpty { out += "{}"; return }
      out += "{\n"
      for (i, member) in present.enumerated() {
        out += pad
        JSONValue.renderString(member.name, into: &out)
        out += ": "
        write(members[member.name]!, shape: model.shape(of: member), indent: indent + 4, into: &out)
        out += i == present.count - 1 ? "\n" : ",\n"
      }
      out += close + "}"
    case (.list, .list(let items)):
      guard let element = shape.listMember.map(model.shape(of:)), !items.isEmpty else { out += "[]"; return }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        write(item, shape: element, indent: indent + 4, into: &out)
        out += i == items.count - 1 ? "\n" : ",\n"
      }
      out += close + "]"
    case (.map, .map(let entries)):
      guard let valueShape = shape.mapValue.map(model.shape(of:)), !entries.isEmpty else { out += "{}"; return }
      out += "{\n"
      for (i, key) in entries.keys.sorted().enumerated() {
        out += pad
        JSONValue.renderString(key, into: &out)
        out += ": "
        write(entries[key]!, shape: valueShape, indent: indent + 4, into: &out)
        out += i == entries.count - 1 ? "\n" : ",\n"
      }
      out += close + "}"
    case (_, .string(let text)):
      // botocore decodes IAM's URL-encoded policy documents into JSON before printing.
      if shape.name == "policyDocumentType", let decoded = text.removingPercentEncoding,
        let node = try? JSONParser.parse(decoded)
      {
        writeDocument(node.value, indent: indent, into: &out)
      } else {
        JSONValue.renderString(text, into: &out)
      }
    case (_, .integer(let number)): out += String(number)
    case (_, .double(let number)): out += String(number)
    case (_, .boolean(let flag)): out += flag ? "true" : "false"
    case (_, .timestamp(let date)): JSONValue.renderString(Self.timestamp(date), into: &out)
    case (_, .blob(let data)): JSONValue.renderString(data.base64EncodedString(), into: &out)
    default: out += "null"
    }
  }

  /// A policy document, members in the order written.
  private func writeDocument(_ value: JSONValue, indent: Int, into out: inout String) {
    let pad = String(repeating: " ", count: indent + 4)
    let close = String(repeating: " ", count: indent)
    switch value {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let n): out += n
    case .string(let s): JSONValue.renderString(s, into: &out)
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += pad
        writeDocument(item.value, indent: indent + 4, into: &out)
        out += i == items.count - 1 ? "\n" : ",\n"
      }
      out += close + "]"
    case .object(let members):
      if members.isEmpty { out += "{}"; return }
      out += "{\n"
      for (i, member) in members.enumerated() {
        out += pad
        JSONValue.renderString(member.key, into: &out)
        out += ": "
        writeDocument(member.node.value, indent: indent + 4, into: &out)
        out += i == members.count - 1 ? "\n" : ",\n"
      }
      out += close + "}"
    }
  }

  /// `2026-01-31T12:00:00+00:00`, as the CLI prints IAM's timestamps.
  static func timestamp(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+00:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
  }
}
