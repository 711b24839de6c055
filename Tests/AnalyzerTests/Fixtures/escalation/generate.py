#!/usr/bin/env python3
"""Writes authorization-details.json: account 333333333333 with one planted privilege-escalation
path per method (principals named `esc-...`) and controls (`ctl-...`) where an explicit deny, a
condition, a permissions boundary or a trust policy breaks the path. Run it from this folder."""
import json

A = "333333333333"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def arn(kind, name):
    return f"arn:aws:iam::{A}:{kind}/{name}"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def trust_service(service):
    return doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


TRUST_ACCOUNT = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"})

users, groups, roles = [], [], []
policies = [{
    "PolicyName": "AdministratorAccess", "PolicyId": "ANPAADMIN", "Arn": ADMIN, "Path": "/",
    "DefaultVersionId": "v1", "AttachmentCount": 3, "IsAttachable": True,
    "PolicyVersionList": [{"Document": doc(allow("*")), "VersionId": "v1", "IsDefaultVersion": True}],
}]


def managed(name, *statements):
    policies.append({
        "PolicyName": name, "PolicyId": "ANPA" + name.upper()[:16], "Arn": f"arn:aws:iam::{A}:policy/{name}",
        "Path": "/", "DefaultVersionId": "v2", "AttachmentCount": 1, "IsAttachable": True,
        "PolicyVersionList": [{"Document": doc(*statements), "VersionId": "v2", "IsDefaultVersion": True}],
    })
    return f"arn:aws:iam::{A}:policy/{name}"


