import AWSWire
import Crypto
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Services
import Testing
import _CryptoExtras

/// An OpenID Connect issuer for tests: an RSA and a P-256 signing key, their JWKS, and ID tokens
/// signed with either.
struct TestIssuer: Sendable {
  static let shared = TestIssuer()

  let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
  let ec = P256.Signing.PrivateKey()

  static func b64(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// `{"keys": [RSA "rsa-1", EC "ec-1"]}`.
  var jwks: JSONWebKeySet {
    let primitives = try! rsa.publicKey.getKeyPrimitives()
    let point = ec.publicKey.x963Representation.dropFirst()
    let json = """
      {"keys":[{"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","n":"\(Self.b64(primitives.modulus))","e":"\(Self.b64(primitives.publicExponent))"},
      {"kty":"EC","kid":"ec-1","crv":"P-256","x":"\(Self.b64(Data(point.prefix(32))))","y":"\(Self.b64(Data(point.suffix(32))))"}]}
      """
    return JSONWebKeySet(json: Data(json.utf8))!
  }

  /// A token with `claims`, signed with `alg` (`RS256`, `ES256`) and naming `kid`.
  func token(_ claims: [String: Any], alg: String = "RS256", kid: String? = nil) -> String {
    var header: [String: Any] = ["alg": alg, "typ": "JWT"]
    header["kid"] = kid ?? (alg == "ES256" ? "ec-1" : "rsa-1")
    let input = Self.b64(try! JSONSerialization.data(withJSONObject: header)) + "."
      + Self.b64(try! JSONSerialization.data(withJSONObject: claims))
    let signature: Data
    switch alg {
    case "ES256": signature = try! ec.signature(for: Data(input.utf8)).rawRepresentation
    case "RS256":
      signature = try! rsa.signature(for: SHA256.hash(data: Data(input.utf8)), padding: .insecurePKCS1v1_5).rawRepresentation
    default: signature = Data()
    }
    return input + "." + Self.b64(signature)
  }
}

/// `AssumeRoleWithWebIdentity`: the ID token is verified against the provider registered for its
/// issuer (signature, audience, times), then the role's trust policy decides with the token's
/// claims as condition keys.
@Suite("STS AssumeRoleWithWebIdentity")
struct WebIdentityTests {
  typealias A = IAMTestAccount
  static let host = "idp.example.com/tenant"
  static let providerARN = "arn:aws:iam::123456789012:oidc-provider/idp.example.com/tenant"
  static let roleARN = "arn:aws:iam::123456789012:role/Web"
  static let issuer = TestIssuer.shared
  static let now = A.now.timeIntervalSince1970

  /// The account with provider `https://idp.example.com/tenant` (client id `app-1`), its keys in
  /// place, and role Web trusting it as `trust` says.
  struct Setup {
    let account: STSTestAccount
    let sts: STSService

    init(
      trust: String = WebIdentityTests.trust(), keys: [String: JSONWebKeySet]? = nil, signingKeys: OIDCSigningKeys? = nil
    ) throws {
      account = try STSTestAccount()
      sts = STSService(
        directory: account.iamAccount.directory, authorizer: account.iamAccount.iam.authorizer, keyRing: account.ring,
        now: { A.now },
        oidcKeys: signingKeys ?? OIDCSigningKeys(keySets: keys ?? [WebIdentityTests.host: WebIdentityTests.issuer.jwks]))
      try account.iam(
        "CreateOpenIDConnectProvider",
        ["Url": "https://idp.example.com/tenant", "ClientIDList": .list(["app-1", "app-2"])])
      try account.createRole("Web", trust: trust)
    }

    func assume(_ token: String, _ extra: [String: ModelValue] = [:]) throws(AWSError) -> ModelValue {
      var input: [String: ModelValue] = [
        "RoleArn": .string(WebIdentityTests.roleARN), "RoleSessionName": "web-1", "WebIdentityToken": .string(token),
      ]
      for (k, v) in extra { input[k] = v }
      return try sts.handle("AssumeRoleWithWebIdentity", input: .structure(input), caller: WebIdentityTests.anonymous)
    }

    func error(_ token: String) -> AWSError? {
      do {
        _ = try assume(token)
        return nil
      } catch { return error }
    }
  }

