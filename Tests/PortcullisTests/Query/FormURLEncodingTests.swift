import AWSWire
import Testing

/// `FormURLEncoding`: Query parameters from a POST body or a query string.
@Suite("Form URL encoding")
struct FormURLEncodingTests {
  func pairs(_ text: String) -> [[String]] {
    FormURLEncoding.decode(text).map { [$0.0, $0.1] }
  }

  @Test("pairs decode in order, with percent escapes and + as space")
  func decoding() {
    #expect(
      pairs("Action=ListUsers&PathPrefix=%2Fa+b%2F&Marker=x%3Dy%26z")
        == [["Action", "ListUsers"], ["PathPrefix", "/a b/"], ["Marker", "x=y&z"]])
  }

  @Test("percent escapes decode as UTF-8, and %2B is a literal plus")
  func utf8() {
    #expect(pairs("UserName=Jos%C3%A9&Key=a%2Bb") == [["UserName", "José"], ["Key", "a+b"]])
  }

  @Test("malformed input is read leniently")
  func lenient() {
    #expect(pairs("a=%zz&b=%4&c&&d==e") == [["a", "%zz"], ["b", "%4"], ["c", ""], ["d", "=e"]])
    #expect(pairs("") == [])
    #expect(pairs("x=%FF") == [["x", "\u{FFFD}"]])
  }

  @Test("encoding escapes all but RFC 3986's unreserved characters and decodes back")
  func roundTrip() {
    let original = [("Path", "/a b/"), ("Value", "R&D = 100% ✓"), ("Plain", "A-z_0.9~")]
    let encoded = FormURLEncoding.encode(original)
    #expect(encoded == "Path=%2Fa%20b%2F&Value=R%26D%20%3D%20100%25%20%E2%9C%93&Plain=A-z_0.9~")
    #expect(FormURLEncoding.decode(encoded).map { [$0.0, $0.1] } == original.map { [$0.0, $0.1] })
  }
}
