import Foundation

/// Writes an operation's output as the XML an AWS Query service sends:
///
/// ```xml
/// <GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
///   <GetUserResult><User>…</User></GetUserResult>
///   <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>
/// </GetUserResponse>
/// ```
/// (without the whitespace). The output shape drives it: members in model order, lists as
/// `<member>` children (repeated elements when flattened), maps as `<entry><key/><value/></entry>`,
/// timestamps ISO 8601 to the second with `Z`, blobs base64. Operations without an output shape
/// have no result element.
///
/// Values the shape does not describe (a member it does not have, a list where it expects a
/// string) are left out: the shape is the contract the SDKs parse against.
public struct QueryResponseEncoder: Sendable {
  /// The service model.
  public let model: ServiceModel

  /// Each structure's members with their targets and wire names resolved, by structure name,
  /// so writing a member costs no shape lookups.
  private let plans: [String: [MemberPlan]]

  private struct MemberPlan: Sendable {
    let name: String
    let queryName: String
    let target: Shape
    let flattened: Bool
  }

  /// Creates an encoder for `model`'s operations.
  public init(model: ServiceModel) {
    self.model = model
    var plans: [String: [MemberPlan]] = [:]
    for (name, shape) in model.shapes where shape.type == .structure {
      plans[name] = shape.members.map { member in
        let target = model.shape(of: member)
        return MemberPlan(
          name: member.name, queryName: model.queryName(of: member), target: target,
          flattened: model.isFlattened(member, target))
      }
    }
    self.plans = plans
  }

  /// The response document for `operation`, with `output` as its result.
  public func encode(_ output: ModelValue?, for operation: OperationModel, requestId: String)
    -> String
  {
    var xml = XMLWriter()
    let root = "\(operation.name)Response"
    xml.open(root, namespace: model.metadata.xmlNamespace)
    if let shape = model.outputShape(of: operation) {
      let wrapper = operation.resultWrapper ?? "\(operation.name)Result"
      if case .structure(let members)? = output {
        xml.open(wrapper)
        write(members: members, of: shape, into: &xml)
        xml.close(wrapper)
      } else {
        xml.empty(wrapper)
      }
    }
    xml.open("ResponseMetadata")
    xml.element("RequestId", requestId)
    xml.close("ResponseMetadata")
    xml.close(root)
    return xml.text
  }

  private func write(members: [String: ModelValue], of shape: Shape, into xml: inout XMLWriter) {
    if let plan = plans[shape.name], plan.count == shape.members.count {
      for member in plan {
        guard let value = members[member.name] else { continue }
        write(
          value, shape: member.target, name: member.queryName, flattened: member.flattened,
          into: &xml)
      }
      return
    }
    for member in shape.members {
      guard let value = members[member.name] else { continue }
      let target = model.shape(of: member)
      write(
        value, shape: target, name: model.queryName(of: member),
        flattened: model.isFlattened(member, target), into: &xml)
    }
  }

  private func write(
    _ value: ModelValue, shape: Shape, name: String, flattened: Bool, into xml: inout XMLWriter
  ) {
    switch (shape.type, value) {
    case (.structure, .structure(let members)):
      xml.open(name)
      write(members: members, of: shape, into: &xml)
      xml.close(name)
    case (.list, .list(let elements)):
      guard let element = shape.listMember else { return }
      let elementShape = model.shape(of: element)
      if flattened {
        for item in elements {
          write(item, shape: elementShape, name: name, flattened: false, into: &xml)
        }
      } else if elements.isEmpty {
        xml.empty(name)
      } else {
        xml.open(name)
        for item in elements {
          write(item, shape: elementShape, name: element.wireName, flattened: false, into: &xml)
        }
        xml.close(name)
      }
    case (.map, .map(let entries)):
      guard let keyMember = shape.mapKey, let valueMember = shape.mapValue else { return }
      let valueShape = model.shape(of: valueMember)
      if !flattened { xml.open(name) }
      // Sorted, so the same output always reads the same.
      for key in entries.keys.sorted() {
        xml.open(flattened ? name : "entry")
        xml.element(keyMember.wireName, key)
        write(
          entries[key]!, shape: valueShape, name: valueMember.wireName, flattened: false, into: &xml
        )
        xml.close(flattened ? name : "entry")
      }
      if !flattened { xml.close(name) }
    case (.structure, _), (.list, _), (.map, _), (_, .structure), (_, .list), (_, .map):
      break
    default:
      xml.element(name, text(of: value, shape: shape))
    }
  }

  /// A scalar's text, by the value's own kind.
  private func text(of value: ModelValue, shape: Shape) -> String {
    switch value {
    case .string(let text): text
    case .integer(let number): String(number)
    case .double(let number): String(number)
    case .boolean(let flag): flag ? "true" : "false"
    case .timestamp(let date): (shape.timestampFormat ?? .iso8601).format(date)
    case .blob(let bytes): bytes.base64EncodedString()
    case .list, .map, .structure: ""
    }
  }
}
