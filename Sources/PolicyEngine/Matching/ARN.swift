/// An Amazon Resource Name split into its six parts. The resource part keeps any further colons.
public struct ARN: Sendable, Equatable, CustomStringConvertible {
  /// `aws`, `aws-cn`, `aws-us-gov`...
  public var partition: Substring
  /// The service namespace, e.g. `iam`, `s3`.
  public var service: Substring
  /// The region; empty for global services.
  public var region: Substring
  /// The 12-digit account id; empty for S3 buckets and AWS managed policies (`aws`).
  public var account: Substring
  /// Everything after the fifth colon.
  public var resource: Substring

  /// Splits `text`; `nil` unless it starts with `arn:` and has at least five colons.
  public init?(_ text: String) {
    self.init(Substring(text))
  }

  /// Splits `text`; `nil` unless it starts with `arn:` and has at least five colons.
  public init?(_ text: Substring) {
    guard text.hasPrefix("arn:") else { return nil }
    var parts: [Substring] = []
    parts.reserveCapacity(6)
    var start = text.startIndex
    var i = text.startIndex
    while i < text.endIndex, parts.count < 5 {
      if text[i] == ":" {
        parts.append(text[start..<i])
        start = text.index(after: i)
      }
      i = text.index(after: i)
    }
    guard parts.count == 5 else { return nil }
    partition = parts[1]
    service = parts[2]
    region = parts[3]
    account = parts[4]
    resource = text[start...]
  }

  public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }
}
