/// Reads a segment file: a complete `{"Records":[...]}` document, or one a crash cut short, whose
/// whole lines are still records.
public enum TrailSegment {
  public struct Reading {
    public var records: [TrailJSON]
    /// Whether the file ends with the closing line.
    public var complete: Bool
  }

  public static func read(_ bytes: [UInt8]) -> Reading {
    var records: [TrailJSON] = []
    var complete = false
    var lineStart = 0
    var first = true
    func line(_ start: Int, _ end: Int) {
      defer { first = false }
      guard !first else { return }  // `{"Records":[`
      var from = start
      var end = end
      if from < end && bytes[from] == UInt8(ascii: ",") { from += 1 }
      if end > from && bytes[end - 1] == UInt8(ascii: ",") { end -= 1 }
      guard from < end else { return }
      if bytes[from] == UInt8(ascii: "]") {
        complete = true
        return
      }
      if let record = try? TrailJSON.parse(Array(bytes[from..<end])) { records.append(record) }
    }
    for i in bytes.indices where bytes[i] == UInt8(ascii: "\n") {
      line(lineStart, i)
      lineStart = i + 1
    }
    if lineStart < bytes.count { line(lineStart, bytes.count) }
    return Reading(records: records, complete: complete)
  }
}
