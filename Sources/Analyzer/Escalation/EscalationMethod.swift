/// The ways one principal gains the permissions of another, or of an administrator: the
/// privilege-escalation methods published by Rhino Security Labs (and used by PMapper), plus
/// assuming a role and changing a permissions boundary.
///
/// The raw value is the stable name used in reports and JSON.
public enum EscalationMethod: String, Sendable, CaseIterable, Codable {
  // The principal is an administrator already (the edge to the synthetic administrator node).
  case administrator = "Administrator"
  // Changing one's own permissions.
  case createPolicyVersion = "CreateNewPolicyVersion"
  case setDefaultPolicyVersion = "SetExistingDefaultPolicyVersion"
  case attachUserPolicy = "AttachUserPolicy"
  case attachGroupPolicy = "AttachGroupPolicy"
  case attachRolePolicy = "AttachRolePolicy"
  case putUserPolicy = "PutUserPolicy"
  case putGroupPolicy = "PutGroupPolicy"
  case putRolePolicy = "PutRolePolicy"
  case addUserToGroup = "AddUserToGroup"
  case deletePermissionsBoundary = "DeletePermissionsBoundary"
  case putPermissionsBoundary = "PutPermissionsBoundary"
  // Taking over another user.
  case createAccessKey = "CreateAccessKey"
  case createLoginProfile = "CreateLoginProfile"
  case updateLoginProfile = "UpdateLoginProfile"
  // Becoming a role.
  case assumeRole = "AssumeRole"
  case updateAssumeRolePolicy = "UpdateAssumeRolePolicy"
  // Handing a role to a compute service the principal controls.
  case passRoleEC2 = "PassRole+ec2:RunInstances"
  case passRoleLambdaInvoke = "PassRole+lambda:CreateFunction+InvokeFunction"
  case passRoleLambdaEventSource = "PassRole+lambda:CreateFunction+CreateEventSourceMapping"
  case updateFunctionCode = "lambda:UpdateFunctionCode"
  case passRoleGlue = "PassRole+glue:CreateDevEndpoint"
  case updateDevEndpoint = "glue:UpdateDevEndpoint"
  case passRoleCloudFormation = "PassRole+cloudformation:CreateStack"
  case passRoleDataPipeline = "PassRole+datapipeline:CreatePipeline"
  case passRoleSageMaker = "PassRole+sagemaker:CreateNotebookInstance"
  case passRoleCodeBuild = "PassRole+codebuild:CreateProject"
  case passRoleECS = "PassRole+ecs:RunTask"
  /// From a service's existing compute to a role it runs with (no permission involved).
  case runsAs = "RunsAs"

  /// The region used in the ARNs of resources the attacker creates (a function, a stack...);
  /// a grant limited to another region does not count.
  static let probeRegion = "us-east-1"

  /// How a compute method works: the service principal that must be trusted by the role, the
  /// actions (besides `iam:PassRole`) the principal needs, each with the resource it is asked
  /// for (`ACCOUNT` is replaced), and whether `iam:PassRole` is needed at all (updating an
  /// existing function or endpoint reuses the role it already has).
  struct ServiceRecipe {
    var method: EscalationMethod
    var servicePrincipal: String
    var actions: [(action: String, resource: String)]
    var passesRole: Bool
  }

