import AWSWire
import Foundation
import Testing

@Suite("SigV4 authentication of access keys")
struct SigV4AuthenticateTests {
  @Test("an access key with no secret fails with InvalidClientTokenId")
  func unknownAccessKey() throws {
    let vector = try #require(SigV4Vector.accepted.first)
    let error = captureAWSError { () throws(AWSError) in
      _ = try vector.verifier().authenticate(vector.request) { _ in nil }
    }
    #expect(error == .invalidClientTokenId())
    #expect(error?.message == "The security token included in the request is invalid.")
  }

  @Test("a known access key's request is authenticated and its authorization returned")
  func knownAccessKey() throws {
    let vector = try #require(SigV4Vector.all.first { $0.sessionToken != nil && !$0.presigned })
    var named: (String, String?)?
    let authorization = try vector.verifier().authenticate(vector.request) { authorization in
      named = (authorization.accessKeyID, authorization.securityToken)
      return vector.secretAccessKey
    }
    #expect(named?.0 == vector.accessKeyID)
    #expect(named?.1 == vector.sessionToken)
    #expect(authorization.signature == vector.signature)
  }

  /// The clock every verification in `sharedVerifierUnderLoad` reads: each task pins its own.
  enum TaskClock {
    @TaskLocal static var now = Date(timeIntervalSince1970: 0)
  }

  @Test("one verifier, its signing-key cache shared, verifies many requests at once")
  func sharedVerifierUnderLoad() async throws {
    let verifier = SigV4Verifier(now: { TaskClock.now })
    let results = await withTaskGroup(of: (String, AWSError?).self) { group in
      for round in 0..<8 {
        for vector in SigV4Vector.accepted {
          group.addTask {
            TaskClock.$now.withValue(vector.signedAt + 30) {
              // Every other round uses a wrong secret: a cached key must never leak across secrets.
              let secret =
                round.isMultiple(of: 2) ? vector.secretAccessKey : vector.secretAccessKey + "x"
              return (
                round.isMultiple(of: 2) ? "right" : "wrong",
                captureAWSError { () throws(AWSError) in
                  try verifier.check(vector.request, secret: secret)
                }
              )
            }
          }
        }
      }
      var results: [(String, AWSError?)] = []
      for await result in group { results.append(result) }
      return results
    }
    #expect(results.count == 8 * SigV4Vector.accepted.count)
    #expect(results.filter { $0.0 == "right" }.allSatisfy { $0.1 == nil })
    #expect(results.filter { $0.0 == "wrong" }.allSatisfy { $0.1?.code == "SignatureDoesNotMatch" })
  }
}
