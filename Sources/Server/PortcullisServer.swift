import AWSWire
import Audit
import Directory
import Foundation
import HashTreeCollections
import Hummingbird
import Logging
import PolicyEngine
import Prometheus
import Services

/// The Hummingbird application: the AWS endpoint on `/` (Access Analyzer's `ValidatePolicy` on
/// `/policy/validation`), readiness on `/health`, Prometheus
/// metrics on `/metrics`.
public enum PortcullisServer {
  /// Builds the application over an opened directory.
  public static func application(
    configuration: ServerConfiguration, directory: Directory, lastUsed: LastUsedRecorder,
    sessionKeys: SessionKeyRing = .ephemeral(), trail: TrailWriter? = nil, logger: Logger
  ) -> some ApplicationProtocol {
    let metrics = ServerMetrics()
    let quotas = IAMQuotas.with(configuration.quotas).0
    let authorizer = Authorizer(
      onDecision: { outcome in metrics.authorization(outcome: outcome.rawValue) }, messageKeys: sessionKeys)
    // Service last accessed data: the trail's history now, then each event as it is recorded.
    let serviceAccess = ServiceAccessIndex()
    if let trail { serviceAccess.follow(trail) }
    let iam = IAMService(
      directory: directory, authorizer: authorizer, quotas: quotas, lastUsed: lastUsed, serviceAccess: serviceAccess)
    let sts = STSService(
      directory: directory, authorizer: authorizer, keyRing: sessionKeys,
      verifyMFA: VirtualMFAVerifier(directory: directory).verifier,
      oidcKeys: OIDCSigningKeys(
        directory: OIDCSigningKeys.directory(dataDirectory: configuration.inMemory ? nil : configuration.dataDirectory)))
    var awsEndpoint = AWSEndpoint(iam: iam, sts: sts, verifier: SigV4Verifier(), metrics: metrics, logger: logger)
    awsEndpoint.organizations = OrganizationsService(directory: directory, authorizer: authorizer)
    awsEndpoint.cloudtrail = CloudTrailService(directory: directory, authorizer: authorizer, trail: trail)
    awsEndpoint.trail = trail
    let endpoint = awsEndpoint
    let signIn = SignInEndpoint(
      service: SignInService(iam: iam, sts: sts, onAttempt: { attempt in
          SignInEndpoint.log(attempt, to: logger)
          trail?.record(AuditRecording.signIn(attempt))
        }), logger: logger)
    let router = Router(context: PortcullisRequestContext.self)
    router.get("/health") { _, _ in "OK\n" }
    router.get("/metrics") { _, _ in metrics.registry.emitToString() }
    router.post("/") { request, context in await endpoint.respond(request, context: context) }
    router.get("/") { request, context in await endpoint.respond(request, context: context) }
    router.post("/signin") { request, context in await signIn.respond(request, context: context) }
    let accessAnalyzer = AccessAnalyzerEndpoint(aws: endpoint)
    router.post("/policy/validation") { request, context in await accessAnalyzer.respond(request, context: context) }
    return Application(
      router: router,
      configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
      logger: logger)
  }
}
