import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine
import Synchronization

/// Service last accessed data ("Access Advisor"): `GenerateServiceLastAccessedDetails` for a
/// user, group, role or managed policy, then `GetServiceLastAccessedDetails` (every service the
/// entity's permissions policies allow, with the newest authenticated attempt to use it) and
/// `GetServiceLastAccessedDetailsWithEntities` (who behind a group or policy tried one service).
///
/// The attempts come from the audit trail through `ServiceAccessIndex`. AWS builds a report in
/// the background; this server builds it at once, so a job is `COMPLETED` as soon as it has an
/// id. Jobs are kept in this node's memory, like credential reports.
extension IAMService {
  static func registerLastAccessed(_ h: inout [String: Handler]) {
    h["GenerateServiceLastAccessedDetails"] = { s, i, c in try s.generateServiceLastAccessedDetails(i, c) }
    h["GetServiceLastAccessedDetails"] = { s, i, c in try s.getServiceLastAccessedDetails(i, c) }
    h["GetServiceLastAccessedDetailsWithEntities"] = { s, i, c in try s.getServiceLastAccessedDetailsWithEntities(i, c) }
  }

  func generateServiceLastAccessedDetails(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let arn = input.string("Arn") ?? ""
    let granularity = input.string("Granularity") ?? "SERVICE_LEVEL"
    guard let parsed = ARN(arn), parsed.service == "iam",
      ["user/", "group/", "role/", "policy/"].contains(where: { parsed.resource.hasPrefix($0) })
    else {
      throw .invalidInput("ARN \(arn) is not valid.")
    }
    try authorize(caller, "GenerateServiceLastAccessedDetails", arn, snapshot: snapshot)
    let subject = try lastAccessedSubject(arn, parsed, caller, snapshot)
    let created = now()
    serviceAccess.catchUp()
    var job = ServiceLastAccessedJob(
      id: UUID().uuidString.lowercased(), accountID: caller.accountID, granularity: granularity, created: created)
    let allowed = AllowedServices(policies: subject.policies)
    for namespace in allowed.actions.keys.sorted() {
      job.services.append(serviceEntry(namespace, allowed.actions[namespace]!, subject, job: &job))
    }
    job.completed = now()
    serviceLastAccessedJobs.store(job)
    return .structure(["JobId": .string(job.id)])
  }

  func getServiceLastAccessedDetails(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    try authorize(caller, "GetServiceLastAccessedDetails", "*", snapshot: directory.snapshot)
    let job = try serviceLastAccessedJob(input, caller)
    let (services, marker) = page(job.services, input: input, key: \.namespace)
    return .object([
      "JobStatus": .string("COMPLETED"), "JobType": .string(job.granularity),
      "JobCreationDate": .timestamp(job.created), "JobCompletionDate": .timestamp(job.completed),
      "ServicesLastAccessed": .list(services.map { $0.model(actionLevel: job.granularity == "ACTION_LEVEL") }),
      "IsTruncated": .bool(marker != nil), "Marker": .str(marker),
    ])
  }

  func getServiceLastAccessedDetailsWithEntities(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    try authorize(caller, "GetServiceLastAccessedDetailsWithEntities", "*", snapshot: directory.snapshot)
    let job = try serviceLastAccessedJob(input, caller)
    // A namespace the report does not list is one no entity could use through it: nobody to show.
    let entities = job.entities[(input.string("ServiceNamespace") ?? "").lowercased()] ?? []
    let (items, marker) = page(entities, input: input, key: \.arn)
    return .object([
      "JobStatus": .string("COMPLETED"), "JobCreationDate": .timestamp(job.created),
      "JobCompletionDate": .timestamp(job.completed), "EntityDetailsList": .list(items.map(\.model)),
      "IsTruncated": .bool(marker != nil), "Marker": .str(marker),
    ])
  }