def user(name, *statements, groups_=(), attached=(), boundary=None):
    u = {"Path": "/", "UserName": name, "UserId": "AIDA" + name.upper()[:16], "Arn": arn("user", name),
         "CreateDate": "2025-01-01T00:00:00Z", "GroupList": list(groups_),
         "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": doc(*statements)}] if statements else [],
         "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached]}
    if boundary:
        u["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    users.append(u)


def group(name, *statements, attached=()):
    groups.append({"Path": "/", "GroupName": name, "GroupId": "AGPA" + name.upper()[:16], "Arn": arn("group", name),
                   "CreateDate": "2025-01-01T00:00:00Z",
                   "GroupPolicyList": [{"PolicyName": "inline", "PolicyDocument": doc(*statements)}] if statements else [],
                   "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached]})


def role(name, trust, *statements, attached=()):
    roles.append({"Path": "/", "RoleName": name, "RoleId": "AROA" + name.upper()[:16], "Arn": arn("role", name),
                  "CreateDate": "2025-01-01T00:00:00Z", "AssumeRolePolicyDocument": trust,
                  "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": doc(*statements)}] if statements else [],
                  "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached],
                  "InstanceProfileList": [], "Tags": [], "RoleLastUsed": {}})


# Targets: administrators.
user("admin-user", groups_=["Admins"])
group("Admins", attached=[ADMIN])
group("Devs")
group("Ops")
role("AdminRole", TRUST_ACCOUNT, attached=[ADMIN])
role("LockedAdminRole", trust_service("ec2.amazonaws.com"), attached=[ADMIN])
for service, name in [("ec2", "EC2Admin"), ("lambda", "LambdaAdmin"), ("glue", "GlueAdmin"),
                      ("cloudformation", "CFNAdmin"), ("datapipeline", "PipelineAdmin"),
                      ("sagemaker", "SageMakerAdmin"), ("codebuild", "CodeBuildAdmin"), ("ecs-tasks", "ECSAdmin")]:
    role(name, trust_service(f"{service}.amazonaws.com"), attached=[ADMIN])
ADMIN_USER = arn("user", "admin-user")

# One planted path per method.
v = managed("EscPolicyVersion", allow("iam:CreatePolicyVersion", f"arn:aws:iam::{A}:policy/EscPolicyVersion"))
user("esc-create-policy-version", attached=[v])
d = managed("EscDefaultVersion", allow("iam:SetDefaultPolicyVersion", f"arn:aws:iam::{A}:policy/EscDefaultVersion"))
user("esc-set-default-version", attached=[d])
user("esc-create-access-key", allow("iam:CreateAccessKey", ADMIN_USER))
user("esc-create-login-profile", allow("iam:CreateLoginProfile", ADMIN_USER))
user("esc-update-login-profile", allow("iam:UpdateLoginProfile", ADMIN_USER))
user("esc-attach-user-policy", allow("iam:AttachUserPolicy", f"arn:aws:iam::{A}:user/${{aws:username}}"))
user("esc-attach-group-policy", allow("iam:AttachGroupPolicy", arn("group", "Devs")), groups_=["Devs"])
role("esc-attach-role-policy", TRUST_ACCOUNT, allow("iam:AttachRolePolicy", arn("role", "esc-attach-role-policy")))
user("esc-put-user-policy", allow("iam:PutUserPolicy", arn("user", "esc-put-user-policy")))
user("esc-put-group-policy", allow("iam:PutGroupPolicy", arn("group", "Ops")), groups_=["Ops"])
role("esc-put-role-policy", TRUST_ACCOUNT, allow("iam:PutRolePolicy", arn("role", "esc-put-role-policy")))
user("esc-add-user-to-group", allow("iam:AddUserToGroup", arn("group", "Admins")))
user("esc-update-assume-role-policy", allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], arn("role", "LockedAdminRole")))
user("esc-assume-role", allow("sts:AssumeRole", arn("role", "AdminRole")))
user("esc-passrole-ec2",
     allow("iam:PassRole", arn("role", "EC2Admin"), Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
     allow("ec2:RunInstances"))
user("esc-passrole-lambda-invoke", allow("iam:PassRole", arn("role", "LambdaAdmin")),
     allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
user("esc-passrole-lambda-event-source", allow("iam:PassRole", arn("role", "LambdaAdmin")),
     allow(["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]))
user("esc-update-function-code", allow("lambda:UpdateFunctionCode", f"arn:aws:lambda:*:{A}:function:*"))
user("esc-passrole-glue", allow("iam:PassRole", arn("role", "GlueAdmin")), allow("glue:CreateDevEndpoint"))
user("esc-update-dev-endpoint", allow("glue:UpdateDevEndpoint"))
user("esc-passrole-cloudformation", allow("iam:PassRole", arn("role", "CFNAdmin")), allow("cloudformation:CreateStack"))
user("esc-passrole-datapipeline", allow("iam:PassRole", arn("role", "PipelineAdmin")),
     allow(["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"]))
user("esc-passrole-sagemaker", allow("iam:PassRole", arn("role", "SageMakerAdmin")),
     allow(["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"]))
user("esc-passrole-codebuild", allow("iam:PassRole", arn("role", "CodeBuildAdmin")),
     allow(["codebuild:CreateProject", "codebuild:StartBuild"]))
user("esc-passrole-ecs", allow("iam:PassRole", arn("role", "ECSAdmin")), allow(["ecs:RegisterTaskDefinition", "ecs:RunTask"]))
del_boundary = managed("BoundaryAllowsDelete", allow(["s3:GetObject", "iam:DeleteUserPermissionsBoundary"]))
user("esc-delete-boundary", attached=[ADMIN], boundary=del_boundary)
put_boundary = managed("BoundaryAllowsPut", allow(["s3:GetObject", "iam:PutUserPermissionsBoundary"]))
user("esc-put-boundary", attached=[ADMIN], boundary=put_boundary)
# Two steps: assume a role that can create keys for an administrator.
role("StepRole", TRUST_ACCOUNT, allow("iam:CreateAccessKey", ADMIN_USER))
user("esc-two-step", allow("sts:AssumeRole", arn("role", "StepRole")))

# Controls: the same grants, broken.
user("ctl-explicit-deny", allow("iam:PutUserPolicy", arn("user", "ctl-explicit-deny")), deny("iam:PutUserPolicy"))
put_only = managed("BoundaryPutOnly", allow("iam:PutUserPolicy"))
user("ctl-boundary", allow("iam:PutUserPolicy", arn("user", "ctl-boundary")), boundary=put_only)
user("ctl-mfa-condition", allow("iam:CreateAccessKey", ADMIN_USER,
                                Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
user("ctl-passrole-wrong-service",
     allow("iam:PassRole", arn("role", "LambdaAdmin"), Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
     allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
user("ctl-untrusted-role", allow("sts:AssumeRole", arn("role", "LockedAdminRole")))
user("ctl-passrole-no-compute", allow("iam:PassRole", arn("role", "EC2Admin")))
user("ctl-other-policy-version", allow("iam:CreatePolicyVersion", f"arn:aws:iam::{A}:policy/EscPolicyVersion"))
user("ctl-delete-boundary-not-allowed", attached=[ADMIN], boundary=managed("BoundaryReadOnly", allow("s3:GetObject")))

out = {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}
with open("authorization-details.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
