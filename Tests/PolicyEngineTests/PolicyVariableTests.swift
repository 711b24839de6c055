import PolicyEngine
import Testing

/// One policy with a variable (in `Resource` or a condition), one request, and the decision.
struct VariableCase: Sendable, CustomTestStringConvertible {
  let name: String
  /// The `Version` element; `nil` leaves it out.
  var version: String? = "2012-10-17"
  /// The statement's `Resource`.
  var resource: String = "*"
  /// The statement's `Condition` block as JSON, if any.
  var condition: String? = nil
  var principal: String = VariableCase.alice
  let requestResource: String
  var context: [String: ContextValue] = [:]
  let expect: Decision.Outcome

  static let alice = "arn:aws:iam::111122223333:user/alice"
  static let session = "arn:aws:sts::111122223333:assumed-role/Admin/s1"

  var testDescription: String { name }

  /// The identity policy: Allow every action on `resource` under `condition`.
  var policyJSON: String {
    var statement = #"{"Effect":"Allow","Action":"*","Resource":\#(JSONValue.string(resource).rendered())"#
    if let condition { statement += #","Condition":\#(condition)"# }
    statement += "}"
    let versionMember = version.map { #""Version":\#(JSONValue.string($0).rendered()),"# } ?? ""
    return #"{\#(versionMember)"Statement":[\#(statement)]}"#
  }
}

/// Policy variables: `${key}` substitution in `Resource` (after the fifth colon only) and in
/// string and ARN condition values, defaults with `'…'` quoting, the literal escapes `${*}`,
/// `${?}` and `${$}`, malformed `${` left as text, and no substitution at all before
/// Version 2012-10-17.
@Suite("Policy variables")
struct PolicyVariableTests {
  static let bucket = "arn:aws:s3:::bucket"

  static func decide(_ c: VariableCase) throws -> Decision.Outcome {
    let policy = try Policy(json: c.policyJSON, kind: .managed, name: "variables")
    let request = AuthorizationRequest(
      principal: RequestPrincipal(c.principal), action: "s3:GetObject", resource: c.requestResource,
      context: RequestContext(c.context))
    let compiled = CompiledPolicySet(PolicySet(identity: [policy]))
    let decision = compiled.decide(request)
    #expect(compiled.explain(request).decision == decision)
    return decision.outcome
  }

  @Test(
    "variables in Resource",
    arguments: [
      VariableCase(
        name: "${aws:username} resolves to the user's name", resource: "\(bucket)/${aws:username}/*",
        requestResource: "\(bucket)/alice/a.txt", expect: .allow),
      VariableCase(
        name: "${aws:username} does not match another user's folder", resource: "\(bucket)/${aws:username}/*",
        requestResource: "\(bucket)/bob/a.txt", expect: .implicitDeny),
      VariableCase(
        name: "${aws:username} is the name without the user's path", resource: "\(bucket)/${aws:username}/*",
        principal: "arn:aws:iam::111122223333:user/division/alice", requestResource: "\(bucket)/alice/a.txt",
        expect: .allow),
      VariableCase(
        name: "variable key names are case-insensitive", resource: "\(bucket)/${AWS:UserName}/*",
        requestResource: "\(bucket)/alice/a.txt", expect: .allow),
      VariableCase(
        name: "a session has no aws:username, so the Resource matches nothing",
        resource: "\(bucket)/${aws:username}/*", principal: VariableCase.session,
        requestResource: "\(bucket)/alice/a.txt", expect: .implicitDeny),
      VariableCase(
        name: "an unresolved variable is not kept as literal text", resource: "\(bucket)/${aws:username}/*",
        principal: VariableCase.session, requestResource: "\(bucket)/${aws:username}/a.txt", expect: .implicitDeny),
      VariableCase(
        name: "an unresolved variable is not replaced by the empty string", resource: "\(bucket)/${aws:username}/*",
        principal: VariableCase.session, requestResource: "\(bucket)//a.txt", expect: .implicitDeny),
      VariableCase(
        name: "a * after a variable is still a wildcard", resource: "\(bucket)/${aws:username}-*",
        requestResource: "\(bucket)/alice-2024", expect: .allow),
      VariableCase(
        name: "several variables in one ARN all resolve",
        resource: "\(bucket)/${aws:PrincipalTag/team}/${aws:username}/*",
        requestResource: "\(bucket)/red/alice/a.txt", context: ["aws:PrincipalTag/team": .single("red")],
        expect: .allow),
      VariableCase(
        name: "a variable's value is literal: a * in it is not a wildcard",
        resource: "\(bucket)/${aws:PrincipalTag/team}/x", requestResource: "\(bucket)/red/x",
        context: ["aws:PrincipalTag/team": .single("*")], expect: .implicitDeny),
      VariableCase(
        name: "a variable's value is literal: a * in it matches a literal *",
        resource: "\(bucket)/${aws:PrincipalTag/team}/x", requestResource: "\(bucket)/*/x",
        context: ["aws:PrincipalTag/team": .single("*")], expect: .allow),
      VariableCase(
        name: "a variable's value is literal: a ? in it is not a wildcard",
        resource: "\(bucket)/${aws:PrincipalTag/team}/x", requestResource: "\(bucket)/a/x",
        context: ["aws:PrincipalTag/team": .single("?")], expect: .implicitDeny),
      VariableCase(
        name: "a multivalued key without a default matches nothing",
        resource: "\(bucket)/${aws:PrincipalTag/team}/*", requestResource: "\(bucket)/a/x",
        context: ["aws:PrincipalTag/team": .multiple(["a", "b"])], expect: .implicitDeny),
      VariableCase(
        name: "a variable before the fifth colon is literal text",
        resource: "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:queue",
        requestResource: "arn:aws:sqs:us-east-1:111122223333:queue",
        expect: .implicitDeny),
      VariableCase(
        name: "a variable before the fifth colon matches itself literally",
        resource: "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:queue",
        requestResource: "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:queue", expect: .allow),
    ])
  func resourceVariables(_ c: VariableCase) throws {
    #expect(try Self.decide(c) == c.expect)
  }

  @Test(
    "defaults stand in for a missing key, with '' for a quote",
    arguments: [
      VariableCase(
        name: "the default is used when the key is missing",
        resource: "\(bucket)/${aws:PrincipalTag/team, 'nobody'}/*", requestResource: "\(bucket)/nobody/x",
        expect: .allow),
      VariableCase(
        name: "the default is not used when the key is present",
        resource: "\(bucket)/${aws:PrincipalTag/team, 'nobody'}/*", requestResource: "\(bucket)/nobody/x",
        context: ["aws:PrincipalTag/team": .single("red")], expect: .implicitDeny),
      VariableCase(
        name: "the key's value wins over the default",
        resource: "\(bucket)/${aws:PrincipalTag/team, 'nobody'}/*", requestResource: "\(bucket)/red/x",
        context: ["aws:PrincipalTag/team": .single("red")], expect: .allow),
      VariableCase(
        name: "the default for a session without a user name",
        resource: "\(bucket)/${aws:username, 'nobody'}/*", principal: VariableCase.session,
        requestResource: "\(bucket)/nobody/x", expect: .allow),
      VariableCase(
        name: "no space is needed after the comma", resource: "\(bucket)/${aws:PrincipalTag/team,'nobody'}/*",
        requestResource: "\(bucket)/nobody/x", expect: .allow),
      VariableCase(
        name: "'' inside a default is one quote", resource: "\(bucket)/${aws:PrincipalTag/team, 'o''brien'}/*",
        requestResource: "\(bucket)/o'brien/x", expect: .allow),
      VariableCase(
        name: "'' inside a default is not two quotes", resource: "\(bucket)/${aws:PrincipalTag/team, 'o''brien'}/*",
        requestResource: "\(bucket)/o''brien/x", expect: .implicitDeny),
      VariableCase(
        name: "an empty default is the empty string", resource: "\(bucket)/${aws:PrincipalTag/team, ''}/*",
        requestResource: "\(bucket)//x", expect: .allow),
      VariableCase(
        name: "a } inside a quoted default is part of it", resource: "\(bucket)/${aws:PrincipalTag/team, 'a}b'}/*",
        requestResource: "\(bucket)/a}b/x", expect: .allow),
      VariableCase(
        name: "a * inside a default is literal", resource: "\(bucket)/${aws:PrincipalTag/team, '*'}/x",
        requestResource: "\(bucket)/red/x", expect: .implicitDeny),
      VariableCase(
        name: "a * inside a default matches a literal *", resource: "\(bucket)/${aws:PrincipalTag/team, '*'}/x",
        requestResource: "\(bucket)/*/x", expect: .allow),
    ])
  func defaults(_ c: VariableCase) throws {
    #expect(try Self.decide(c) == c.expect)
  }

  @Test(
    "${*}, ${?} and ${$} stand for the literal character",
    arguments: [
      VariableCase(name: "${*} matches a literal *", resource: "\(bucket)/${*}", requestResource: "\(bucket)/*", expect: .allow),
      VariableCase(
        name: "${*} is not a wildcard", resource: "\(bucket)/${*}", requestResource: "\(bucket)/anything",
        expect: .implicitDeny),
      VariableCase(name: "${?} matches a literal ?", resource: "\(bucket)/${?}", requestResource: "\(bucket)/?", expect: .allow),
      VariableCase(
        name: "${?} is not a wildcard", resource: "\(bucket)/${?}", requestResource: "\(bucket)/a", expect: .implicitDeny),
      VariableCase(name: "${$} matches a literal $", resource: "\(bucket)/${$}", requestResource: "\(bucket)/$", expect: .allow),
      VariableCase(
        name: "${$} lets a policy spell a literal ${", resource: "\(bucket)/${$}{x}", requestResource: "\(bucket)/${x}",
        expect: .allow),
      VariableCase(
        name: "${*} next to a real wildcard", resource: "\(bucket)/${*}*", requestResource: "\(bucket)/*suffix",
        expect: .allow),
      VariableCase(
        name: "${*} next to a real wildcard still needs the literal *", resource: "\(bucket)/${*}*",
        requestResource: "\(bucket)/suffix", expect: .implicitDeny),
    ])
  func literalEscapes(_ c: VariableCase) throws {
    #expect(try Self.decide(c) == c.expect)
  }

  @Test(
    "a malformed ${ is literal text",
    arguments: [
      VariableCase(
        name: "unterminated ${ matches itself", resource: "\(bucket)/${aws:username",
        requestResource: "\(bucket)/${aws:username", expect: .allow),
      VariableCase(
        name: "unterminated ${ is not substituted", resource: "\(bucket)/${aws:username",
        requestResource: "\(bucket)/alice", expect: .implicitDeny),
      VariableCase(name: "empty ${} matches itself", resource: "\(bucket)/${}", requestResource: "\(bucket)/${}", expect: .allow),
      VariableCase(
        name: "an unterminated default quote leaves the text literal", resource: "\(bucket)/${aws:username, 'x}",
        requestResource: "\(bucket)/${aws:username, 'x}", expect: .allow),
      VariableCase(
        name: "a default without quotes leaves the text literal", resource: "\(bucket)/${aws:username, x}",
        requestResource: "\(bucket)/x", expect: .implicitDeny),
      VariableCase(
        name: "a lone $ is ordinary text", resource: "\(bucket)/$aws:username", requestResource: "\(bucket)/$aws:username",
        expect: .allow),
      VariableCase(
        name: "text after an unterminated ${ keeps its wildcards", resource: "\(bucket)/${x/*",
        requestResource: "\(bucket)/${x/anything", expect: .allow),
      VariableCase(
        name: "a well-formed variable after a malformed one still resolves", resource: "\(bucket)/${}/${aws:username}",
        requestResource: "\(bucket)/${}/alice", expect: .allow),
    ])
  func malformedVariables(_ c: VariableCase) throws {
    #expect(try Self.decide(c) == c.expect)
  }

  @Test(
    "variables in condition values",
    arguments: [
      VariableCase(
        name: "StringEquals substitutes", condition: #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#,
        requestResource: "\(bucket)/x", context: ["s3:prefix": .single("home/alice/")], expect: .allow),
      VariableCase(
        name: "StringEquals compares with the substituted value",
        condition: #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#, requestResource: "\(bucket)/x",
        context: ["s3:prefix": .single("home/bob/")], expect: .implicitDeny),
      VariableCase(
        name: "StringEquals with a missing variable matches nothing",
        condition: #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#, principal: VariableCase.session,
        requestResource: "\(bucket)/x", context: ["s3:prefix": .single("home/${aws:username}/")],
        expect: .implicitDeny),
      VariableCase(
        name: "StringEquals with a default", condition: #"{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'none'}"}}"#,
        requestResource: "\(bucket)/x", context: ["s3:prefix": .single("none")], expect: .allow),
      VariableCase(
        name: "StringLike keeps the policy's wildcards", condition: #"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#,
        requestResource: "\(bucket)/x", context: ["s3:prefix": .single("home/alice/docs/a.txt")], expect: .allow),
      VariableCase(
        name: "StringLike with ${*} wants a literal *", condition: #"{"StringLike":{"s3:prefix":"home/${*}"}}"#,
        requestResource: "\(bucket)/x", context: ["s3:prefix": .single("home/*")], expect: .allow),
      VariableCase(
        name: "StringLike with ${*} is not a wildcard", condition: #"{"StringLike":{"s3:prefix":"home/${*}"}}"#,
        requestResource: "\(bucket)/x", context: ["s3:prefix": .single("home/x")], expect: .implicitDeny),
      VariableCase(
        name: "StringLike treats a substituted * literally",
        condition: #"{"StringLike":{"s3:prefix":"home/${aws:PrincipalTag/team}"}}"#, requestResource: "\(bucket)/x",
        context: ["s3:prefix": .single("home/x"), "aws:PrincipalTag/team": .single("*")], expect: .implicitDeny),
      VariableCase(
        name: "StringEqualsIgnoreCase substitutes and ignores case",
        condition: #"{"StringEqualsIgnoreCase":{"s3:prefix":"${aws:username}"}}"#, requestResource: "\(bucket)/x",
        context: ["s3:prefix": .single("ALICE")], expect: .allow),
      VariableCase(
        name: "StringNotEquals with a missing variable holds",
        condition: #"{"StringNotEquals":{"s3:prefix":"${aws:username}"}}"#, principal: VariableCase.session,
        requestResource: "\(bucket)/x", context: ["s3:prefix": .single("anything")], expect: .allow),
      VariableCase(
        name: "ArnLike substitutes before the fifth colon, unlike Resource",
        condition: #"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:user/*"}}"#,
        requestResource: "\(bucket)/x", expect: .allow),
      VariableCase(
        name: "ArnEquals compares with the substituted ARN",
        condition: #"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/${aws:username}"}}"#,
        requestResource: "\(bucket)/x", expect: .allow),
      VariableCase(
        name: "NumericEquals does not substitute",
        condition: #"{"NumericEquals":{"s3:max-keys":"${aws:PrincipalTag/n}"}}"#, requestResource: "\(bucket)/x",
        context: ["s3:max-keys": .single("10"), "aws:PrincipalTag/n": .single("10")], expect: .implicitDeny),
      VariableCase(
        name: "a condition variable is resolved while the Resource stays literal",
        resource: "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:queue",
        condition: #"{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}"#,
        requestResource: "arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:queue", expect: .allow),
    ])
  func conditionVariables(_ c: VariableCase) throws {
    #expect(try Self.decide(c) == c.expect)
  }

  @Test(
    "before Version 2012-10-17 ${...} is literal text",
    arguments: [
      VariableCase(
        name: "2008-10-17: Resource variable is not substituted", version: "2008-10-17",
        resource: "\(bucket)/${aws:username}/*", requestResource: "\(bucket)/alice/a.txt", expect: .implicitDeny),
      VariableCase(
        name: "2008-10-17: Resource variable matches itself", version: "2008-10-17",
        resource: "\(bucket)/${aws:username}/*", requestResource: "\(bucket)/${aws:username}/a.txt", expect: .allow),
      VariableCase(
        name: "no Version: Resource variable is not substituted", version: nil,
        resource: "\(bucket)/${aws:username}/*", requestResource: "\(bucket)/alice/a.txt", expect: .implicitDeny),
      VariableCase(
        name: "no Version: Resource variable matches itself", version: nil,
        resource: "\(bucket)/${aws:username}/*", requestResource: "\(bucket)/${aws:username}/a.txt", expect: .allow),
      VariableCase(
        name: "2008-10-17: the * in ${*} is an ordinary wildcard", version: "2008-10-17", resource: "\(bucket)/${*}",
        requestResource: "\(bucket)/${anything}", expect: .allow),
      VariableCase(
        name: "2008-10-17: ${*} does not stand for *", version: "2008-10-17", resource: "\(bucket)/${*}",
        requestResource: "\(bucket)/*", expect: .implicitDeny),
      VariableCase(
        name: "2008-10-17: a default is literal text", version: "2008-10-17",
        resource: "\(bucket)/${aws:PrincipalTag/team, 'nobody'}/*", requestResource: "\(bucket)/nobody/x",
        expect: .implicitDeny),
      VariableCase(
        name: "2008-10-17: condition variable is not substituted", version: "2008-10-17",
        condition: #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#, requestResource: "\(bucket)/x",
        context: ["s3:prefix": .single("home/alice/")], expect: .implicitDeny),
      VariableCase(
        name: "2008-10-17: condition variable is compared as written", version: "2008-10-17",
        condition: #"{"StringEquals":{"s3:prefix":"home/${aws:username}/"}}"#, requestResource: "\(bucket)/x",
        context: ["s3:prefix": .single("home/${aws:username}/")], expect: .allow),
    ])
  func legacyVersionIsLiteral(_ c: VariableCase) throws {
    #expect(try Self.decide(c) == c.expect)
  }
}
