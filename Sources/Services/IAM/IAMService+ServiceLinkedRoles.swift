import AWSWire
import Directory
import Foundation
import HashTreeCollections
import PolicyEngine

/// What IAM knows of a service that links roles to itself: the role's name (AWS's names are
/// not derived from the principal by any rule: `es.amazonaws.com` has
/// `AWSServiceRoleForAmazonElasticsearchService`), the AWS managed policy it gets, and whether
/// it takes a `CustomSuffix`.
struct LinkedService: Sendable {
  let principal: String
  let roleName: String
  let policyName: String?
  let takesSuffix: Bool

  /// The common services, as the services' own "service-linked roles" pages name them.
  static let known: [String: LinkedService] = {
    let rows: [(String, String, String?, Bool)] = [
      ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy", true),
      ("elasticbeanstalk.amazonaws.com", "AWSServiceRoleForElasticBeanstalk", "AWSElasticBeanstalkServiceRolePolicy", false),
      ("managedupdates.elasticbeanstalk.amazonaws.com", "AWSServiceRoleForElasticBeanstalkManagedUpdates",
       "AWSElasticBeanstalkManagedUpdatesServiceRolePolicy", false),
      ("ecs.amazonaws.com", "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy", false),
      ("eks.amazonaws.com", "AWSServiceRoleForAmazonEKS", "AmazonEKSServiceRolePolicy", false),
      ("eks-nodegroup.amazonaws.com", "AWSServiceRoleForAmazonEKSNodegroup", "AWSServiceRoleForAmazonEKSNodegroup", false),
      ("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing",
       "AWSElasticLoadBalancingServiceRolePolicy", false),
      ("rds.amazonaws.com", "AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy", false),
      ("redshift.amazonaws.com", "AWSServiceRoleForRedshift", "AmazonRedshiftServiceLinkedRolePolicy", false),
      ("elasticache.amazonaws.com", "AWSServiceRoleForElastiCache", "ElastiCacheServiceRolePolicy", false),
      ("es.amazonaws.com", "AWSServiceRoleForAmazonElasticsearchService", "AmazonElasticsearchServiceRolePolicy", false),
      ("opensearchservice.amazonaws.com", "AWSServiceRoleForAmazonOpenSearchService", "AmazonOpenSearchServiceRolePolicy",
       false),
      ("spot.amazonaws.com", "AWSServiceRoleForEC2Spot", "AWSEC2SpotServiceRolePolicy", false),
      ("spotfleet.amazonaws.com", "AWSServiceRoleForEC2SpotFleet", "AWSEC2SpotFleetServiceRolePolicy", false),
      ("transitgateway.amazonaws.com", "AWSServiceRoleForVPCTransitGateway", "AWSVPCTransitGatewayServiceRolePolicy", false),
      ("organizations.amazonaws.com", "AWSServiceRoleForOrganizations", "AWSOrganizationsServiceTrustPolicy", false),
      ("sso.amazonaws.com", "AWSServiceRoleForSSO", "AWSSSOServiceRolePolicy", false),
      ("guardduty.amazonaws.com", "AWSServiceRoleForAmazonGuardDuty", "AmazonGuardDutyServiceRolePolicy", false),
      ("securityhub.amazonaws.com", "AWSServiceRoleForSecurityHub", "AWSSecurityHubServiceRolePolicy", false),
      ("access-analyzer.amazonaws.com", "AWSServiceRoleForAccessAnalyzer", "AccessAnalyzerServiceRolePolicy", false),
      ("inspector2.amazonaws.com", "AWSServiceRoleForAmazonInspector2", "AmazonInspector2ServiceRolePolicy", false),
      ("macie.amazonaws.com", "AWSServiceRoleForAmazonMacie", "AmazonMacieServiceRolePolicy", false),
      ("config.amazonaws.com", "AWSServiceRoleForConfig", "AWSConfigServiceRolePolicy", false),
      ("cloudtrail.amazonaws.com", "AWSServiceRoleForCloudTrail", "CloudTrailServiceRolePolicy", false),
      ("ssm.amazonaws.com", "AWSServiceRoleForAmazonSSM", "AmazonSSMServiceRolePolicy", false),
      ("trustedadvisor.amazonaws.com", "AWSServiceRoleForTrustedAdvisor", "AWSTrustedAdvisorServiceRolePolicy", false),
      ("support.amazonaws.com", "AWSServiceRoleForSupport", "AWSSupportServiceRolePolicy", false),
      ("backup.amazonaws.com", "AWSServiceRoleForBackup", "AWSBackupServiceLinkedRolePolicyForBackup", false),
      ("kafka.amazonaws.com", "AWSServiceRoleForKafka", "KafkaServiceRolePolicy", false),
      ("replicator.lambda.amazonaws.com", "AWSServiceRoleForLambdaReplicator", "AWSLambdaReplicator", false),
      ("elasticmapreduce.amazonaws.com", "AWSServiceRoleForEMRCleanup", "AmazonEMRCleanupPolicy", false),
      ("apigateway.amazonaws.com", "AWSServiceRoleForAPIGateway", "APIGatewayServiceRolePolicy", false),
      ("compute-optimizer.amazonaws.com", "AWSServiceRoleForComputeOptimizer", "ComputeOptimizerServiceRolePolicy", false),
      ("dynamodb.application-autoscaling.amazonaws.com", "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
       "AWSApplicationAutoscalingDynamoDBTablePolicy", false),
      ("ecs.application-autoscaling.amazonaws.com", "AWSServiceRoleForApplicationAutoScaling_ECSService",
       "AWSApplicationAutoscalingECSServicePolicy", false),
      ("ec2.application-autoscaling.amazonaws.com", "AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest",
       "AWSApplicationAutoscalingEC2SpotFleetRequestPolicy", false),
    ]
    return Dictionary(uniqueKeysWithValues: rows.map { ($0.0, LinkedService(principal: $0.0, roleName: $0.1, policyName: $0.2, takesSuffix: $0.3)) })
  }()

