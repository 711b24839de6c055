import AWSWire
import Foundation
import Testing

/// A request that fails to yield an authorization, and AWS's answer to it.
struct MalformedCase: Sendable, CustomTestStringConvertible {
  let label: String
  var query = ""
  let headers: [(name: String, value: String)]
  let code: String
  let message: String

  var testDescription: String { label }
}

@Suite("Reading a SigV4 authorization, with AWS's errors")
struct SigV4AuthorizationTests {
  static let credential = "AKIDEXAMPLE/20241103/us-east-1/iam/aws4_request"
  static let signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
  static let date = (name: "X-Amz-Date", value: "20241103T120000Z")
  static let host = (name: "Host", value: "iam.amazonaws.com")

  static func header(_ value: String, date: (name: String, value: String)? = Self.date) -> [(
    name: String, value: String
  )] {
    [host] + (date.map { [$0] } ?? []) + [(name: "Authorization", value: value)]
  }

  static let malformedHeaders: [MalformedCase] = {
    let good = "Credential=\(credential), SignedHeaders=host;x-amz-date, Signature=\(signature)"
    return [
      MalformedCase(
        label: "no Signature",
        headers: header("AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host;x-amz-date"),
        code: "IncompleteSignature",
        message:
          "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host;x-amz-date"
      ),
      MalformedCase(
        label: "a bearer token and no date",
        headers: header("eyJhbGciOiJIUzI1NiJ9.e30.c2ln", date: nil),
        code: "IncompleteSignature",
        message:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
      ),
      MalformedCase(
        label: "a SigV2 header", headers: header("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="),
        code: "IncompleteSignature",
        message:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="
      ),
      MalformedCase(
        label: "a space after Credential=",
        headers: header(
          "AWS4-HMAC-SHA256 Credential= \(credential), SignedHeaders=host;x-amz-date, Signature=\(signature)"
        ),
        code: "IncompleteSignature",
        message:
          "'\(credential)' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= \(credential), SignedHeaders=host;x-amz-date, Signature=\(signature)'."
      ),
      MalformedCase(
        label: "X-Amz-Date in extended format",
        headers: header(
          "AWS4-HMAC-SHA256 \(good)", date: (name: "X-Amz-Date", value: "2024-11-03T12:00:00Z")),
        code: "IncompleteSignature",
        message:
          "Date must be in ISO-8601 'basic format'. Got '2024-11-03T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"
      ),
      MalformedCase(
        label: "X-Amz-Date on a day that does not exist",
        headers: header(
          "AWS4-HMAC-SHA256 \(good)", date: (name: "X-Amz-Date", value: "20241131T120000Z")),
        code: "IncompleteSignature",
        message:
          "Date must be in ISO-8601 'basic format'. Got '20241131T120000Z'. See http://en.wikipedia.org/wiki/ISO_8601"
      ),
      MalformedCase(
        label: "a Date header that does not parse",
        headers: header("AWS4-HMAC-SHA256 \(good)", date: (name: "Date", value: "yesterday")),
        code: "IncompleteSignature",
        message:
          "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"
      ),
      MalformedCase(
        label: "host not among the signed headers",
        headers: header(
          "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=x-amz-date, Signature=\(signature)"
        ),
        code: "SignatureDoesNotMatch",
        message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
      ),
      MalformedCase(
        label: "an empty SignedHeaders",
        headers: header(
          "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=, Signature=\(signature)"),
        code: "SignatureDoesNotMatch",
        message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
      ),
      MalformedCase(
        label: "another algorithm", headers: header("AWS4-HMAC-SHA512 \(good)"),
        code: "IncompleteSignature",
        message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "
      ),
      MalformedCase(
        label: "a credential of four elements",
        headers: header(
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20241103/us-east-1/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
        ),
        code: "IncompleteSignature",
        message:
          "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20241103/us-east-1/aws4_request'"
      ),
      MalformedCase(
        label: "an access key with a slash in it",
        headers: header(
          "AWS4-HMAC-SHA256 Credential=REDA/CTED/20241103/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
        ),
        code: "IncompleteSignature",
        message:
          "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'REDA/CTED/20241103/us-east-1/iam/aws4_request'"
      ),
      MalformedCase(
        label: "a credential with the wrong terminator",
        headers: header(
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20241103/us-east-1/iam/aws5_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
        ),
        code: "SignatureDoesNotMatch",
        message:
          "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
      ),
      MalformedCase(
        label: "a credential dated another day",
        headers: header(
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20241102/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
        ),
        code: "SignatureDoesNotMatch",
        message:
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20241102' != '20241103', from '20241103T120000Z'."
      ),
      MalformedCase(
        label: "a credential with no region",
        headers: header(
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20241103//iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
        ),
        code: "SignatureDoesNotMatch",
        message: "Credential should be scoped to a valid region, not ''. "
      ),
    ]
  }()

  static let presignedPrefix =
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20241103%2Fus-east-1%2Fsts%2Faws4_request"
    + "&X-Amz-Date=20241103T120000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=\(signature)"

