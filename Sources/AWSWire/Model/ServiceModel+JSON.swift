import Foundation

extension ServiceModel {
  /// Decodes the JSON written by `scripts/generate-service-models.py`.
  ///
  /// Throws `DecodingError` for malformed JSON and `InvalidModel` for a model that decodes but
  /// does not hold together (an unknown shape type, a pattern ICU rejects, a dangling reference).
  public init(jsonData: Data) throws {
    let raw = try JSONDecoder().decode(RawModel.self, from: jsonData)
    var shapes: [String: Shape] = [:]
    for (name, rawShape) in raw.shapes {
      shapes[name] = try rawShape.shape(named: name)
    }
    let operations = Dictionary(
      uniqueKeysWithValues: raw.operations.map { name, op in
        (
          name,
          OperationModel(
            name: name, input: op.input, output: op.output, resultWrapper: op.resultWrapper,
            errors: op.errors ?? [])
        )
      })
    try self.init(
      metadata: Metadata(
        apiVersion: raw.metadata.apiVersion, protocolName: raw.metadata.protocol,
        xmlNamespace: raw.metadata.xmlNamespace ?? "", targetPrefix: raw.metadata.targetPrefix,
        jsonVersion: raw.metadata.jsonVersion),
      operations: operations, shapes: shapes)
  }
}

/// The generated JSON, field for field. Kept private: the public types are shaped for the
/// protocol code, not for the file.
private struct RawModel: Decodable {
  struct Metadata: Decodable {
    var apiVersion: String
    var `protocol`: String
    var xmlNamespace: String?
    var targetPrefix: String?
    var jsonVersion: String?
  }

  struct Operation: Decodable {
    var input: String?
    var output: String?
    var resultWrapper: String?
    var errors: [String]?
  }

  struct Reference: Decodable {
    var shape: String
    var locationName: String?
    var flattened: Bool?

    func member(_ name: String, required: Bool = false) -> ShapeMember {
      ShapeMember(
        name: name, target: shape, locationName: locationName, isFlattened: flattened ?? false,
        isRequired: required)
    }
  }

  struct ErrorTrait: Decodable {
    var code: String
    var httpStatusCode: Int?
    var senderFault: Bool?
  }

  struct RawShape: Decodable {
    var type: String
    var members: [String: Reference]?
    var memberOrder: [String]?
    var required: [String]?
    var min: Int64?
    var max: Int64?
    var pattern: String?
    var `enum`: [String]?
    var member: Reference?
    var key: Reference?
    var value: Reference?
    var flattened: Bool?
    var timestampFormat: String?
    var sensitive: Bool?
    var error: ErrorTrait?

    func shape(named name: String) throws -> Shape {
      guard let type = ShapeType(rawValue: type) else {
        throw ServiceModel.InvalidModel(reason: "shape `\(name)` has unknown type `\(self.type)`")
      }
      let required = Set(required ?? [])
      let members = members ?? [:]
      // JSON objects are unordered; the generator records the model's order beside them.
      let order = memberOrder ?? members.keys.sorted()
      guard Set(order) == Set(members.keys), order.count == members.count else {
        throw ServiceModel.InvalidModel(
          reason: "shape `\(name)` has a memberOrder that disagrees with its members")
      }
      if let missing = required.subtracting(members.keys).first {
        throw ServiceModel.InvalidModel(
          reason: "shape `\(name)` requires unknown member `\(missing)`")
      }
      var format: TimestampFormat?
      if let timestampFormat {
        guard let parsed = TimestampFormat(rawValue: timestampFormat) else {
          throw ServiceModel.InvalidModel(
            reason: "shape `\(name)` has unknown timestampFormat `\(timestampFormat)`")
        }
        format = parsed
      }
      let compiled: ShapePattern?
      do {
        compiled = try pattern.map(ShapePattern.init)
      } catch {
        throw ServiceModel.InvalidModel(
          reason: "shape `\(name)` has pattern `\(pattern ?? "")` that does not compile: \(error)")
      }
      return Shape(
        name: name, type: type,
        members: order.map { members[$0]!.member($0, required: required.contains($0)) },
        listMember: member?.member("member"), mapKey: key?.member("key"),
        mapValue: value?.member("value"), min: min, max: max, pattern: compiled,
        enumValues: self.enum, isFlattened: flattened ?? false, timestampFormat: format,
        isSensitive: sensitive ?? false,
        error: error.map {
          Shape.ErrorTrait(
            code: $0.code, httpStatusCode: $0.httpStatusCode ?? 400,
            isSenderFault: $0.senderFault ?? false)
        })
    }
  }

  var metadata: Metadata
  var operations: [String: Operation]
  var shapes: [String: RawShape]
}
