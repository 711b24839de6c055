import Directory

/// AWS managed policies from the copy the directory ships, for exports that omit them.
enum BundledAWSManagedPolicies {
  static func policy(arn: String) -> IAMManagedPolicy? {
    guard let p = AWSManagedPolicies.shared.policy(arn: arn) else { return nil }
    return IAMManagedPolicy(arn: p.arn, name: p.name, document: p.document)
  }
}
