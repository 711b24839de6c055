import AWSWire

extension SigV4Verifier {
  /// Reads `request`'s authorization and verifies it with `secret`: what a server does once it
  /// has looked the access key up.
  func check(_ request: SignedRequest, secret: String) throws(AWSError) {
    let authorization = try authorization(of: request)
    try verify(request, authorization, secretAccessKey: secret)
  }
}