  static let anonymous = Caller(
    accountID: "", principal: .anonymous, userName: nil, userID: "", accessKeyID: "", sourceIP: "192.0.2.10",
    secureTransport: true, region: "us-east-1", time: A.now)

  static func trust(_ federated: String = providerARN, condition: String? = nil) -> String {
    let condition = condition.map { #","Condition":\#($0)"# } ?? ""
    return
      #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\#(federated)"},"Action":"sts:AssumeRoleWithWebIdentity"\#(condition)}]}"#
  }

  static func claims(_ overrides: [String: Any] = [:]) -> [String: Any] {
    var c: [String: Any] = [
      "iss": "https://idp.example.com/tenant", "sub": "user-42", "aud": "app-1", "iat": now - 60, "exp": now + 600,
    ]
    for (k, v) in overrides { c[k] = v }
    return c
  }

  static let notValidJWT = AWSError(
    code: "InvalidIdentityToken",
    message: "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)")
  static let noKey = AWSError(
    code: "InvalidIdentityToken",
    message:
      "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
  )
  static let denied = AWSError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity")

  @Test("an RS256 token: a role session with the token's subject, audience and issuer")
  func rs256() throws {
    let setup = try Setup()
    let output = try setup.assume(Self.issuer.token(Self.claims()))
    #expect(output.string(at: "AssumedRoleUser", "Arn") == "arn:aws:sts::123456789012:assumed-role/Web/web-1")
    #expect(output.string(at: "SubjectFromWebIdentityToken") == "user-42")
    #expect(output.string(at: "Audience") == "app-1")
    #expect(output.string(at: "Provider") == "https://idp.example.com/tenant")
    #expect(output.string(at: "Credentials", "AccessKeyId")?.hasPrefix("ASIA") == true)
    let session = try setup.account.sessionCaller(output)
    #expect(session.arn == "arn:aws:sts::123456789012:assumed-role/Web/web-1")
    #expect(session.isRoleSession)
    #expect(session.session?.federatedProvider == Self.providerARN)
  }

  @Test("an ES256 token is accepted as well")
  func es256() throws {
    let setup = try Setup()
    let output = try setup.assume(Self.issuer.token(Self.claims(), alg: "ES256"))
    #expect(output.string(at: "AssumedRoleUser", "Arn") == "arn:aws:sts::123456789012:assumed-role/Web/web-1")
  }

  @Test("a token whose claims were altered after signing is refused")
  func badSignature() throws {
    let setup = try Setup()
    let parts = Self.issuer.token(Self.claims()).split(separator: ".").map(String.init)
    let forged = TestIssuer.b64(try JSONSerialization.data(withJSONObject: Self.claims(["sub": "admin"])))
    let error = setup.error([parts[0], forged, parts[2]].joined(separator: "."))
    #expect(error?.code == "InvalidIdentityToken")
    // An ES256 signature checked against another key fails too.
    let es = Self.issuer.token(Self.claims(), alg: "ES256").split(separator: ".").map(String.init)
    #expect(setup.error([es[0], forged, es[2]].joined(separator: "."))?.code == "InvalidIdentityToken")
  }

  @Test("a token for a client id the provider does not list: Incorrect token audience")
  func wrongAudience() throws {
    let setup = try Setup()
    #expect(setup.error(Self.issuer.token(Self.claims(["aud": "someone-else"]))) == AWSError(
      code: "InvalidIdentityToken", message: "Incorrect token audience"))
    // One of several audiences suffices.
    #expect(setup.error(Self.issuer.token(Self.claims(["aud": ["other", "app-2"]]))) == nil)
  }

