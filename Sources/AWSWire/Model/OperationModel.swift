/// One operation of a service model: its input and output shapes and the errors it declares.
public struct OperationModel: Sendable, Equatable {
  /// The operation's name, which is also the Query `Action` (`ListUsers`).
  public let name: String
  /// The input shape's name; `nil` for operations that take no parameters.
  public let input: String?
  /// The output shape's name; `nil` for operations whose response carries only metadata.
  public let output: String?
  /// The element wrapping the output in a Query response (`ListUsersResult`).
  public let resultWrapper: String?
  /// The error shapes the operation declares, in model order.
  public let errors: [String]

  /// Creates an operation.
  public init(
    name: String, input: String? = nil, output: String? = nil, resultWrapper: String? = nil,
    errors: [String] = []
  ) {
    self.name = name
    self.input = input
    self.output = output
    self.resultWrapper = resultWrapper
    self.errors = errors
  }
}