  /// The job named by `JobId`, if the caller's account made it on this node.
  private func serviceLastAccessedJob(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ServiceLastAccessedJob {
    let id = input.string("JobId") ?? ""
    guard let job = serviceLastAccessedJobs.job(id), job.accountID == caller.accountID else {
      throw .noSuchEntity("No report found for job ID \(id).")
    }
    return job
  }

  // MARK: what a report is about

  /// The entity a report is about: the permissions policies that decide which services it
  /// lists, and the users or roles whose attempts count.
  struct LastAccessedSubject {
    var policies: [Policy]
    var entities: [ServiceLastAccessedJob.Entity]
  }

  /// A user (its own and its groups' policies), a group (its policies; its members' attempts),
  /// a role, or a managed policy (its default version; the attempts of the users and roles it is
  /// attached to, directly or through a group). Permissions boundaries, SCPs and resource
  /// policies are left out, as AWS leaves them out.
  private func lastAccessedSubject(
    _ arn: String, _ parsed: ARN, _ caller: Caller, _ snapshot: DirectorySnapshot
  ) throws(AWSError) -> LastAccessedSubject {
    let account = try accountDirectory(caller, snapshot)
    if parsed.resource.hasPrefix("policy/") {
      let name = String(parsed.resource.split(separator: "/").last ?? "")
      let document: String?
      if parsed.account == "aws" {
        document = AWSManagedPolicies.shared.policy(arn: arn)?.document
      } else if parsed.account == caller.accountID, let policy = account.policies[name.lowercased()], policy.arn == arn {
        document = policy.defaultDocument
      } else {
        document = nil
      }
      guard let document else { throw .noSuchEntity("Policy \(arn) does not exist or is not attachable.") }
      let groups = Set(account.groups.values.filter { $0.attachedPolicies.contains(arn) }.map { $0.name.lowercased() })
      let users = account.users.values.filter { user in
        user.attachedPolicies.contains(arn) || user.groups.contains { groups.contains($0.lowercased()) }
      }
      let roles = account.roles.values.filter { $0.attachedPolicies.contains(arn) }
      return LastAccessedSubject(
        policies: authorizer.policy(document, kind: .managed, name: name).map { [$0] } ?? [],
        entities: users.map(ServiceLastAccessedJob.Entity.init) + roles.map(ServiceLastAccessedJob.Entity.init))
    }
    let source = try simulationSource(arn, caller, snapshot)
    let name = String(parsed.resource.split(separator: "/").last ?? "").lowercased()
    let entities: [ServiceLastAccessedJob.Entity]
    if parsed.resource.hasPrefix("user/") {
      entities = account.users[name].map { [.init($0)] } ?? []
    } else if parsed.resource.hasPrefix("role/") {
      entities = account.roles[name].map { [.init($0)] } ?? []
    } else {
      entities = account.users.values.filter { $0.groups.contains { $0.lowercased() == name } }.map(ServiceLastAccessedJob.Entity.init)
    }
    return LastAccessedSubject(policies: source.policies.map(\.policy), entities: entities)
  }

  /// One service's line of the report, and (in `job.entities`) who behind the subject tried it.
  private func serviceEntry(
    _ namespace: String, _ actions: [String], _ subject: LastAccessedSubject, job: inout ServiceLastAccessedJob
  ) -> ServiceLastAccessedJob.Service {
    var service = ServiceLastAccessedJob.Service(namespace: namespace)
    var details: [ServiceLastAccessedJob.Entity] = []
    var actionUses: [String: (access: ServiceAccessIndex.Access, arn: String)] = [:]
    for entity in subject.entities {
      var detail = entity
      let used = serviceAccess.accesses(accountID: job.accountID, principalID: entity.id)[namespace] ?? [:]
      for (action, access) in used {
        if detail.lastAuthenticated.map({ $0.time < access.time }) ?? true { detail.lastAuthenticated = access }
        if actionUses[action].map({ $0.access.time < access.time }) ?? true { actionUses[action] = (access, entity.arn) }
      }
      if let last = detail.lastAuthenticated {
        service.totalAuthenticatedEntities += 1
        if service.lastAuthenticated.map({ $0.time < last.time }) ?? true {
          service.lastAuthenticated = last
          service.lastAuthenticatedEntity = entity.arn
        }
      }
      details.append(detail)
    }
    // Newest attempt first, as AWS sorts them; those that never tried, by ARN.
    job.entities[namespace] = details.sorted { a, b in
      switch (a.lastAuthenticated, b.lastAuthenticated) {
      case (let x?, let y?): x.time != y.time ? x.time > y.time : a.arn < b.arn
      case (.some, nil): true
      case (nil, .some): false
      case (nil, nil): a.arn < b.arn
      }
    }
    service.trackedActions = actions.map { action in
      ServiceLastAccessedJob.TrackedAction(name: action, access: actionUses[action]?.access, entity: actionUses[action]?.arn)
    }
    return service
  }
}

// MARK: allowed services

/// Which services, and which of their actions, a set of permissions policies allows: what AWS
/// calls "permissions policy logic" for last accessed data. A service is allowed when an
/// `Allow` statement's `Action` (or `NotAction`) covers any of its actions, whatever the
/// statement's resources and conditions (the entity *could* use it), unless an unconditional
/// `Deny` on every resource covers that action too.
///
/// Wildcards expand only to the services this server implements (`KnownService.all`), whose
/// actions it knows; a service outside them is listed when an allowed action names it
/// (`s3:GetObject`, `s3:*`), without tracked actions.
struct AllowedServices {
  /// Namespace → allowed actions (empty for a service whose actions this server does not know).
  var actions: [String: [String]] = [:]

