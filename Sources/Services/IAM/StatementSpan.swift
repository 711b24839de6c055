/// Where a statement sits in its policy document, as the simulation APIs report it
/// (`StartPosition` / `EndPosition` of a matched statement).
///
/// Lines and columns count from 1, columns in characters. The start is the statement's opening
/// brace; the end is the column just past its closing brace — the position a streaming JSON
/// parser reports after reading the brace, which is what IAM's published simulation results
/// show (AWS's `simulate-custom-policy` example reports a one-line policy whose statement closes
/// with the document's 166th character as ending at column 167).
struct StatementSpan: Sendable, Equatable {
  struct Position: Sendable, Equatable {
    var line: Int
    var column: Int
  }

  var start: Position
  var end: Position

  /// The span of the JSON object that begins at UTF-8 byte `offset` of `document`; `nil` when
  /// no object begins there.
  init?(document: String, offset: Int) {
    let bytes = Array(document.utf8)
    guard offset >= 0, offset < bytes.count, bytes[offset] == UInt8(ascii: "{") else { return nil }
    var line = 1
    var column = 0  // the column of the last character read
    var index = 0
    /// Reads byte `index`, keeping line and column.
    func advance() {
      let byte = bytes[index]
      index += 1
      // A line ends at `\n`, at `\r\n` (counted once), and at a lone `\r`.
      let lineBreak =
        byte == UInt8(ascii: "\n")
        || (byte == UInt8(ascii: "\r") && (index >= bytes.count || bytes[index] != UInt8(ascii: "\n")))
      if lineBreak {
        line += 1
        column = 0
      } else if byte & 0xC0 != 0x80 && byte != UInt8(ascii: "\r") {
        // UTF-8 continuation bytes belong to the character already counted.
        column += 1
      }
    }
    while index <= offset { advance() }
    let start = Position(line: line, column: column)
    var depth = 1
    var inString = false
    var escaped = false
    while index < bytes.count {
      let byte = bytes[index]
      advance()
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 {
          self.start = start
          self.end = Position(line: line, column: column + 1)
          return
        }
      default: break
      }
    }
    return nil
  }
}
