extension AWSError {
  /// A Query request without an `Action` parameter (AWS's common error `MissingAction`).
  public static func missingAction() -> AWSError {
    AWSError(
      code: "MissingAction", message: "The request is missing an action or a required parameter.")
  }

  /// An `Action` the service does not have at the requested `Version`, worded for any service
  /// (`invalidAction(_:)` is IAM's, with IAM's version).
  public static func invalidAction(_ action: String, version: String) -> AWSError {
    AWSError(
      code: "InvalidAction", message: "Could not find operation \(action) for version \(version)")
  }

  /// A parameter whose text is not a value of its type (`MaxItems=ten`). AWS's common error
  /// `InvalidParameterValue`; AWS's wording is not observable, so the message is ours.
  public static func invalidParameterValue(_ message: String) -> AWSError {
    AWSError(code: "InvalidParameterValue", message: message)
  }
}
