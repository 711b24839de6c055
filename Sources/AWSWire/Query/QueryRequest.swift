/// A decoded Query request: the operation its `Action` names and its validated input.
public struct QueryRequest: Sendable, Equatable {
  /// The operation.
  public let operation: OperationModel
  /// The `Version` the request named, or the model's when it named none.
  public let version: String
  /// The input, a structure of the operation's input shape (empty for operations without
  /// input), already checked against every constraint of the shape.
  public let input: ModelValue

  /// Creates a request.
  public init(operation: OperationModel, version: String, input: ModelValue) {
    self.operation = operation
    self.version = version
    self.input = input
  }
}
