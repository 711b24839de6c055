"""GetFederationToken end to end: long-term credentials ask, the federated user's ARN and id come
back, its credentials identify it, and it is held to AWS's limits (no IAM, no STS but
GetCallerIdentity). That session policies narrow its permissions is shown by the Swift suite
(FederationTokenTests): IAM and STS, the only APIs here, are closed to federated users."""
import json
import shutil

import pytest
from botocore.config import Config

from portcullis_e2e import ACCOUNT_ID, REGION, allow, boto_session, doc, expect_error, unique


def client(server, service, key, secret, token=None):
    return boto_session().client(
        service, endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=key, aws_secret_access_key=secret,
        aws_session_token=token, config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def test_boto3_federation_token_for_a_user(server, make_user):
    user = make_user(inline=[allow(["sts:GetFederationToken", "iam:ListUsers"])])
    sts = client(server, "sts", user.access_key_id, user.secret_access_key)
    name = "fed-" + unique("f")[-8:]
    result = sts.get_federation_token(Name=name, Policy=doc(allow("iam:ListUsers")), DurationSeconds=900)
    assert result["FederatedUser"] == {
        "FederatedUserId": f"{ACCOUNT_ID}:{name}", "Arn": f"arn:aws:sts::{ACCOUNT_ID}:federated-user/{name}"}
    assert result["PackedPolicySize"] >= 1
    creds = result["Credentials"]
    fed_sts = client(server, "sts", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert fed_sts.get_caller_identity()["Arn"] == result["FederatedUser"]["Arn"]
    # Federated users cannot call IAM at all, nor STS beyond GetCallerIdentity.
    fed_iam = client(server, "iam", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    expect_error("InvalidClientTokenId", fed_iam.list_users)
    expect_error("AccessDenied", fed_sts.get_session_token)


def test_federation_token_needs_permission_and_long_term_credentials(server, make_user):
    user = make_user()
    sts = client(server, "sts", user.access_key_id, user.secret_access_key)
    message = expect_error("AccessDenied", sts.get_federation_token, Name="nobody")
    assert message.startswith(
        f"User: {user.arn} is not authorized to perform: sts:GetFederationToken on resource: "
        f"arn:aws:sts::{ACCOUNT_ID}:federated-user/nobody")
    allowed = make_user(inline=[allow(["sts:GetFederationToken", "sts:GetSessionToken"])])
    session = client(server, "sts", allowed.access_key_id, allowed.secret_access_key).get_session_token()["Credentials"]
    temporary = client(server, "sts", session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    message = expect_error("AccessDenied", temporary.get_federation_token, Name="again")
    assert message == "Cannot call GetFederationToken with session credentials"
    expect_error("MalformedPolicyDocument", client(server, "sts", allowed.access_key_id, allowed.secret_access_key)
                 .get_federation_token, Name="bad-policy", Policy='{"Version":"2012-10-17","Statement":[]}')


def test_aws_cli_get_federation_token(server, aws_cli, make_user):
    user = make_user(inline=[allow("sts:GetFederationToken")])
    done = aws_cli("sts", "get-federation-token", "--name", "cli-fed", "--policy", json.dumps(allow("s3:GetObject")),
                   "--output", "json", key=user.access_key_id, secret=user.secret_access_key)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:federated-user/cli-fed"
