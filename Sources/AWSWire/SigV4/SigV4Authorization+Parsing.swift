import Foundation

// Reading a SigV4 authorization out of a request, with AWS's checks in AWS's order: which kind of
// authorization, its required parts, the date, `host` among the signed headers, the algorithm,
// and the credential scope. The clock and the signature are checked later, by the verifier.
extension SigV4Authorization {
  /// Reads the authorization of `request`; see `SigV4Verifier.authorization(of:)`.
  init(parsing request: SignedRequest) throws(AWSError) {
    let query = SigV4QueryParameters(request.query)
    let header = request.headerValue("Authorization").flatMap {
      // A first byte that is printable ASCII other than space settles it without grapheme
      // breaking the whole header.
      if let first = $0.utf8.first, first > 0x20, first < 0x7F { return $0 }
      return $0.allSatisfy(\.isWhitespace) ? nil : $0
    }
    switch (header, query.contains("X-Amz-Algorithm")) {
    case (.some, true): throw .bothAuthorizationKinds
    case (let header?, false): try self.init(header: header, request: request)
    case (nil, true): try self.init(presigned: query, request: request)
    case (nil, false): throw .missingAuthenticationToken()
    }
  }

  /// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
  private init(header: String, request: SignedRequest) throws(AWSError) {
    // AWS splits on commas and spaces alike, so `Credential=a,SignedHeaders=b` and
    // `Credential=a SignedHeaders=b` both parse; the first token is the algorithm.
    // Only the three parameters SigV4 defines are kept (the last of each wins, as a dictionary
    // of every pair would have it); every token must still be a pair.
    let asciiTokens = SigV4ASCII.split(header) {
      $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t")
    }
    let tokens =
      asciiTokens ?? header.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
    let algorithm = tokens.first.map(String.init) ?? ""
    var parameters = AuthorizationParameters()
    for token in tokens.dropFirst() {
      let equals =
        asciiTokens != nil
        ? token.utf8.firstIndex(of: UInt8(ascii: "=")) : token.firstIndex(of: "=")
      guard let equals else {
        throw .incompleteSignature(
          "'\(token)' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'."
        )
      }
      parameters.set(
        token[..<equals], to: token[token.index(after: equals)...], ascii: asciiTokens != nil)
    }

    let amzDate = request.headerValue("X-Amz-Date")
    let httpDate = request.headerValue("Date")
    var missing = ""
    for name in ["Credential", "Signature"] where (parameters[name] ?? "").isEmpty {
      missing += "Authorization header requires '\(name)' parameter. "
    }
    // An empty SignedHeaders is well-formed here; it fails the `host` check below instead.
    if parameters["SignedHeaders"] == nil {
      missing += "Authorization header requires 'SignedHeaders' parameter. "
    }
    if amzDate == nil && httpDate == nil {
      missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
    }
    guard missing.isEmpty else { throw .incompleteSignature(missing + "Authorization=\(header)") }

    // X-Amz-Date wins when both are present: botocore sends only one, and AWS reads X-Amz-Date.
    let requestTime: Date
    if let amzDate {
      guard let parsed = SigV4Timestamp.parseBasic(amzDate) else { throw .malformedDate(amzDate) }
      requestTime = parsed
    } else {
      let httpDate = httpDate ?? ""
      guard let parsed = SigV4Timestamp.parseHTTPDate(httpDate) else {
        throw .malformedDate(httpDate)
      }
      requestTime = parsed
    }

    try self.init(
      algorithm: algorithm, credential: parameters["Credential"] ?? "",
      signedHeaders: parameters["SignedHeaders"] ?? "", signature: parameters["Signature"] ?? "",
      requestTime: requestTime, securityToken: request.headerValue("X-Amz-Security-Token"),
      isPresigned: false, expires: nil, request: request)
  }