  init(policies: [Policy]) {
    /// A statement's `Action` or `NotAction`, compiled once: a managed policy may list hundreds
    /// of actions, checked here against every action of every implemented service.
    struct Actions {
      var negated: Bool
      var patterns: [WildcardPattern]
      init(_ statement: Statement) {
        negated = statement.action.isNegated
        patterns = statement.action.values.map { WildcardPattern($0, ignoresCase: true) }
      }
    }
    let statements = policies.flatMap(\.document.statements)
    let allowStatements = statements.filter { $0.effect == .allow }
    let allows = allowStatements.map(Actions.init)
    let denies = statements.filter { statement in
      statement.effect == .deny && statement.conditions.isEmpty
        && statement.resource.map { !$0.isNegated && $0.values.contains("*") } ?? true
    }.map(Actions.init)
    func covers(_ actions: Actions, _ action: String) -> Bool {
      let matched = actions.patterns.contains { $0.matches(action) }
      return actions.negated ? !matched : matched
    }
    for service in KnownService.all {
      let allowed = service.actions.filter { action in
        let full = "\(service.namespace):\(action)"
        return allows.contains { covers($0, full) } && !denies.contains { covers($0, full) }
      }
      if !allowed.isEmpty { actions[service.namespace] = allowed }
    }
    for statement in allowStatements where !statement.action.isNegated {
      for value in statement.action.values {
        guard let colon = value.firstIndex(of: ":") else { continue }
        let namespace = value[..<colon].lowercased()
        guard !namespace.isEmpty, !namespace.contains(where: { $0 == "*" || $0 == "?" }), actions[namespace] == nil,
          KnownService.named(namespace) == nil,
          !denies.contains(where: { !$0.negated && covers($0, "\(namespace):*") })
        else { continue }
        actions[namespace] = []
      }
    }
  }
}

/// A service this server implements: its namespace, the name AWS's reports give it, and its
/// actions (the operations of its model; for these services each is also the permission name).
struct KnownService: Sendable {
  var namespace: String
  var name: String
  var actions: [String]

  static let all: [KnownService] = [
    KnownService(namespace: "cloudtrail", name: "AWS CloudTrail", actions: ServiceModel.cloudtrail.operations.keys.sorted()),
    KnownService(
      namespace: "iam", name: "AWS Identity and Access Management", actions: ServiceModel.iam.operations.keys.sorted()),
    KnownService(namespace: "organizations", name: "AWS Organizations", actions: ServiceModel.organizations.operations.keys.sorted()),
    KnownService(namespace: "sts", name: "AWS Security Token Service", actions: ServiceModel.sts.operations.keys.sorted()),
  ]

  static func named(_ namespace: String) -> KnownService? {
    all.first { $0.namespace == namespace }
  }

