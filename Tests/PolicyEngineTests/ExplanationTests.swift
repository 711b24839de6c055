import PolicyEngine
import Testing

/// `explain` reports the same decision as `decide`, down to the deciding statement.
@Suite("Explanations agree with decisions")
struct ExplanationTests {
  @Test("the first matching Deny of a resource policy decides, however its principal matched")
  func firstDenyDecidesInBothModes() throws {
    // Statement 0 names the caller's account, statement 1 the caller itself: both deny.
    let resource = try Policy(
      json: """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"},
          {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "s3:GetObject", "Resource": "*"}]}
        """, kind: .resource, name: "resource")
    let set = CompiledPolicySet(PolicySet(resource: resource))
    let request = AuthorizationRequest(
      principal: RequestPrincipal("arn:aws:iam::111122223333:user/alice"), action: "s3:GetObject",
      resource: "arn:aws:s3:::bucket/key")
    let decision = set.decide(request)
    #expect(decision.outcome == .explicitDeny)
    #expect(decision.statement?.statementIndex == 0)
    #expect(set.explain(request).decision == decision)
  }
}
