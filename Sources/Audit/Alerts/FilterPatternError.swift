/// Why a metric-filter pattern was rejected, and where: the offset counts Unicode scalars from
/// the start of the pattern (0-based), so an editor or the rules-file validator can point at it.
public struct FilterPatternError: Error, Sendable, Equatable, CustomStringConvertible {
  /// 0-based offset into the pattern text.
  public var offset: Int
  public var reason: String

  public init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  /// `column 14: expected an operator after `$.eventName``: columns are 1-based for people.
  public var description: String { "column \(offset + 1): \(reason)" }
}