  @Test("a token from an issuer with no provider in the role's account is refused")
  func wrongIssuer() throws {
    let setup = try Setup()
    let error = setup.error(Self.issuer.token(Self.claims(["iss": "https://evil.example.com"])))
    #expect(error == AWSError(
      code: "InvalidIdentityToken", message: "No OpenIDConnect provider found in your account for https://evil.example.com"))
  }

  @Test("an expired token: ExpiredTokenException, with five minutes of clock skew allowed")
  func expired() throws {
    let setup = try Setup()
    let expiry = Int(Self.now) - 301
    let error = setup.error(Self.issuer.token(Self.claims(["exp": expiry])))
    #expect(error == AWSError(
      code: "ExpiredTokenException",
      message: "Token expired: current date/time \(Int(Self.now)) must be before the expiration date/time\(expiry)"))
    #expect(setup.error(Self.issuer.token(Self.claims(["exp": Self.now - 200]))) == nil)
  }

  @Test("a token not valid yet (nbf, iat in the future beyond the skew) is refused")
  func notYetValid() throws {
    let setup = try Setup()
    #expect(setup.error(Self.issuer.token(Self.claims(["nbf": Self.now + 900, "exp": Self.now + 1800])))?.code == "InvalidIdentityToken")
    #expect(setup.error(Self.issuer.token(Self.claims(["iat": Self.now + 900, "exp": Self.now + 1800])))?.code == "InvalidIdentityToken")
  }

  @Test("a token naming a key the provider's set does not hold, or with no keys in place, is refused")
  func unknownKey() throws {
    let setup = try Setup()
    #expect(setup.error(Self.issuer.token(Self.claims(), kid: "rotated-away")) == Self.noKey)
    let keyless = try Setup(keys: [:])
    #expect(keyless.error(Self.issuer.token(Self.claims())) == Self.noKey)
  }

  @Test("unsigned (alg none) and malformed tokens are refused")
  func malformed() throws {
    let setup = try Setup()
    #expect(setup.error(Self.issuer.token(Self.claims(), alg: "none"))?.code == "InvalidIdentityToken")
    #expect(setup.error("not-a-jwt") == Self.notValidJWT)
  }

  /// One row: a trust policy condition on the token's claims; whether the role may be assumed.
  struct TrustCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let trust: String
    var claims: [String: String] = [:]
    let allowed: Bool
  }

  static let trustCases = [
    TrustCase(testDescription: "trust names the provider, no condition: allowed", trust: trust(), allowed: true),
    TrustCase(
      testDescription: "trust names another provider: denied",
      trust: trust("arn:aws:iam::123456789012:oidc-provider/other.example.com"), allowed: false),
    TrustCase(
      testDescription: "HOST/PATH:sub matches: allowed",
      trust: trust(condition: #"{"StringEquals":{"idp.example.com/tenant:sub":"user-42"}}"#), allowed: true),
    TrustCase(
      testDescription: "HOST/PATH:sub differs: denied",
      trust: trust(condition: #"{"StringEquals":{"idp.example.com/tenant:sub":"user-7"}}"#), allowed: false),
    TrustCase(
      testDescription: "HOST/PATH:aud matches the token's client id: allowed",
      trust: trust(condition: #"{"StringEquals":{"idp.example.com/tenant:aud":"app-1"}}"#), allowed: true),
    TrustCase(
      testDescription: "HOST/PATH:aud requires another client id: denied",
      trust: trust(condition: #"{"StringEquals":{"idp.example.com/tenant:aud":"app-2"}}"#), allowed: false),
    TrustCase(
      testDescription: "HOST/PATH:aud is azp when present, and the aud claim becomes :oaud",
      trust: trust(
        condition: #"{"StringEquals":{"idp.example.com/tenant:aud":"app-2","idp.example.com/tenant:oaud":"api"}}"#),
      claims: ["azp": "app-2", "aud": "api"], allowed: true),
    TrustCase(
      testDescription: "aws:FederatedProvider is the provider's ARN",
      trust: trust(condition: #"{"StringEquals":{"aws:FederatedProvider":"\#(providerARN)"}}"#), allowed: true),
    TrustCase(
      testDescription: "sts:RoleSessionName is the session name",
      trust: trust(condition: #"{"StringEquals":{"sts:RoleSessionName":"other"}}"#), allowed: false),
    TrustCase(
      testDescription: "trust allows sts:AssumeRole only (not the web identity action): denied",
      trust: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\#(providerARN)"},"Action":"sts:AssumeRole"}]}"#,
      allowed: false),
  ]

  @Test("the trust policy decides with the token's claims as condition keys", arguments: trustCases)
  func trustConditions(_ row: TrustCase) throws {
    let setup = try Setup(trust: row.trust)
    var claims = Self.claims()
    for (k, v) in row.claims { claims[k] = v }
    #expect(setup.error(Self.issuer.token(claims)) == (row.allowed ? nil : Self.denied))
  }

  @Test("the session has the role's permissions within the session policy")
  func sessionPermissions() throws {
    let setup = try Setup()
    try setup.account.putPolicy(role: "Web", A.allow("iam:ListUsers", "iam:ListRoles"))
    let output = try setup.assume(
      Self.issuer.token(Self.claims()), ["Policy": .string(A.allow("iam:ListUsers"))])
    let session = try setup.account.sessionCaller(output)
    let iam = setup.account.iamAccount
    #expect(throws: Never.self) { try iam.call("ListUsers", as: session) }
    #expect((try? iam.call("ListRoles", as: session)) == nil)
  }

  @Test("a missing role is refused like an untrusting one; DurationSeconds is bounded by the role")
  func roleAndDuration() throws {
    let setup = try Setup()
    let token = Self.issuer.token(Self.claims())
    var error: AWSError?
    do { _ = try setup.assume(token, ["RoleArn": "arn:aws:iam::123456789012:role/Nope"]) } catch let e { error = e }
    #expect(error == Self.denied)
    error = nil
    do { _ = try setup.assume(token, ["DurationSeconds": 7200]) } catch let e { error = e }
    #expect(error == .validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."))
  }
}

extension WebIdentityTests {
  @Test("a token over 20,000 characters is refused before it is parsed")
  func tooLarge() throws {
    let setup = try Setup()
    #expect(setup.error(String(repeating: "a", count: 20_001))?.code == "ValidationError")
  }
}

/// Where the server finds a provider's keys: `DIR/HOST/PATH/jwks.json`, DIR being
/// `PORTCULLIS_OIDC_JWKS_DIR` or `DATA_DIR/oidc-keys`; a changed file is read again.
@Suite("OIDC signing keys on disk")
struct OIDCSigningKeysTests {
  typealias W = WebIdentityTests

  @Test("the directory: PORTCULLIS_OIDC_JWKS_DIR, else oidc-keys in the data directory, else none")
  func directory() {
    #expect(OIDCSigningKeys.directory(dataDirectory: "/data", environment: [:]) == "/data/oidc-keys")
    #expect(OIDCSigningKeys.directory(dataDirectory: "/data", environment: ["PORTCULLIS_OIDC_JWKS_DIR": "/keys"]) == "/keys")
    #expect(OIDCSigningKeys.directory(dataDirectory: nil, environment: [:]) == nil)
  }

  @Test("DIR/HOST/PATH/jwks.json is read, and read again when it changes (key rotation)")
  func fileLayout() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oidc-keys-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("idp.example.com/tenant/jwks.json")
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    let keys = OIDCSigningKeys(directory: dir.path)
    let setup = try W.Setup(signingKeys: keys)
    let token = W.issuer.token(W.claims())
    #expect(setup.error(token) == W.noKey)  // no file yet

    let other = TestIssuer()
    let otherJWKS = """
      {"keys":[{"kty":"EC","kid":"rsa-1","crv":"P-256","x":"\(TestIssuer.b64(Data(other.ec.publicKey.x963Representation.dropFirst().prefix(32))))","y":"\(TestIssuer.b64(Data(other.ec.publicKey.x963Representation.suffix(32))))"}]}
      """
    try Data(otherJWKS.utf8).write(to: file)
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: file.path)
    #expect(setup.error(token) == W.noKey)  // the file names no RSA key rsa-1

    let primitives = try W.issuer.rsa.publicKey.getKeyPrimitives()
    let rsaJWKS = #"{"keys":[{"kty":"RSA","kid":"rsa-1","n":"\#(TestIssuer.b64(primitives.modulus))","e":"\#(TestIssuer.b64(primitives.publicExponent))"}]}"#
    try Data(rsaJWKS.utf8).write(to: file)
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 2_000)], ofItemAtPath: file.path)
    #expect(setup.error(token) == nil)
    #expect(keys.keySet(for: "idp.example.com/../etc") == nil)
  }
}