  /// `?X-Amz-Algorithm=…&X-Amz-Credential=…&X-Amz-Date=…&X-Amz-Expires=…&X-Amz-SignedHeaders=…
  /// &X-Amz-Signature=…`.
  private init(presigned query: SigV4QueryParameters, request: SignedRequest) throws(AWSError) {
    var missing = ""
    for name in [
      "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date",
    ]
    where (query.value(name) ?? "").isEmpty {
      missing += "AWS query-string parameters must include '\(name)'. "
    }
    guard missing.isEmpty else {
      throw .incompleteSignature(missing + "Re-examine the query-string parameters.")
    }

    let amzDate = query.value("X-Amz-Date") ?? ""
    guard let requestTime = SigV4Timestamp.parseBasic(amzDate) else {
      throw .malformedDate(amzDate)
    }

    // S3's limits: a presigned URL lives at most a week, because a signing key is only good
    // for seven days of credential-scope dates.
    var expires: Int?
    if let text = query.value("X-Amz-Expires") {
      guard let seconds = Int(text) else {
        throw .incompleteSignature("X-Amz-Expires should be a number")
      }
      guard seconds >= 0 else { throw .incompleteSignature("X-Amz-Expires must be non-negative") }
      guard seconds <= 604_800 else {
        throw .incompleteSignature(
          "X-Amz-Expires must be less than a week (in seconds) that is 604800")
      }
      expires = seconds
    }

    try self.init(
      algorithm: query.value("X-Amz-Algorithm") ?? "",
      credential: query.value("X-Amz-Credential") ?? "",
      signedHeaders: query.value("X-Amz-SignedHeaders") ?? "",
      signature: query.value("X-Amz-Signature") ?? "",
      requestTime: requestTime,
      securityToken: query.value("X-Amz-Security-Token")
        ?? request.headerValue("X-Amz-Security-Token"),
      isPresigned: true, expires: expires, request: request)
  }

  /// The checks both kinds share, once the parts are found.
  private init(
    algorithm: String, credential: String, signedHeaders: String, signature: String,
    requestTime: Date,
    securityToken: String?, isPresigned: Bool, expires: Int?, request: SignedRequest
  ) throws(AWSError) {
    let headerNames =
      SigV4ASCII.split(signedHeaders, isSeparator: { $0 == UInt8(ascii: ";") })?.map {
        SigV4ASCII.lowercased($0)!
      } ?? signedHeaders.split(separator: ";").map { $0.lowercased() }
    guard headerNames.contains("host") || headerNames.contains(":authority") else {
      throw .hostNotSigned
    }
    guard algorithm == SigV4Authorization.algorithm else { throw .unsupportedAlgorithm(algorithm) }

    // Trailing slashes are forgiven, as AWS forgives them; an empty element is not dropped, so
    // `AKID//us-east-1/iam/aws4_request` is still five elements, one of them wrong.
    let scope: [String]
    if SigV4ASCII.isASCII(credential) {
      var end = credential.utf8.endIndex
      while end != credential.utf8.startIndex,
        credential.utf8[credential.utf8.index(before: end)] == UInt8(ascii: "/")
      {
        end = credential.utf8.index(before: end)
      }
      let trimmed = String(credential[..<end])
      scope = SigV4ASCII.split(trimmed, omittingEmptySubsequences: false) {
        $0 == UInt8(ascii: "/")
      }!.map(String.init)
    } else {
      var trimmed = Substring(credential)
      while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
      scope = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }
    guard scope.count == 5 else { throw .malformedCredential(credential) }

    let timestamp = SigV4Timestamp.formatBasic(requestTime)
    var problems = ""
    if scope[2].isEmpty {
      problems += "Credential should be scoped to a valid region, not ''. "
    }
    if scope[4] != "aws4_request" {
      problems +=
        "Credential should be scoped with a valid terminator: 'aws4_request', not '\(scope[4])'. "
    }
    if scope[1] != String(timestamp.prefix(8)) {
      problems +=
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(scope[1])' != '\(timestamp.prefix(8))', from '\(timestamp)'."
    }
    guard problems.isEmpty else { throw .signatureDoesNotMatch(problems) }

    // The declared payload hash replaces the body's own in the canonical request, exactly when
    // botocore lets it: a header on any request, and the implied UNSIGNED-PAYLOAD of S3 presigning.
    var contentSHA256 = request.headerValue("X-Amz-Content-Sha256")
    if contentSHA256 == nil && isPresigned && SigV4CanonicalRequest.isS3(scope[3]) {
      contentSHA256 = SigV4Authorization.unsignedPayload
    }

    self.init(
      accessKeyID: scope[0], date: scope[1], requestTime: requestTime, region: scope[2],
      service: scope[3],
      signedHeaders: headerNames, signature: signature, securityToken: securityToken,
      isPresigned: isPresigned,
      expires: expires, contentSHA256: contentSHA256)
  }
}

/// The parameters of an `Authorization` header that SigV4 reads, by name.
private struct AuthorizationParameters {
  static let names = ["Credential", "SignedHeaders", "Signature"]
  private var values: [String?] = [nil, nil, nil]

  /// Records `key=value`; names other than SigV4's are ignored. Names compare as `String`s do
  /// (canonical equivalence), which for ASCII is byte equality.
  mutating func set(_ key: Substring, to value: Substring, ascii: Bool) {
    for (i, name) in Self.names.enumerated() {
      if ascii ? key.utf8.elementsEqual(name.utf8) : key == name {
        values[i] = String(value)
        return
      }
    }
  }

  subscript(name: String) -> String? {
    Self.names.firstIndex(of: name).flatMap { values[$0] }
  }
}
