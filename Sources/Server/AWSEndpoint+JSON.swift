import AWSWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Services

/// The AWS JSON 1.1 side of the endpoint: a request with `X-Amz-Target` names its operation
/// there (`AWSOrganizationsV20161128.ListAccounts`), carries its input as a JSON body, and gets
/// a JSON response or a `{"__type": …}` error. SigV4 and authorization are the same as for
/// Query requests; the signing name picks the service.
extension AWSEndpoint {
  static let targetField = HTTPField.Name("X-Amz-Target")!
  static let organizationsDecoder = JSONRequestDecoder(model: .organizations)
  static let organizationsEncoder = JSONResponseEncoder(model: .organizations)
  static let cloudtrailDecoder = JSONRequestDecoder(model: .cloudtrail)
  static let cloudtrailEncoder = JSONResponseEncoder(model: .cloudtrail)

  /// Whether `request` speaks a JSON protocol.
  static func isJSON(_ request: Request) -> Bool {
    request.headers[targetField] != nil
  }

  /// Decodes, runs and encodes a JSON request; returns the body and the operation's name.
  func handleJSON(
    target: String, body: [UInt8], caller: Caller, service: String, record: inout RequestRecord
  ) throws(AWSError) -> String {
    if service == "cloudtrail", let cloudtrail {
      let decoded = try Self.cloudtrailDecoder.decode(target: target, body: body)
      record.operation = decoded.operation.name
      record.input = decoded.input
      let output = try cloudtrail.handle(decoded.operation.name, input: decoded.input, caller: caller)
      return Self.cloudtrailEncoder.encode(output, for: decoded.operation)
    }
    guard service == "organizations", let organizations else { throw .unknownOperation() }
    let decoded: JSONRequest
    do {
      decoded = try Self.organizationsDecoder.decode(target: target, body: body)
    } catch where error.code == "ValidationException" {
      // Organizations reports failed constraints as its own `InvalidInputException`.
      throw AWSError(code: "InvalidInputException", message: error.message).with(fields: ["Reason": "INVALID_PATTERN"])
    }
    record.operation = decoded.operation.name
    record.input = decoded.input
    let output = try organizations.handle(decoded.operation.name, input: decoded.input, caller: caller)
    record.output = output
    return Self.organizationsEncoder.encode(output, for: decoded.operation)
  }

  static func jsonResponse(_ json: String, status: HTTPResponse.Status, requestID: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/x-amz-json-1.1"
    headers[Self.requestIDField] = requestID
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
  }
}
