/// The kinds of dangerous capability counted per principal, each with the actions that confer
/// it. A principal "has" an action when the policy engine allows it on `*` with no request
/// context — an unconditional, unscoped grant.
///
/// The lists follow the categories security tools (cloudsplaining, PMapper) and published
/// IAM privilege-escalation research use.
enum RiskCategory: String, CaseIterable {
  case privilegeEscalation = "risk.privilege-escalation"
  case resourceExposure = "risk.resource-exposure"
  case dataExfiltration = "risk.data-exfiltration"
  case credentialsExposure = "risk.credentials-exposure"
  case infrastructureModification = "risk.infrastructure-modification"

  var actions: [String] {
    switch self {
    case .privilegeEscalation:
      [
        "iam:AddUserToGroup", "iam:AttachGroupPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
        "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreatePolicyVersion", "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteUserPermissionsBoundary", "iam:PassRole", "iam:PutGroupPolicy", "iam:PutRolePolicy",
        "iam:PutUserPolicy", "iam:SetDefaultPolicyVersion", "iam:UpdateAssumeRolePolicy", "iam:UpdateLoginProfile",
        "lambda:UpdateFunctionCode", "glue:UpdateDevEndpoint", "cloudformation:UpdateStack",
        "codestar:CreateProjectFromTemplate", "ec2:ModifyInstanceAttribute", "ssm:SendCommand",
        "sts:AssumeRole",
      ]
    case .resourceExposure:
      [
        "s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl", "s3:DeletePublicAccessBlock",
        "s3:PutBucketPublicAccessBlock", "iam:UpdateAssumeRolePolicy", "kms:PutKeyPolicy", "kms:CreateGrant",
        "secretsmanager:PutResourcePolicy", "lambda:AddPermission", "sns:AddPermission", "sns:SetTopicAttributes",
        "sqs:AddPermission", "sqs:SetQueueAttributes", "ecr:SetRepositoryPolicy", "glacier:SetVaultAccessPolicy",
        "ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute", "rds:ModifyDBSnapshotAttribute",
        "ram:CreateResourceShare",
      ]
    case .dataExfiltration:
      [
        "s3:GetObject", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
        "secretsmanager:GetSecretValue", "kms:Decrypt", "dynamodb:Scan", "dynamodb:GetItem", "rds:CopyDBSnapshot",
        "ec2:CreateSnapshot",
      ]
    case .credentialsExposure:
      [
        "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
        "iam:CreateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:UploadSSHPublicKey",
        "iam:CreateVirtualMFADevice", "sts:GetFederationToken", "ecr:GetAuthorizationToken",
        "redshift:GetClusterCredentials", "rds-db:connect", "lightsail:GetInstanceAccessDetails",
        "cognito-identity:GetCredentialsForIdentity", "ec2-instance-connect:SendSSHPublicKey",
      ]
    case .infrastructureModification:
      [
        "ec2:RunInstances", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateRoute", "ec2:DeleteVpc",
        "ec2:TerminateInstances", "lambda:CreateFunction", "rds:DeleteDBInstance", "route53:ChangeResourceRecordSets",
        "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "config:StopConfigurationRecorder",
        "guardduty:DeleteDetector", "organizations:LeaveOrganization", "s3:DeleteBucket", "eks:CreateCluster",
      ]
    }
  }
}