  /// The report's `ServiceName`: AWS's name for the services this server knows and a few common
  /// others; the namespace itself for the rest.
  static func serviceName(_ namespace: String) -> String {
    if let known = named(namespace) { return known.name }
    let others = [
      "s3": "Amazon S3", "ec2": "Amazon EC2", "lambda": "AWS Lambda", "dynamodb": "Amazon DynamoDB",
      "kms": "AWS Key Management Service", "sqs": "Amazon SQS", "sns": "Amazon SNS",
      "secretsmanager": "AWS Secrets Manager", "ssm": "AWS Systems Manager", "logs": "Amazon CloudWatch Logs",
      "cloudwatch": "Amazon CloudWatch", "ecr": "Amazon Elastic Container Registry",
      "cloudformation": "AWS CloudFormation", "access-analyzer": "IAM Access Analyzer",
    ]
    return others[namespace] ?? namespace
  }
}

// MARK: jobs

/// A finished report, as `Get…` calls page through it.
struct ServiceLastAccessedJob: Sendable {
  var id: String
  var accountID: String
  var granularity: String
  var created: Date
  var completed = Date()
  var services: [Service] = []
  /// Namespace → the report's entities, with their newest attempt at that service.
  var entities: [String: [Entity]] = [:]

  struct Service: Sendable {
    var namespace: String
    var lastAuthenticated: ServiceAccessIndex.Access?
    var lastAuthenticatedEntity: String?
    var totalAuthenticatedEntities = 0
    var trackedActions: [TrackedAction] = []

    init(namespace: String) {
      self.namespace = namespace
    }

    /// AWS's `ServiceLastAccessed`: the attempt members only when there was one; tracked
    /// actions only at `ACTION_LEVEL` and only for a service that was used.
    func model(actionLevel: Bool) -> ModelValue {
      .object([
        "ServiceName": .string(KnownService.serviceName(namespace)), "ServiceNamespace": .string(namespace),
        "LastAuthenticated": .date(lastAuthenticated?.time), "LastAuthenticatedEntity": .str(lastAuthenticatedEntity),
        "LastAuthenticatedRegion": .str(lastAuthenticated?.region),
        "TotalAuthenticatedEntities": lastAuthenticated == nil ? nil : .int(totalAuthenticatedEntities),
        "TrackedActionsLastAccessed": actionLevel && lastAuthenticated != nil && !trackedActions.isEmpty
          ? .list(trackedActions.map(\.model)) : nil,
      ])
    }
  }

  struct TrackedAction: Sendable {
    var name: String
    var access: ServiceAccessIndex.Access?
    var entity: String?

    var model: ModelValue {
      .object([
        "ActionName": .string(name), "LastAccessedEntity": .str(entity), "LastAccessedTime": .date(access?.time),
        "LastAccessedRegion": .str(access?.region),
      ])
    }
  }

  /// A user or role whose attempts count for the report (AWS's `EntityInfo`).
  struct Entity: Sendable {
    var arn: String
    var name: String
    /// `USER` or `ROLE`.
    var type: String
    var id: String
    var path: String
    var lastAuthenticated: ServiceAccessIndex.Access?

    init(_ user: User) {
      (arn, name, type, id, path) = (user.arn, user.name, "USER", user.id, user.path)
    }

    init(_ role: Role) {
      (arn, name, type, id, path) = (role.arn, role.name, "ROLE", role.id, role.path)
    }

    var model: ModelValue {
      .object([
        "EntityInfo": .structure([
          "Arn": .string(arn), "Name": .string(name), "Type": .string(type), "Id": .string(id), "Path": .string(path),
        ]),
        "LastAuthenticated": .date(lastAuthenticated?.time),
      ])
    }
  }
}

/// The reports of this node, newest `capacity` kept: a report is a snapshot that is generated
/// again on request, and one lost with a restart answers `NoSuchEntity`, like an unknown id.
final class ServiceLastAccessedJobs: Sendable {
  private let jobs = Mutex<(byID: [String: ServiceLastAccessedJob], order: [String])>(([:], []))
  let capacity: Int

  init(capacity: Int = 1_000) {
    self.capacity = capacity
  }

  func store(_ job: ServiceLastAccessedJob) {
    jobs.withLock { state in
      state.byID[job.id] = job
      state.order.append(job.id)
      while state.order.count > capacity { state.byID[state.order.removeFirst()] = nil }
    }
  }

  func job(_ id: String) -> ServiceLastAccessedJob? {
    jobs.withLock { $0.byID[id] }
  }
}
