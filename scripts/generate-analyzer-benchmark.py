#!/usr/bin/env python3
"""Writes a synthetic `aws iam get-account-authorization-details` export for timing
`portcullis analyze`: N roles (default 1,000), N/2 users, N/5 groups and N customer managed
policies (or --users / --policies), with a realistic mix of scoped, wildcard, cross-account and federated grants.

    scripts/generate-analyzer-benchmark.py --roles 1000 > /tmp/bench.json
    scripts/generate-analyzer-benchmark.py --users 5000 --roles 10000 --policies 20000 > /tmp/org.json
    time .build/debug/portcullis analyze --authorization-details /tmp/bench.json --format json -o /dev/null
"""
import argparse
import json
import random
import sys
import urllib.parse

ACCOUNT = "123456789012"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--roles", type=int, default=1000)
    ap.add_argument("--users", type=int, help="default: roles / 2")
    ap.add_argument("--policies", type=int, help="default: roles")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    n = args.roles
    n_users = args.users if args.users is not None else n // 2
    n_policies = args.policies if args.policies is not None else n
    rnd = random.Random(args.seed)
    services = ["s3", "dynamodb", "sqs", "sns", "lambda", "ec2", "kms", "logs", "cloudwatch", "ssm", "secretsmanager"]
    actions = {
        "s3": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:*"],
        "dynamodb": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:*"],
        "sqs": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
        "sns": ["sns:Publish", "sns:Subscribe"],
        "lambda": ["lambda:InvokeFunction", "lambda:UpdateFunctionCode"],
        "ec2": ["ec2:Describe*", "ec2:RunInstances", "ec2:TerminateInstances"],
        "kms": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
        "logs": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "cloudwatch": ["cloudwatch:PutMetricData", "cloudwatch:GetMetricData"],
        "ssm": ["ssm:GetParameter", "ssm:GetParameters"],
        "secretsmanager": ["secretsmanager:GetSecretValue"],
    }

    def statement(i):
        svc = rnd.choice(services)
        acts = rnd.sample(actions[svc], k=min(2, len(actions[svc])))
        resource = "*" if rnd.random() < 0.3 else f"arn:aws:{svc}:us-east-1:{ACCOUNT}:thing-{i}/*"
        if svc == "s3" and resource != "*":
            resource = f"arn:aws:s3:::bucket-{i}/*"
        return {"Effect": "Allow", "Action": acts, "Resource": resource}

    policies = []
    for i in range(n_policies):
        d = doc(*[statement(i * 3 + k) for k in range(rnd.randint(1, 4))])
        policies.append({
            "PolicyName": f"policy-{i}", "PolicyId": f"ANPA{i:017d}", "Arn": f"arn:aws:iam::{ACCOUNT}:policy/policy-{i}",
            "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True, "CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2024-01-01T00:00:00Z",
            "PolicyVersionList": [{"Document": urllib.parse.quote(json.dumps(d)), "VersionId": "v1",
                                   "IsDefaultVersion": True, "CreateDate": "2024-01-01T00:00:00Z"}]})
    trusts = [
        {"Service": "ec2.amazonaws.com"}, {"Service": "lambda.amazonaws.com"},
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"AWS": "arn:aws:iam::999999999999:root"},
        {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"},
    ]
    roles = []
    for i in range(n):
        principal = rnd.choice(trusts)
        action = "sts:AssumeRoleWithWebIdentity" if "Federated" in principal else "sts:AssumeRole"
        roles.append({
            "Path": "/", "RoleName": f"role-{i}", "RoleId": f"AROA{i:017d}", "Arn": f"arn:aws:iam::{ACCOUNT}:role/role-{i}",
            "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Principal": principal, "Action": action}),
            "InstanceProfileList": [], "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": doc(statement(i))}],
            "AttachedManagedPolicies": [{"PolicyName": f"policy-{j}", "PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/policy-{j}"}
                                        for j in rnd.sample(range(n_policies), k=2)],
            "Tags": [], "MaxSessionDuration": 3600,
            "RoleLastUsed": {"LastUsedDate": "2025-05-01T00:00:00Z", "Region": "us-east-1"} if rnd.random() < 0.7 else {}})
    groups = [{"Path": "/", "GroupName": f"group-{i}", "GroupId": f"AGPA{i:017d}", "Arn": f"arn:aws:iam::{ACCOUNT}:group/group-{i}",
               "CreateDate": "2024-01-01T00:00:00Z", "GroupPolicyList": [],
               "AttachedManagedPolicies": [{"PolicyName": f"policy-{i}", "PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/policy-{i}"}]}
              for i in range(max(1, n // 5))]
    users = [{"Path": "/", "UserName": f"user-{i}", "UserId": f"AIDA{i:017d}", "Arn": f"arn:aws:iam::{ACCOUNT}:user/user-{i}",
              "CreateDate": "2024-01-01T00:00:00Z", "UserPolicyList": [], "GroupList": [f"group-{rnd.randrange(len(groups))}"],
              "AttachedManagedPolicies": []} for i in range(n_users)]
    json.dump({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies}, sys.stdout)


if __name__ == "__main__":
    main()