  /// The service for `principal`: a known one, or — for a service this table lacks — the rule
  /// most of AWS's names follow: `AWSServiceRoleFor` and the principal's first label with each
  /// `-`-separated word capitalized (`my-thing.amazonaws.com` → `AWSServiceRoleForMyThing`), no
  /// managed policy (none is bundled for it), and suffixes allowed. `nil` for a string that is
  /// not a service principal (`SERVICE.amazonaws.com`).
  static func named(_ principal: String) -> LinkedService? {
    if let known = known[principal] { return known }
    guard principal.hasSuffix(".amazonaws.com"), let label = principal.split(separator: ".").first,
      !label.isEmpty, principal.count > ".amazonaws.com".count,
      principal.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
    else { return nil }
    let words = label.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }
    return LinkedService(principal: principal, roleName: "AWSServiceRoleFor" + words.joined(), policyName: nil, takesSuffix: true)
  }

  /// The trust policy AWS gives a service-linked role: the service alone may assume it.
  var trustPolicy: String {
    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["\#(principal)"]},"Action":"sts:AssumeRole"}]}"#
  }
}

extension IAMService {
  static func registerServiceLinkedRoles(_ h: inout [String: Handler]) {
    h["CreateServiceLinkedRole"] = { s, i, c in try s.createServiceLinkedRole(i, c) }
    h["DeleteServiceLinkedRole"] = { s, i, c in try s.deleteServiceLinkedRole(i, c) }
    h["GetServiceLinkedRoleDeletionStatus"] = { s, i, c in try s.getServiceLinkedRoleDeletionStatus(i, c) }
  }

  /// AWS's refusal of any ordinary change to a service-linked role.
  static func unmodifiableRole(_ name: String) -> AWSError {
    AWSError(
      code: "UnmodifiableEntity",
      message: "Cannot perform the operation on the protected role '\(name)' - this role is only modifiable by AWS",
      status: 400)
  }

  /// Throws `UnmodifiableEntity` when `role` is service-linked.
  func refuseIfServiceLinked(_ role: Role) throws(AWSError) {
    if role.linkedService != nil { throw Self.unmodifiableRole(role.name) }
  }

