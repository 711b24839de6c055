import Foundation

/// An AWS service model as the wire layer uses it: operations, shapes and the protocol metadata,
/// decoded from the compact JSON that `scripts/generate-service-models.py` extracts from
/// botocore.
///
/// Loading checks the model whole — every shape reference resolves, every pattern compiles — so
/// the protocol code can look shapes up without handling a broken model at request time.
public struct ServiceModel: Sendable {
  /// What identifies the service and its protocol.
  public struct Metadata: Sendable, Equatable {
    /// The API version a Query request names in `Version` (`2010-05-08`).
    public let apiVersion: String
    /// The protocol name (`query`).
    public let protocolName: String
    /// The namespace of response and error XML documents (empty for JSON services).
    public let xmlNamespace: String
    /// The `X-Amz-Target` prefix of a JSON service (`AWSOrganizationsV20161128`); `nil` for Query.
    public let targetPrefix: String?
    /// The JSON protocol version (`1.1`), which is also the content type's
    /// (`application/x-amz-json-1.1`); `nil` for Query.
    public let jsonVersion: String?

    /// Creates metadata.
    public init(
      apiVersion: String, protocolName: String, xmlNamespace: String, targetPrefix: String? = nil,
      jsonVersion: String? = nil
    ) {
      self.apiVersion = apiVersion
      self.protocolName = protocolName
      self.xmlNamespace = xmlNamespace
      self.targetPrefix = targetPrefix
      self.jsonVersion = jsonVersion
    }
  }

  /// Why a model could not be loaded. A bundled model that fails to load is a packaging bug.
  public struct InvalidModel: Error, CustomStringConvertible {
    /// What is wrong, in our words.
    public let reason: String
    public var description: String { "invalid service model: \(reason)" }
  }

  /// The service's metadata.
  public let metadata: Metadata
  /// Operations by name.
  public let operations: [String: OperationModel]
  /// Shapes by name.
  public let shapes: [String: Shape]

  /// Creates a model from parts, checking that every shape reference resolves.
  public init(
    metadata: Metadata, operations: [String: OperationModel], shapes: [String: Shape]
  ) throws {
    self.metadata = metadata
    self.operations = operations
    self.shapes = shapes
    try checkReferences()
  }

  /// IAM (2010-05-08), loaded from the bundled resource on first use and kept for the process.
  public static let iam: ServiceModel = {
    do {
      return try bundled(named: "iam-model")
    } catch {
      fatalError("the bundled IAM model does not load: \(error)")
    }
  }()

  /// A model bundled with this module as `<name>.json`.
  static func bundled(named name: String) throws -> ServiceModel {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json") else {
      throw InvalidModel(reason: "no resource `\(name).json` in the AWSWire bundle")
    }
    return try ServiceModel(jsonData: Data(contentsOf: url))
  }

  /// The operation named `name`, which is also its Query `Action`.
  public func operation(named name: String) -> OperationModel? {
    operations[name]
  }

  /// The shape named `name`.
  public func shape(named name: String) -> Shape? {
    shapes[name]
  }

  /// The shape a member refers to.
  /// INVARIANT: loading checked every reference, so this never fails for a member of this model.
  public func shape(of member: ShapeMember) -> Shape {
    guard let shape = shapes[member.target] else {
      preconditionFailure("unchecked reference to shape `\(member.target)`")
    }
    return shape
  }

  /// The input shape of `operation`, when it takes parameters.
  public func inputShape(of operation: OperationModel) -> Shape? {
    operation.input.flatMap { shapes[$0] }
  }

  /// The output shape of `operation`, when its response has a result.
  public func outputShape(of operation: OperationModel) -> Shape? {
    operation.output.flatMap { shapes[$0] }
  }

  private func checkReferences() throws {
    func require(_ name: String, from place: String) throws {
      guard shapes[name] != nil else {
        throw InvalidModel(reason: "`\(place)` refers to missing shape `\(name)`")
      }
    }
    for (name, op) in operations {
      for target in [op.input, op.output].compactMap({ $0 }) + op.errors {
        try require(target, from: name)
      }
    }
    for (name, shape) in shapes {
      let references =
        shape.members + [shape.listMember, shape.mapKey, shape.mapValue].compactMap { $0 }
      for member in references {
        try require(member.target, from: "\(name).\(member.name)")
      }
      switch shape.type {
      case .list where shape.listMember == nil:
        throw InvalidModel(reason: "list `\(name)` has no member")
      case .map where shape.mapKey == nil || shape.mapValue == nil:
        throw InvalidModel(reason: "map `\(name)` lacks a key or value")
      default:
        break
      }
    }
  }
}
