import PolicyEngine
import Testing

/// A JSON text and its compact rendering after parsing.
struct JSONRoundTripCase: Sendable, CustomTestStringConvertible {
  let input: String
  let rendered: String

  init(_ input: String, _ rendered: String) {
    self.input = input
    self.rendered = rendered
  }

  var testDescription: String { "`\(input)`" }
}

/// A JSON string literal and the text it decodes to.
struct JSONEscapeCase: Sendable, CustomTestStringConvertible {
  let literal: String
  let decoded: String

  init(_ literal: String, _ decoded: String) {
    self.literal = literal
    self.decoded = decoded
  }

  var testDescription: String { literal }
}

/// Bytes that are not one JSON document, with the offset where parsing must stop (when the
/// case pins it).
struct JSONRejectCase: Sendable, CustomTestStringConvertible {
  let name: String
  let bytes: [UInt8]
  let offset: Int?

  init(_ name: String, _ text: String, offset: Int? = nil) {
    self.name = name
    bytes = Array(text.utf8)
    self.offset = offset
  }

  init(_ name: String, bytes: [UInt8], offset: Int? = nil) {
    self.name = name
    self.bytes = bytes
    self.offset = offset
  }

  var testDescription: String { name }
}

/// `JSONParser`: strict RFC 8259 parsing of UTF-8 bytes that records where every value and key
/// starts, and rejects anything else with the offset where it stopped — never trapping, however
/// hostile the input.
@Suite("JSON parser")
struct JSONParserTests {
  static func parse(_ bytes: [UInt8]) -> Result<JSONNode, JSONSyntaxError> {
    do {
      return .success(try JSONParser.parse(bytes: bytes))
    } catch {
      return .failure(error)
    }
  }