  /// The compute methods, one recipe each. Resources are what AWS's service authorization
  /// reference lists for the action (`*` where the action has no resource type).
  static let serviceRecipes: [ServiceRecipe] = {
    let r = probeRegion
    return [
      ServiceRecipe(
        method: .passRoleEC2, servicePrincipal: "ec2.amazonaws.com",
        actions: [("ec2:RunInstances", "arn:aws:ec2:\(r):ACCOUNT:instance/*")], passesRole: true),
      ServiceRecipe(
        method: .passRoleLambdaInvoke, servicePrincipal: "lambda.amazonaws.com",
        actions: [
          ("lambda:CreateFunction", "arn:aws:lambda:\(r):ACCOUNT:function:*"),
          ("lambda:InvokeFunction", "arn:aws:lambda:\(r):ACCOUNT:function:*"),
        ], passesRole: true),
      ServiceRecipe(
        method: .passRoleLambdaEventSource, servicePrincipal: "lambda.amazonaws.com",
        actions: [
          ("lambda:CreateFunction", "arn:aws:lambda:\(r):ACCOUNT:function:*"),
          ("lambda:CreateEventSourceMapping", "*"),
        ], passesRole: true),
      // The offline inventory has no functions: any role that Lambda may assume stands for
      // "an existing function's role".
      ServiceRecipe(
        method: .updateFunctionCode, servicePrincipal: "lambda.amazonaws.com",
        actions: [("lambda:UpdateFunctionCode", "arn:aws:lambda:\(r):ACCOUNT:function:*")], passesRole: false),
      ServiceRecipe(
        method: .passRoleGlue, servicePrincipal: "glue.amazonaws.com",
        actions: [("glue:CreateDevEndpoint", "arn:aws:glue:\(r):ACCOUNT:devEndpoint/*")], passesRole: true),
      ServiceRecipe(
        method: .updateDevEndpoint, servicePrincipal: "glue.amazonaws.com",
        actions: [("glue:UpdateDevEndpoint", "arn:aws:glue:\(r):ACCOUNT:devEndpoint/*")], passesRole: false),
      ServiceRecipe(
        method: .passRoleCloudFormation, servicePrincipal: "cloudformation.amazonaws.com",
        actions: [("cloudformation:CreateStack", "arn:aws:cloudformation:\(r):ACCOUNT:stack/*")], passesRole: true),
      ServiceRecipe(
        method: .passRoleDataPipeline, servicePrincipal: "datapipeline.amazonaws.com",
        actions: [
          ("datapipeline:CreatePipeline", "*"),
          ("datapipeline:PutPipelineDefinition", "arn:aws:datapipeline:\(r):ACCOUNT:pipeline/*"),
        ], passesRole: true),
      ServiceRecipe(
        method: .passRoleSageMaker, servicePrincipal: "sagemaker.amazonaws.com",
        actions: [
          ("sagemaker:CreateNotebookInstance", "arn:aws:sagemaker:\(r):ACCOUNT:notebook-instance/*"),
          ("sagemaker:CreatePresignedNotebookInstanceUrl", "arn:aws:sagemaker:\(r):ACCOUNT:notebook-instance/*"),
        ], passesRole: true),
      ServiceRecipe(
        method: .passRoleCodeBuild, servicePrincipal: "codebuild.amazonaws.com",
        actions: [
          ("codebuild:CreateProject", "arn:aws:codebuild:\(r):ACCOUNT:project/*"),
          ("codebuild:StartBuild", "arn:aws:codebuild:\(r):ACCOUNT:project/*"),
        ], passesRole: true),
      ServiceRecipe(
        method: .passRoleECS, servicePrincipal: "ecs-tasks.amazonaws.com",
        actions: [
          ("ecs:RegisterTaskDefinition", "*"),
          ("ecs:RunTask", "arn:aws:ecs:\(r):ACCOUNT:task-definition/*"),
        ], passesRole: true),
    ]
  }()

  /// Every action some method asks the engine about, for the per-principal prefilter.
  static let consultedActions: [String] = {
    var out: [String] = [
      "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:AttachUserPolicy", "iam:AttachGroupPolicy",
      "iam:AttachRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:AddUserToGroup",
      "iam:DeleteUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:PutUserPermissionsBoundary",
      "iam:PutRolePermissionsBoundary", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
      "sts:AssumeRole", "iam:UpdateAssumeRolePolicy", "iam:PassRole",
    ]
    for recipe in serviceRecipes { out += recipe.actions.map(\.action) }
    return Array(Set(out)).sorted()
  }()
}