  func createServiceLinkedRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let principal = input.string("AWSServiceName") ?? ""
    let suffix = input.string("CustomSuffix")
    let role = try directory.write { tx throws(AWSError) -> Role in
      let path = "/aws-service-role/\(principal)/"
      let service = LinkedService.named(principal)
      var name = service?.roleName ?? "AWSServiceRoleFor"
      if let suffix { name += "_\(suffix)" }
      try authorize(
        caller, "CreateServiceLinkedRole", arn(caller, "role", path: path, name: name),
        context: ["iam:AWSServiceName": .single(principal)], snapshot: tx.snapshot)
      guard let service else {
        throw .invalidInput("the service name `\(principal)` is not a service principal (SERVICE.amazonaws.com)")
      }
      if suffix != nil && !service.takesSuffix { throw .invalidInput("Custom suffix is not allowed for \(principal)") }
      // Role names are at most 64 characters; a long principal with a suffix could exceed that.
      if name.count > 64 {
        throw .invalidInput("the service-linked role name `\(name)` is longer than 64 characters")
      }
      let account = try tx.account(caller.accountID)
      if account.roles[name.lowercased()] != nil {
        throw .invalidInput("Service role name \(name) has been taken in this account, please try a different suffix.")
      }
      if account.roles.count >= quotas.rolesPerAccount {
        throw .limitExceeded("Cannot exceed quota for RolesPerAccount: \(quotas.rolesPerAccount)")
      }
      var role = Role(
        accountID: caller.accountID, id: Identifiers.uniqueID(prefix: "AROA"), name: name, path: path,
        createDate: now(), assumeRolePolicyDocument: service.trustPolicy)
      role.description = input.string("Description")
      role.linkedService = principal
      // The service's permissions, when AWS's policy for it is among the bundled ones.
      if let policy = service.policyName.flatMap({ AWSManagedPolicies.shared.policy(named: $0) }) {
        role.attachedPolicies = [policy.arn]
      }
      tx.put(role)
      return role
    }
    return .structure(["Role": role.model(full: true)])
  }

  func deleteServiceLinkedRole(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let name = input.string("RoleName") ?? ""
    let taskID = try directory.write { tx throws(AWSError) -> String in
      try authorize(caller, "DeleteServiceLinkedRole", roleARN(name, caller, tx.snapshot), snapshot: tx.snapshot)
      let entities = try tx.account(caller.accountID)
      let role = try role(name, in: entities)
      guard let service = role.linkedService else {
        throw .noSuchEntity("The role with name \(role.name) is not a service-linked role.")
      }
      // No linked service here uses its role, so the deletion succeeds at once, with the
      // role's policies (which the service, not the caller, owns).
      let taskID = "task/aws-service-role/\(service)/\(role.name)/\(UUID().uuidString.lowercased())"
      for var profile in entities.instanceProfiles.values where profile.roles.contains(where: { $0.lowercased() == role.name.lowercased() }) {
        profile.roles.removeAll { $0.lowercased() == role.name.lowercased() }
        tx.put(profile)
      }
      tx.deleteRole(role)
      var account = entities.account
      var tasks = account.serviceLinkedRoleDeletionTasks ?? []
      tasks.append(taskID)
      account.serviceLinkedRoleDeletionTasks = Array(tasks.suffix(Account.deletionTasksKept))
      tx.put(account)
      return taskID
    }
    return .structure(["DeletionTaskId": .string(taskID)])
  }

  func getServiceLinkedRoleDeletionStatus(_ input: ModelValue, _ caller: Caller) throws(AWSError) -> ModelValue {
    let snapshot = directory.snapshot
    let taskID = input.string("DeletionTaskId") ?? ""
    // task/aws-service-role/SERVICE/ROLE/UUID: the role's ARN is the resource.
    let parts = taskID.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 5, parts[0] == "task", parts[1] == "aws-service-role", parts.allSatisfy({ !$0.isEmpty }) else {
      throw .invalidInput("Invalid deletion task id: \(taskID)")
    }
    let roleARN = arn(caller, "role", path: "/aws-service-role/\(parts[2])/", name: String(parts[3]))
    try authorize(caller, "GetServiceLinkedRoleDeletionStatus", roleARN, snapshot: snapshot)
    let tasks = try accountDirectory(caller, snapshot).account.serviceLinkedRoleDeletionTasks ?? []
    guard tasks.contains(taskID) else {
      throw .noSuchEntity("Deletion task \(taskID) cannot be found.")
    }
    return .structure(["Status": .string("SUCCEEDED")])
  }
}
