import PolicyEngine

/// The engine's named benchmark workloads, generated deterministically so that every run and
/// every machine measures the same thing.
///
/// - W1: one identity policy of 5 statements.
/// - W2: 10 identity policies, 50 statements, wildcards and a few conditions.
/// - W3: 200 identity statements, a 3-level SCP chain and a permissions boundary.
struct BenchWorkload {
  var name: String
  var policies: PolicySet
  var requests: [AuthorizationRequest]
  /// The identity policies as JSON text (for `--write`).
  var identityJSON: [String]

  static let names = ["W1", "W2", "W3"]

  static func make(_ name: String) throws -> BenchWorkload {
    var rng = SplitMix64(seed: 0x5EED)
    switch name.uppercased() {
    case "W1":
      let docs = [w1Policy()]
      return try assemble("W1", docs, scps: [], boundary: nil, rng: &rng)
    case "W2":
      let docs = (0..<10).map { identityPolicy(index: $0, statements: 5, rng: &rng) }
      return try assemble("W2", docs, scps: [], boundary: nil, rng: &rng)
    case "W3":
      let docs = (0..<20).map { identityPolicy(index: $0, statements: 10, rng: &rng) }
      let scps = [
        [#"{"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}"#],
        [#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyLeaveOrg","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"},{"Sid":"RegionLock","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}"#],
        [#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*","dynamodb:*","sqs:*","sns:*","lambda:*","iam:*","sts:*","kms:*","logs:*","cloudwatch:*"],"Resource":"*"},{"Sid":"ProtectTrail","Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail"],"Resource":"*"}]}"#],
      ]
      let boundary = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*","ec2:*Instances","dynamodb:*","sqs:*","sns:*","lambda:*","logs:*","kms:Decrypt","kms:Encrypt","iam:Get*","iam:List*"],"Resource":"*"},{"Effect":"Deny","Action":["iam:CreateUser","iam:DeleteRolePermissionsBoundary"],"Resource":"*"}]}"#
      return try assemble("W3", docs, scps: scps, boundary: boundary, rng: &rng)
    default:
      throw BenchError("unknown workload `\(name)`; choose W1, W2 or W3")
    }
  }

  private static func assemble(
    _ name: String, _ docs: [String], scps: [[String]], boundary: String?, rng: inout SplitMix64
  ) throws -> BenchWorkload {
    let set = PolicySet(
      identity: try docs.enumerated().map { try Policy(json: $1, kind: .managed, name: "policy-\($0)") },
      permissionsBoundary: try boundary.map { try Policy(json: $0, kind: .permissionsBoundary, name: "boundary") },
      serviceControlPolicies: try scps.enumerated().map { level, texts in
        try texts.map { try Policy(json: $0, kind: .serviceControl, name: "scp-level-\(level)") }
      })
    return BenchWorkload(name: name, policies: set, requests: requests(count: 1_000, rng: &rng), identityJSON: docs)
  }

  static let services: [(String, [String])] = [
    ("s3", ["GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketPolicy", "PutBucketPolicy"]),
    ("ec2", ["DescribeInstances", "RunInstances", "TerminateInstances", "StartInstances", "DescribeVpcs"]),
    ("dynamodb", ["GetItem", "PutItem", "Query", "Scan", "DeleteTable"]),
    ("sqs", ["SendMessage", "ReceiveMessage", "DeleteQueue"]),
    ("iam", ["GetUser", "ListUsers", "CreateUser", "PassRole", "AttachRolePolicy"]),
    ("lambda", ["InvokeFunction", "CreateFunction", "GetFunction"]),
    ("kms", ["Decrypt", "Encrypt", "ScheduleKeyDeletion"]),
    ("logs", ["PutLogEvents", "CreateLogGroup", "DescribeLogGroups"]),
  ]

  static func resource(service: String, index: Int) -> String {
    switch service {
    case "s3": "arn:aws:s3:::bucket-\(index % 7)/team-\(index % 3)/object-\(index).txt"
    case "ec2": "arn:aws:ec2:us-east-1:111122223333:instance/i-\(String(index * 7919 % 1_000_000, radix: 16))"
    case "dynamodb": "arn:aws:dynamodb:us-east-1:111122223333:table/orders-\(index % 5)"
    case "sqs": "arn:aws:sqs:us-east-1:111122223333:queue-\(index % 4)"
    case "iam": "arn:aws:iam::111122223333:user/team-\(index % 3)/user-\(index % 11)"
    case "lambda": "arn:aws:lambda:us-east-1:111122223333:function:fn-\(index % 6)"
    case "kms": "arn:aws:kms:us-east-1:111122223333:key/\(index % 9)"
    default: "arn:aws:logs:us-east-1:111122223333:log-group:/app/\(index % 5)"
    }
  }

  static func w1Policy() -> String {
    #"""
    {"Version":"2012-10-17","Statement":[
     {"Sid":"ReadBuckets","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket-1","arn:aws:s3:::bucket-1/*"]},
     {"Sid":"WriteTeam","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket-2/team-1/*"},
     {"Sid":"Describe","Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
     {"Sid":"Tables","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/orders-*"},
     {"Sid":"NoDeletes","Effect":"Deny","Action":["s3:DeleteObject","dynamodb:DeleteTable"],"Resource":"*"}]}
    """#
  }

  /// A policy of `statements` statements mixing exact actions, wildcards, resource patterns and
  /// (one in five) conditions.
  static func identityPolicy(index: Int, statements: Int, rng: inout SplitMix64) -> String {
    var out: [String] = []
    for s in 0..<statements {
      let (service, actions) = services[rng.next(services.count)]
      var actionList: [String] = []
      switch rng.next(4) {
      case 0: actionList = ["\(service):\(actions[rng.next(actions.count)])", "\(service):\(actions[rng.next(actions.count)])"]
      case 1: actionList = ["\(service):Get*", "\(service):List*", "\(service):Describe*"]
      case 2: actionList = ["\(service):*"]
      default: actionList = ["\(service):\(actions[rng.next(actions.count)])"]
      }
      let resource: String
      switch rng.next(3) {
      case 0: resource = "*"
      case 1: resource = resourcePattern(service: service, rng: &rng)
      default: resource = self.resource(service: service, index: rng.next(50))
      }
      let effect = rng.next(10) == 0 ? "Deny" : "Allow"
      var condition = ""
      switch rng.next(5) {
      case 0: condition = #","Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}"#
      case 1 where effect == "Allow": condition = #","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}"#
      default: break
      }
      let actionsJSON = actionList.map { "\"\($0)\"" }.joined(separator: ",")
      out.append(#"{"Sid":"S\#(index)x\#(s)","Effect":"\#(effect)","Action":[\#(actionsJSON)],"Resource":"\#(resource)"\#(condition)}"#)
    }
    return #"{"Version":"2012-10-17","Statement":[\#(out.joined(separator: ","))]}"#
  }

  static func resourcePattern(service: String, rng: inout SplitMix64) -> String {
    switch service {
    case "s3": "arn:aws:s3:::bucket-\(rng.next(7))/*"
    case "dynamodb": "arn:aws:dynamodb:*:111122223333:table/orders-*"
    case "iam": "arn:aws:iam::111122223333:user/team-\(rng.next(3))/*"
    case "lambda": "arn:aws:lambda:us-east-1:111122223333:function:fn-*"
    default: "arn:aws:\(service):us-east-1:111122223333:*"
    }
  }

  static func requests(count: Int, rng: inout SplitMix64) -> [AuthorizationRequest] {
    let principal = RequestPrincipal("arn:aws:iam::111122223333:user/team-1/alice")
    return (0..<count).map { i in
      let (service, actions) = services[rng.next(services.count)]
      var context = RequestContext()
      context["aws:SourceIp"] = .single(rng.next(2) == 0 ? "10.1.2.3" : "203.0.113.9")
      context["aws:RequestedRegion"] = .single(rng.next(4) == 0 ? "ap-south-1" : "us-east-1")
      context["aws:SecureTransport"] = .single("true")
      return AuthorizationRequest(
        principal: principal, action: "\(service):\(actions[rng.next(actions.count)])",
        resource: resource(service: service, index: i), context: context)
    }
  }
}

/// A small deterministic generator so workloads are identical everywhere.
struct SplitMix64 {
  var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func next(_ bound: Int) -> Int {
    Int(next() % UInt64(bound))
  }
}

struct BenchError: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) {
    self.description = description
  }
}