  static let malformedQueries: [MalformedCase] = [
    MalformedCase(
      label: "only X-Amz-Algorithm",
      query: "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256", headers: [host],
      code: "IncompleteSignature",
      message:
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."
    ),
    MalformedCase(
      label: "an empty X-Amz-Signature",
      query: presignedPrefix.replacingOccurrences(
        of: "X-Amz-Signature=\(signature)", with: "X-Amz-Signature="),
      headers: [host], code: "IncompleteSignature",
      message:
        "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."
    ),
    MalformedCase(
      label: "X-Amz-Expires not a number", query: presignedPrefix + "&X-Amz-Expires=soon",
      headers: [host],
      code: "IncompleteSignature", message: "X-Amz-Expires should be a number"
    ),
    MalformedCase(
      label: "X-Amz-Expires negative", query: presignedPrefix + "&X-Amz-Expires=-1",
      headers: [host],
      code: "IncompleteSignature", message: "X-Amz-Expires must be non-negative"
    ),
    MalformedCase(
      label: "X-Amz-Expires over a week", query: presignedPrefix + "&X-Amz-Expires=604801",
      headers: [host],
      code: "IncompleteSignature",
      message: "X-Amz-Expires must be less than a week (in seconds) that is 604800"
    ),
    MalformedCase(
      label: "host not among X-Amz-SignedHeaders",
      query: presignedPrefix.replacingOccurrences(
        of: "X-Amz-SignedHeaders=host", with: "X-Amz-SignedHeaders=x-k8s-aws-id"),
      headers: [host], code: "SignatureDoesNotMatch",
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    ),
    MalformedCase(
      label: "a presigned URL that also has an Authorization header", query: presignedPrefix,
      headers: header(
        "AWS4-HMAC-SHA256 Credential=\(credential), SignedHeaders=host;x-amz-date, Signature=\(signature)"
      ),
      code: "SignatureDoesNotMatch",
      message:
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
    ),
  ]

  static let unauthenticated: [MalformedCase] = [
    MalformedCase(
      label: "no Authorization header and no query", headers: [host, date],
      code: "MissingAuthenticationToken",
      message: "Request is missing Authentication Token"),
    MalformedCase(
      label: "a blank Authorization header", headers: header("   "),
      code: "MissingAuthenticationToken",
      message: "Request is missing Authentication Token"),
    MalformedCase(
      label: "X-Amz-Signature without X-Amz-Algorithm",
      query: "Action=ListUsers&X-Amz-Signature=\(signature)",
      headers: [host], code: "MissingAuthenticationToken",
      message: "Request is missing Authentication Token"),
  ]

  @Test(
    "a malformed or incomplete authorization is refused with AWS's message",
    arguments: malformedHeaders + malformedQueries + unauthenticated)
  func malformed(_ c: MalformedCase) {
    let request = SignedRequest(method: "GET", path: "/", query: c.query, headers: c.headers)
    let error = captureAWSError { () throws(AWSError) in
      _ = try SigV4Verifier().authorization(of: request)
    }
    #expect(error?.code == c.code)
    #expect(error?.message == c.message)
    #expect(error?.status == 403)
  }

  @Test("X-Amz-Date is read before Date when a request has both")
  func amzDateWins() throws {
    let request = SignedRequest(
      method: "GET", path: "/",
      headers: Self.header(
        "AWS4-HMAC-SHA256 Credential=\(Self.credential), SignedHeaders=host;x-amz-date, Signature=\(Self.signature)"
      )
        + [(name: "Date", value: "Mon, 04 Nov 2024 08:00:00 GMT")])
    #expect(try SigV4Verifier().authorization(of: request).timestamp == "20241103T120000Z")
  }

  @Test(
    "a Date header is read in any of the forms HTTP clients send",
    arguments: [
      "Sun, 03 Nov 2024 12:00:00 GMT", "Sun, 03 Nov 2024 12:00:00 -0000",
      "3 Nov 2024 13:30:00 +0130", "Sun, 03 Nov 2024 07:00:00 -0500",
    ])
  func dateHeaderForms(_ value: String) throws {
    let request = SignedRequest(
      method: "GET", path: "/",
      headers: Self.header(
        "AWS4-HMAC-SHA256 Credential=\(Self.credential), SignedHeaders=date;host, Signature=\(Self.signature)",
        date: (name: "Date", value: value)))
    #expect(try SigV4Verifier().authorization(of: request).timestamp == "20241103T120000Z")
  }

  @Test("a trailing slash on the credential is forgiven")
  func trailingSlash() throws {
    let request = SignedRequest(
      method: "GET", path: "/",
      headers: Self.header(
        "AWS4-HMAC-SHA256 Credential=\(Self.credential)/, SignedHeaders=host;x-amz-date, Signature=\(Self.signature)"
      ))
    let authorization = try SigV4Verifier().authorization(of: request)
    #expect(authorization.credentialScope == "20241103/us-east-1/iam/aws4_request")
  }

  @Test("a request target splits into path and raw query at the first '?'")
  func requestTarget() {
    let request = SignedRequest(method: "GET", target: "/a%20b?x=1&y=?2")
    #expect(request.path == "/a%20b")
    #expect(request.query == "x=1&y=?2")
    #expect(SignedRequest(method: "GET", target: "/").query == "")
  }
}