  @Test(
    "valid documents parse and render compactly",
    arguments: [
      JSONRoundTripCase("{}", "{}"),
      JSONRoundTripCase(" [ ] ", "[]"),
      JSONRoundTripCase("\"a\"", "\"a\""),
      JSONRoundTripCase("0", "0"),
      JSONRoundTripCase("-0", "-0"),
      JSONRoundTripCase("123", "123"),
      JSONRoundTripCase("-12.5e-3", "-12.5e-3"),
      JSONRoundTripCase("1E+2", "1E+2"),
      JSONRoundTripCase("10", "10"),
      JSONRoundTripCase("true", "true"),
      JSONRoundTripCase("false", "false"),
      JSONRoundTripCase("null", "null"),
      JSONRoundTripCase("\t\r\n {\"a\" : [ 1 , {\"b\" : null} ] , \"c\" : \"d\" }\n", #"{"a":[1,{"b":null}],"c":"d"}"#),
      JSONRoundTripCase(#"{"a":1,"a":2}"#, #"{"a":1,"a":2}"#),
      JSONRoundTripCase(#"{"b":1,"a":2}"#, #"{"b":1,"a":2}"#),
      JSONRoundTripCase(#"[[],[[]],{},[{}]]"#, #"[[],[[]],{},[{}]]"#),
      JSONRoundTripCase(#"{"":""}"#, #"{"":""}"#),
      JSONRoundTripCase(#"["a\"b\\c\/d"]"#, #"["a\"b\\c/d"]"#),
      JSONRoundTripCase(#"["\b\f\n\r\t"]"#, #"["\u0008\u000c\n\r\t"]"#),
      JSONRoundTripCase(#""\u00e9\u65E5""#, "\"é日\""),
      JSONRoundTripCase("\"é日😀\"", "\"é日😀\""),
    ])
  func validDocuments(_ c: JSONRoundTripCase) throws {
    let node = try JSONParser.parse(c.input)
    #expect(node.value.rendered() == c.rendered)
    // The rendering is itself valid JSON that renders the same way.
    #expect(try JSONParser.parse(c.rendered).value.rendered() == c.rendered)
  }

  @Test(
    "string escapes decode, surrogate pairs included",
    arguments: [
      JSONEscapeCase(#""\"""#, "\""),
      JSONEscapeCase(#""\\""#, "\\"),
      JSONEscapeCase(#""\/""#, "/"),
      JSONEscapeCase(#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
      JSONEscapeCase(#""\u0041""#, "A"),
      JSONEscapeCase(#""a\u0062c""#, "abc"),
      JSONEscapeCase(#""\u00e9""#, "é"),
      JSONEscapeCase(#""\u00E9""#, "é"),
      JSONEscapeCase(#""\u65e5\u672c""#, "日本"),
      JSONEscapeCase(#""\u0000""#, "\u{0}"),
      JSONEscapeCase(#""\u001f""#, "\u{1F}"),
      JSONEscapeCase(#""\uffff""#, "\u{FFFF}"),
      JSONEscapeCase(#""\ud83d\ude00""#, "😀"),
      JSONEscapeCase(#""\uD834\uDD1E""#, "𝄞"),
      JSONEscapeCase(#""\udbff\udfff""#, "\u{10FFFF}"),
      JSONEscapeCase(#""\ud800\udc00""#, "\u{10000}"),
      JSONEscapeCase(#""x\ud83d\ude00y\n""#, "x😀y\n"),
      JSONEscapeCase("\"é\\n日\"", "é\n日"),
      JSONEscapeCase(#""${aws:username}""#, "${aws:username}"),
    ])
  func escapes(_ c: JSONEscapeCase) throws {
    let node = try JSONParser.parse(c.literal)
    #expect(node.string == c.decoded)
    // Rendering escapes what must be escaped; parsing the rendering gives the same text back.
    #expect(try JSONParser.parse(node.value.rendered()).string == c.decoded)
  }

  @Test("object keys decode escapes too")
  func keysDecodeEscapes() throws {
    let node = try JSONParser.parse(#"{"St\u0061tement":1,"\ud83d\ude00":2}"#)
    #expect(node.members?.map(\.key) == ["Statement", "😀"])
  }

  @Test("every value and key records the byte offset where it starts")
  func offsetsAreRecorded() throws {
    let text = #"{"a": [1, "x"],  "é" :true, "b":null}"#
    let root = try JSONParser.parse(text)
    #expect(root.offset == 0)
    let members = try #require(root.members)
    #expect(members.map(\.key) == ["a", "é", "b"])
    #expect(members.map(\.keyOffset) == [1, 17, 29])
    // "é" is two bytes, so everything after it is one byte further than its character index.
    #expect(members.map(\.node.offset) == [6, 23, 33])
    guard case .array(let items) = members[0].node.value else {
      Issue.record("`a` is not an array")
      return
    }
    #expect(items.map(\.offset) == [7, 10])
  }

  @Test("leading white space counts in offsets")
  func offsetsCountLeadingWhiteSpace() throws {
    let root = try JSONParser.parse("\n\n  {\"k\": \"v\"}")
    #expect(root.offset == 4)
    #expect(root.members?.first?.keyOffset == 5)
    #expect(root.members?.first?.node.offset == 10)
  }

  @Test(
    "malformed documents are rejected with the offset where parsing stopped",
    arguments: [
      // Structure
      JSONRejectCase("empty input", "", offset: 0),
      JSONRejectCase("white space only", "  \n", offset: 3),
      JSONRejectCase("trailing garbage after an object", #"{"a":1} x"#, offset: 8),
      JSONRejectCase("two documents", "[1] [2]", offset: 4),
      JSONRejectCase("extra closing brace", #"{"a":1}}"#, offset: 7),
      JSONRejectCase("trailing comma in an array", "[1,]", offset: 3),
      JSONRejectCase("trailing comma in an object", #"{"a":1,}"#, offset: 7),
      JSONRejectCase("missing colon", #"{"a" 1}"#, offset: 5),
      JSONRejectCase("missing value", #"{"a":}"#, offset: 5),
      JSONRejectCase("missing comma", "[1 2]", offset: 3),
      JSONRejectCase("unquoted key", "{a:1}", offset: 1),
      JSONRejectCase("single-quoted string", "{'a':1}", offset: 1),
      JSONRejectCase("unterminated array", "[1,2", offset: 4),
      JSONRejectCase("unterminated object", #"{"a":1"#, offset: 6),
      JSONRejectCase("lone closing bracket", "]", offset: 0),
      JSONRejectCase("byte-order mark", bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), offset: 0),
      // Literals and numbers
      JSONRejectCase("truncated literal", "tru", offset: 0),
      JSONRejectCase("misspelled literal", "nul1", offset: 0),
      JSONRejectCase("capitalised literal", "True", offset: 0),
      JSONRejectCase("NaN", "NaN", offset: 0),
      JSONRejectCase("Infinity", "-Infinity", offset: 1),
      JSONRejectCase("leading zero", "01", offset: 1),
      JSONRejectCase("leading plus", "+1", offset: 0),
      JSONRejectCase("bare fraction", ".5", offset: 0),
      JSONRejectCase("bare minus", "-", offset: 1),
      JSONRejectCase("empty fraction", "1.", offset: 2),
      JSONRejectCase("empty exponent", "1e", offset: 2),
      JSONRejectCase("signed empty exponent", "1e+", offset: 3),
      JSONRejectCase("hexadecimal number", "0x10", offset: 1),
      // Strings
      JSONRejectCase("unterminated string", #""abc"#),
      JSONRejectCase("unterminated string after an escape", #""a\n"#),
      JSONRejectCase("backslash at the end", #""a\"#),
      JSONRejectCase("unknown escape", #""\x""#, offset: 3),
      JSONRejectCase("escaped single quote", #""\'""#, offset: 3),
      JSONRejectCase("short \\u escape", #""\u12""#),
      JSONRejectCase("\\u escape at the end", #""\u12"#),
      JSONRejectCase("non-hex \\u escape", #""\u12G4""#),
      JSONRejectCase("\\U is not an escape", #""\U0041""#),
      JSONRejectCase("lone high surrogate", #""\ud800""#),
      JSONRejectCase("high surrogate then text", #""\ud800x""#),
      JSONRejectCase("high surrogate then a non-surrogate escape", #""\ud800\u0041""#),
      JSONRejectCase("high surrogate then another high surrogate", #""\ud800\ud800""#),
      JSONRejectCase("high surrogate then another escape", #""\ud800\n""#),
      JSONRejectCase("high surrogate at the end", #""\ud83d"#),
      JSONRejectCase("lone low surrogate", #""\udc00""#),
      JSONRejectCase("low surrogate first", #""\ude00\ud83d""#),
      JSONRejectCase("raw newline in a string", "\"a\nb\"", offset: 2),
      JSONRejectCase("raw tab in a string", "\"a\tb\"", offset: 2),
      JSONRejectCase("raw NUL in a string", bytes: [0x22, 0x61, 0x00, 0x22], offset: 2),
      JSONRejectCase("raw control character after an escape", bytes: Array(#""\n"#.utf8) + [0x01, 0x22], offset: 3),
      JSONRejectCase("invalid UTF-8 in a string", bytes: [0x22, 0xFF, 0x22]),
      JSONRejectCase("truncated UTF-8 sequence in a string", bytes: [0x22, 0xC3, 0x22]),
      JSONRejectCase("encoded surrogate in a string", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]),
      JSONRejectCase("overlong encoding in a string", bytes: [0x22, 0xC0, 0xAF, 0x22]),
      JSONRejectCase("invalid UTF-8 after an escape", bytes: Array(#""\n"#.utf8) + [0xFF, 0x22]),
      JSONRejectCase("invalid UTF-8 in a key", bytes: Array("{\"".utf8) + [0xFE] + Array("\":1}".utf8)),
      JSONRejectCase("non-ASCII byte outside a string", bytes: [0xC3, 0xA9]),
    ])
  func rejects(_ c: JSONRejectCase) {
    switch Self.parse(c.bytes) {
    case .success(let node):
      Issue.record("accepted as \(node.value.rendered())")
    case .failure(let error):
      #expect(!error.reason.isEmpty)
      #expect((0...c.bytes.count).contains(error.offset))
      if let offset = c.offset {
        #expect(error.offset == offset, "\(error.reason)")
      }
    }
  }

  @Test("nesting up to maximumDepth is accepted", arguments: ["[]", "{\"k\":}"])
  func nestingAtTheLimit(_ shape: String) throws {
    let depth = JSONParser.maximumDepth
    let text = Self.nested(shape, depth: depth, innermost: "1")
    #expect(try JSONParser.parse(text).value.rendered() == text)
  }

  @Test("nesting one level beyond maximumDepth is rejected", arguments: ["[]", "{\"k\":}"])
  func nestingBeyondTheLimit(_ shape: String) {
    let text = Self.nested(shape, depth: JSONParser.maximumDepth + 1, innermost: "1")
    guard case .failure(let error) = Self.parse(Array(text.utf8)) else {
      Issue.record("accepted nesting deeper than the limit")
      return
    }
    #expect(error.reason.contains("deep"))
  }

  @Test("hostile nesting is rejected without exhausting the stack")
  func hostileNesting() {
    for text in [
      String(repeating: "[", count: 200_000),
      String(repeating: "{\"a\":", count: 100_000),
      String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
      String(repeating: "[{\"a\":", count: 50_000),
    ] {
      guard case .failure(let error) = Self.parse(Array(text.utf8)) else {
        Issue.record("accepted hostile nesting")
        continue
      }
      #expect(error.offset <= JSONParser.maximumDepth * 5)
    }
  }

  @Test("mixed arrays and objects count toward the same depth")
  func mixedNestingDepth() {
    let half = JSONParser.maximumDepth / 2
    let ok = String(repeating: "[{\"a\":", count: half) + "0" + String(repeating: "}]", count: half)
    #expect((try? JSONParser.parse(ok)) != nil)
    let tooDeep = "[" + ok + "]"
    #expect((try? JSONParser.parse(tooDeep)) == nil)
  }

  @Test("every proper prefix of a document is rejected, without trapping")
  func everyPrefixIsRejected() {
    let text = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*"],"Resource":"arn:aws:s3:::b/\u00e9\ud83d\ude00","Condition":{"NumericLessThan":{"s3:max-keys":-1.5e+2}}},true,false,null]}"#
    let bytes = Array(text.utf8)
    #expect((try? JSONParser.parse(bytes: bytes)) != nil)
    for count in 0..<bytes.count {
      if case .success = Self.parse(Array(bytes[..<count])) {
        // No proper prefix of an object is a whole document.
        Issue.record("prefix of \(count) bytes accepted")
      }
    }
  }

  /// `shape` wrapped around itself `depth` times with `innermost` at the centre.
  static func nested(_ shape: String, depth: Int, innermost: String) -> String {
    let open = String(shape.dropLast())
    let close = String(shape.last!)
    return String(repeating: open, count: depth) + innermost + String(repeating: close, count: depth)
  }
}
