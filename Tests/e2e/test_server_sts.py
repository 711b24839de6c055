"""STS on the same endpoint: GetCallerIdentity, AssumeRole by trust policy with external ids and
session policies, and temporary credentials used against IAM."""
import json

import pytest
from botocore.config import Config

from portcullis_e2e import ACCOUNT_ID, REGION, allow, arn, boto_session, doc, expect_error, unique


def sts_client(server, key, secret, token=None):
    return boto_session().client(
        "sts", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def iam_client(server, credentials):
    return boto_session().client(
        "iam", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def trust(principal, condition=None):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


@pytest.fixture
def make_role(iam):
    def make(trust_policy, managed=(), inline=()):
        name = unique("role")
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(trust_policy))
        for policy_arn in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        for i, policy in enumerate(inline):
            iam.put_role_policy(RoleName=name, PolicyName=f"inline{i}", PolicyDocument=doc(policy))
        return arn("role", name)

    return make


def test_get_caller_identity_names_a_user_without_any_permission(server, make_user):
    user = make_user()
    identity = sts_client(server, user.access_key_id, user.secret_access_key).get_caller_identity()
    assert identity["Arn"] == user.arn
    assert identity["Account"] == ACCOUNT_ID


def test_assumed_role_session_uses_the_roles_policies(server, make_user, make_role):
    role_arn = make_role(trust(f"arn:aws:iam::{ACCOUNT_ID}:root"), managed=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"])
    user = make_user(inline=[allow("sts:AssumeRole", role_arn)])
    sts = sts_client(server, user.access_key_id, user.secret_access_key)
    result = sts.assume_role(RoleArn=role_arn, RoleSessionName="reader")
    credentials = result["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_arn.split('/')[-1]}/reader"
    session_sts = sts_client(server, credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    assert session_sts.get_caller_identity()["Arn"] == result["AssumedRoleUser"]["Arn"]
    session_iam = iam_client(server, credentials)
    session_iam.list_users(MaxItems=1)
    message = expect_error("AccessDenied", session_iam.create_user, UserName=unique("nope"))
    assert "assumed-role" in message and "iam:CreateUser" in message


def test_assume_role_is_denied_when_the_trust_policy_does_not_name_the_caller(server, make_user, make_role):
    role_arn = make_role(trust(f"arn:aws:iam::{ACCOUNT_ID}:user/somebody-else"))
    user = make_user(inline=[allow("sts:AssumeRole", role_arn)])
    sts = sts_client(server, user.access_key_id, user.secret_access_key)
    expect_error("AccessDenied", sts.assume_role, RoleArn=role_arn, RoleSessionName="s1")


def test_assume_role_requires_the_external_id_the_trust_policy_asks_for(server, make_user, make_role):
    role_arn = make_role(trust(f"arn:aws:iam::{ACCOUNT_ID}:root", {"StringEquals": {"sts:ExternalId": "abc-123"}}))
    user = make_user(inline=[allow("sts:AssumeRole", role_arn)])
    sts = sts_client(server, user.access_key_id, user.secret_access_key)
    expect_error("AccessDenied", sts.assume_role, RoleArn=role_arn, RoleSessionName="s1")
    expect_error("AccessDenied", sts.assume_role, RoleArn=role_arn, RoleSessionName="s1", ExternalId="wrong")
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="abc-123")["Credentials"]


def test_a_session_policy_narrows_the_role(server, make_user, make_role):
    role_arn = make_role(trust(f"arn:aws:iam::{ACCOUNT_ID}:root"), inline=[allow(["iam:ListUsers", "iam:ListRoles"])])
    user = make_user(inline=[allow("sts:AssumeRole", role_arn)])
    sts = sts_client(server, user.access_key_id, user.secret_access_key)
    narrowed = sts.assume_role(RoleArn=role_arn, RoleSessionName="narrow", Policy=json.dumps(allow("iam:ListUsers")))
    session_iam = iam_client(server, narrowed["Credentials"])
    session_iam.list_users(MaxItems=1)
    message = expect_error("AccessDenied", session_iam.list_roles)
    assert "session policy" in message


def test_a_tampered_session_token_is_refused(server, make_user, make_role):
    role_arn = make_role(trust(f"arn:aws:iam::{ACCOUNT_ID}:root"))
    user = make_user(inline=[allow("sts:AssumeRole", role_arn)])
    credentials = sts_client(server, user.access_key_id, user.secret_access_key).assume_role(
        RoleArn=role_arn, RoleSessionName="t1")["Credentials"]
    token = credentials["SessionToken"]
    tampered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    sts = sts_client(server, credentials["AccessKeyId"], credentials["SecretAccessKey"], tampered)
    expect_error("InvalidClientTokenId", sts.get_caller_identity)


def test_the_aws_cli_assumes_a_role(server, make_user, make_role, aws_cli):
    role_arn = make_role(trust(f"arn:aws:iam::{ACCOUNT_ID}:root"))
    user = make_user(inline=[allow("sts:AssumeRole", role_arn)])
    result = aws_cli("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli",
                     key=user.access_key_id, secret=user.secret_access_key)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Credentials"]["AccessKeyId"].startswith("ASIA")
