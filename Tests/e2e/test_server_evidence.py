"""Evidence APIs end to end, with boto3 and the AWS CLI: the credential report (AWS's CSV, read
with Python's csv module) and the policy simulator, whose decisions must be the ones the server
enforces when the user really makes the calls."""
import base64
import csv
import hashlib
import hmac
import io
import json
import struct
import time

import pytest
from botocore.exceptions import ClientError

from portcullis_e2e import (
    ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, arn, deny, doc, expect_error, make_iam_client, unique,
)

AWS_COLUMNS = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service",
    "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
]


def totp(seed, step):
    """The RFC 6238 code (HMAC-SHA1, 30 s steps, 6 digits) of time step `step`."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def is_timestamp(value):
    """AWS writes report times as ISO 8601 with an explicit +00:00 offset."""
    return len(value) == 25 and value[10] == "T" and value.endswith("+00:00")


def parse_report(content):
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    return rows, {row["user"]: row for row in rows}


# ---------------------------------------------------------------------------------------------
# Credential report
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evidence_server(server_factory):
    """A server of its own: a credential report is reused for four hours, so the report these
    tests read must be the first of its account."""
    return server_factory("evidence").start()


def test_credential_report_shows_password_mfa_and_key_facts(evidence_server):
    iam = make_iam_client(evidence_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    expect_error("ReportNotPresent", iam.get_credential_report, status=410)

    plain = unique("plain")
    iam.create_user(UserName=plain)

    with_password = unique("pw")
    iam.create_user(UserName=with_password)
    iam.create_login_profile(UserName=with_password, Password="Corr3ct-Horse-Battery!")

    with_mfa = unique("mfa")
    iam.create_user(UserName=with_mfa)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("device"))["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    now = int(time.time()) // 30
    iam.enable_mfa_device(
        UserName=with_mfa, SerialNumber=device["SerialNumber"], AuthenticationCode1=totp(seed, now - 1),
        AuthenticationCode2=totp(seed, now))

    with_keys = unique("keys")
    iam.create_user(UserName=with_keys)
    iam.put_user_policy(UserName=with_keys, PolicyName="self", PolicyDocument=doc(allow("iam:GetUser")))
    old_key = iam.create_access_key(UserName=with_keys)["AccessKey"]
    iam.update_access_key(UserName=with_keys, AccessKeyId=old_key["AccessKeyId"], Status="Inactive")
    time.sleep(1.1)  # keys are numbered by creation time, to the second
    used_key = iam.create_access_key(UserName=with_keys)["AccessKey"]
    make_iam_client(evidence_server.endpoint, used_key["AccessKeyId"], used_key["SecretAccessKey"]).get_user()

    first = iam.generate_credential_report()
    assert first["State"] == "STARTED"
    assert first["Description"] == "No report exists. Starting a new report generation task"
    assert iam.generate_credential_report()["State"] == "COMPLETE"

    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    content = report["Content"]  # boto3 decodes the base64 blob
    assert content.decode().splitlines()[0] == ",".join(AWS_COLUMNS)
    rows, by_user = parse_report(content)
    assert rows[0]["user"] == "<root_account>"
    assert all(list(row.keys()) == AWS_COLUMNS for row in rows)

    root = by_user["<root_account>"]
    assert root["arn"] == arn("", "root", path="")
    assert root["password_enabled"] == "not_supported"
    assert root["password_last_changed"] == "not_supported"
    assert root["password_next_rotation"] == "not_supported"
    assert root["access_key_1_active"] == "true"  # the root key the server was started with

    row = by_user[plain]
    assert is_timestamp(row["user_creation_time"])
    assert (row["password_enabled"], row["password_last_used"], row["password_last_changed"]) == ("false", "N/A", "N/A")
    assert row["mfa_active"] == "false"
    assert (row["access_key_1_active"], row["access_key_1_last_rotated"]) == ("false", "N/A")

    row = by_user[with_password]
    assert (row["password_enabled"], row["password_last_used"]) == ("true", "no_information")
    assert is_timestamp(row["password_last_changed"])
    assert row["password_next_rotation"] == "N/A"

    assert by_user[with_mfa]["mfa_active"] == "true"

    row = by_user[with_keys]
    assert row["access_key_1_active"] == "false" and is_timestamp(row["access_key_1_last_rotated"])
    assert row["access_key_1_last_used_date"] == "N/A"
    assert row["access_key_2_active"] == "true" and is_timestamp(row["access_key_2_last_used_date"])
    assert row["access_key_2_last_used_service"] == "iam"
    assert row["access_key_2_last_used_region"] == "us-east-1"
    assert (row["cert_1_active"], row["cert_1_last_rotated"]) == ("false", "N/A")


def test_credential_report_with_the_cli(aws_cli):
    generated = aws_cli("iam", "generate-credential-report")
    assert generated.returncode == 0, generated.stderr
    assert json.loads(generated.stdout)["State"] in ("STARTED", "COMPLETE")
    fetched = aws_cli("iam", "get-credential-report", "--query", "Content", "--output", "text")
    assert fetched.returncode == 0, fetched.stderr
    rows, by_user = parse_report(base64.b64decode(fetched.stdout.strip()))
    assert list(rows[0].keys()) == AWS_COLUMNS
    assert rows[0]["user"] == "<root_account>"


def test_credential_report_needs_permission(make_user):
    user = make_user()
    expect_error("AccessDenied", user.client.generate_credential_report, status=403)
    expect_error("AccessDenied", user.client.get_credential_report, status=403)


# ---------------------------------------------------------------------------------------------
# Policy simulation
# ---------------------------------------------------------------------------------------------


def real_decision(call, **kwargs):
    """'allowed' when the server lets the call through (whatever happens next), else the denial."""
    try:
        call(**kwargs)
        return "allowed"
    except ClientError as e:
        code = e.response["Error"]["Code"]
        return "denied" if code == "AccessDenied" else "allowed"


def test_simulate_principal_policy_agrees_with_the_server(iam, make_user, make_policy, aws_cli):
    group = unique("group")
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName="g", PolicyDocument=doc(allow(["iam:GetGroup", "iam:CreateUser"])))
    boundary = make_policy(allow(["iam:List*", "iam:Get*"]))
    user = make_user(
        inline=[allow(["iam:List*", "iam:GetUser"]), deny("iam:ListRoles")],
        managed=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"], groups=[group], boundary=boundary)
    missing = unique("missing")
    c = user.client
    # action, resource, the real call as the user
    matrix = [
        ("iam:ListUsers", "*", lambda: c.list_users()),
        ("iam:ListRoles", "*", lambda: c.list_roles()),  # explicit deny
        ("iam:ListGroups", "*", lambda: c.list_groups()),
        ("iam:GetUser", user.arn, lambda: c.get_user(UserName=user.name)),
        ("iam:GetGroup", arn("group", group), lambda: c.get_group(GroupName=group)),  # from the group
        ("iam:CreateUser", arn("user", missing), lambda: c.create_user(UserName=missing)),  # outside the boundary
        ("iam:DeleteUser", arn("user", missing), lambda: c.delete_user(UserName=missing)),  # nothing allows
        ("iam:GetPolicy", boundary, lambda: c.get_policy(PolicyArn=boundary)),  # from IAMReadOnlyAccess
        ("iam:CreateGroup", arn("group", missing), lambda: c.create_group(GroupName=missing)),
    ]
    decisions = {}
    for action, resource, call in matrix:
        result = iam.simulate_principal_policy(
            PolicySourceArn=user.arn, ActionNames=[action], ResourceArns=[resource])["EvaluationResults"][0]
        assert result["EvalActionName"] == action and result["EvalResourceName"] == resource
        decisions[action] = result["EvalDecision"]
        real = real_decision(lambda: call())
        assert (result["EvalDecision"] == "allowed") == (real == "allowed"), (action, result, real)
        assert "PermissionsBoundaryDecisionDetail" in result
    assert decisions["iam:ListRoles"] == "explicitDeny"
    assert decisions["iam:CreateUser"] == "implicitDeny"
    assert decisions["iam:GetGroup"] == "allowed"
    expect_error("NoSuchEntity", iam.get_user, UserName=missing)  # the denied create changed nothing

    # The AWS CLI, several actions in one call.
    out = aws_cli(
        "iam", "simulate-principal-policy", "--policy-source-arn", user.arn,
        "--action-names", "iam:ListUsers", "iam:ListRoles", "iam:ListGroups")
    assert out.returncode == 0, out.stderr
    cli = {r["EvalActionName"]: r["EvalDecision"] for r in json.loads(out.stdout)["EvaluationResults"]}
    assert cli == {a: decisions[a] for a in ("iam:ListUsers", "iam:ListRoles", "iam:ListGroups")}


def test_simulate_principal_policy_errors(iam):
    expect_error(
        "NoSuchEntity", iam.simulate_principal_policy, PolicySourceArn=arn("user", unique("ghost")),
        ActionNames=["s3:GetObject"], status=404)


def test_simulate_custom_policy_with_context_and_positions(aws_cli):
    policy = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*",'
              '"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}')
    out = aws_cli(
        "iam", "simulate-custom-policy", "--policy-input-list", policy, "--action-names", "dynamodb:CreateBackup",
        "--context-entries", "ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',ContextKeyType=date")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    statement = result["MatchedStatements"][0]
    assert statement["SourcePolicyId"] == "PolicyInputList.1"
    assert statement["StartPosition"] == {"Line": 1, "Column": 37}
    assert statement["EndPosition"] == {"Line": 1, "Column": 167}

    out = aws_cli(
        "iam", "simulate-custom-policy", "--policy-input-list", policy, "--action-names", "dynamodb:CreateBackup")
    result = json.loads(out.stdout)["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["aws:CurrentTime"]


def test_simulate_custom_policy_resource_policy_and_boundary(iam):
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:DeleteObject",
                       "Resource": "arn:aws:s3:::shared/*"}],
    }
    results = iam.simulate_custom_policy(
        PolicyInputList=[doc(allow("s3:*"))], PermissionsBoundaryPolicyInputList=[doc(allow(["s3:Get*", "s3:Delete*"]))],
        ActionNames=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], ResourceArns=["arn:aws:s3:::shared/a"],
        ResourcePolicy=doc(bucket_policy), CallerArn=arn("user", "someone"))["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["allowed", "implicitDeny", "explicitDeny"]
    assert [r["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] for r in results] == [True, False, True]
    assert results[2]["MatchedStatements"][0]["SourcePolicyId"] == "ResourcePolicy"
    assert results[0]["ResourceSpecificResults"][0]["EvalResourceDecision"] == "allowed"
    expect_error(
        "InvalidInput", iam.simulate_custom_policy, PolicyInputList=['{"Version":"2012-10-17"}'],
        ActionNames=["s3:GetObject"])


def test_context_keys(iam, make_user, aws_cli):
    condition = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "StringEquals": {"s3:prefix": "home/"}}
    user = make_user(inline=[allow("s3:ListBucket", "arn:aws:s3:::home-${aws:username}", Condition=condition)])
    keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=user.arn)["ContextKeyNames"]
    assert sorted(keys) == ["aws:SourceIp", "aws:username", "s3:prefix"]
    out = aws_cli(
        "iam", "get-context-keys-for-custom-policy", "--policy-input-list",
        json.dumps(allow("s3:GetObject", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ContextKeyNames"] == ["aws:MultiFactorAuthPresent"]
