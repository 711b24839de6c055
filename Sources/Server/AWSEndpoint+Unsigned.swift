import AWSWire
import Directory
import Foundation
import Hummingbird
import PolicyEngine
import Services

/// Unsigned requests: `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML` carry no SigV4
/// signature (botocore's model marks them `"authtype": "none"`, and SDKs send them without
/// credentials); the token or assertion in the request is the credential. These operations,
/// and no others, are served without a signature; anything else unsigned goes on to SigV4
/// verification and is refused there.
extension AWSEndpoint {
  /// The response to an unsigned request for one of `STSService.unsignedOperations`; `nil` when
  /// the request is signed or names another operation.
  func unsignedSTSRequest(
    _ request: Request, signed: SignedRequest, body: [UInt8], context: PortcullisRequestContext, requestID: String,
    record: inout RequestRecord
  ) throws(AWSError) -> String? {
    if signed.headers.contains(where: { $0.name.lowercased() == "authorization" }) { return nil }
    var parameters = FormURLEncoding.decode(String(decoding: signed.query.utf8, as: UTF8.self))
    if parameters.contains(where: { $0.0.hasPrefix("X-Amz-") }) { return nil }
    if request.method == .post { parameters += FormURLEncoding.decode(bytes: body) }
    guard let action = parameters.first(where: { $0.0 == "Action" })?.1,
      STSService.unsignedOperations.contains(action)
    else { return nil }
    let caller = Caller(
      accountID: "", principal: .anonymous, userName: nil, userID: "", accessKeyID: "",
      sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1", secureTransport: false, region: "us-east-1",
      time: Date(), userAgent: request.headers[.userAgent])
    record.service = "sts"
    let decoded = try stsDecoder.decode(parameters)
    record.operation = decoded.operation.name
    record.input = decoded.input
    let output = try sts.handle(decoded.operation.name, input: decoded.input, caller: caller)
    record.output = output
    return stsEncoder.encode(output, for: decoded.operation, requestId: requestID)
  }
}
