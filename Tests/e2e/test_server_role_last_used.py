"""RoleLastUsed: a request signed with a role session's temporary credentials is a use of the
role, reported by GetRole (boto3 and the AWS CLI) and GetAccountAuthorizationDetails with its
date and Region, kept across a restart; ListRoles does not carry it, as on AWS."""
import datetime
import json

import pytest
from botocore.config import Config

from portcullis_e2e import (
    ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, arn, boto_session, doc, make_iam_client, unique,
)


@pytest.fixture
def own_server(server_factory):
    """A server of this test's own, so that restarting it disturbs no one."""
    s = server_factory("role-last-used").start()
    yield s
    s.stop()


def client(server, service, credentials, region):
    return boto_session().client(
        service, endpoint_url=server.endpoint, region_name=region, aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials.get("SessionToken"),
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def test_using_a_role_session_records_role_last_used(own_server):
    iam = make_iam_client(own_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    user = unique("caller")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="assume", PolicyDocument=doc(allow("sts:AssumeRole")))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    role = unique("used-role")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": arn("user", user)}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=doc(trust))
    iam.put_role_policy(RoleName=role, PolicyName="read", PolicyDocument=doc(allow("iam:GetUser")))
    assert iam.get_role(RoleName=role)["Role"].get("RoleLastUsed", {}) == {}

    user_keys = {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}
    credentials = client(own_server, "sts", user_keys, "us-east-1").assume_role(
        RoleArn=arn("role", role), RoleSessionName="used")["Credentials"]
    # Assuming the role is not a use of it; a request signed with the session's credentials is.
    assert iam.get_role(RoleName=role)["Role"].get("RoleLastUsed", {}) == {}
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    client(own_server, "sts", credentials, "eu-west-1").get_caller_identity()

    last_used = iam.get_role(RoleName=role)["Role"]["RoleLastUsed"]
    assert last_used["Region"] == "eu-west-1"
    assert last_used["LastUsedDate"] >= before
    details = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
    assert [d["RoleLastUsed"]["Region"] for d in details if d["RoleName"] == role] == ["eu-west-1"]
    assert all("RoleLastUsed" not in r for r in iam.list_roles()["Roles"])

    # Written to the directory at shutdown, so it outlives a restart.
    own_server.restart()
    iam = make_iam_client(own_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    assert iam.get_role(RoleName=role)["Role"]["RoleLastUsed"]["Region"] == "eu-west-1"


def test_the_cli_shows_role_last_used(server, iam, make_user, aws_cli):
    user = make_user(inline=[allow("sts:AssumeRole")])
    role = unique("cli-used-role")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=doc(trust))
    assumed = aws_cli(
        "sts", "assume-role", "--role-arn", arn("role", role), "--role-session-name", "cli",
        key=user.access_key_id, secret=user.secret_access_key)
    assert assumed.returncode == 0, assumed.stderr
    credentials = json.loads(assumed.stdout)["Credentials"]
    client(server, "sts", credentials, "ap-southeast-2").get_caller_identity()

    shown = aws_cli("iam", "get-role", "--role-name", role)
    assert shown.returncode == 0, shown.stderr
    last_used = json.loads(shown.stdout)["Role"]["RoleLastUsed"]
    assert last_used["Region"] == "ap-southeast-2" and last_used["LastUsedDate"]
