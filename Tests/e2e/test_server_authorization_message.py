"""Encoded authorization failure messages: a denial's AccessDenied message ends with an opaque
part that `sts decode-authorization-message` turns back into the decision's details, for callers
allowed sts:DecodeAuthorizationMessage."""
import json

from botocore.config import Config

from portcullis_e2e import REGION, allow, boto_session, expect_error, unique

MARKER = " Encoded authorization failure message: "


def sts_client(server, key, secret):
    return boto_session().client(
        "sts", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def test_boto3_decodes_a_denial(server, make_user):
    user = make_user(inline=[allow("sts:DecodeAuthorizationMessage")])
    message = expect_error("AccessDenied", user.client.create_user, UserName=unique("nope"))
    text, _, encoded = message.partition(MARKER)
    assert text.startswith(f"User: {user.arn} is not authorized to perform: iam:CreateUser on resource: ")
    decoded = json.loads(sts_client(server, user.access_key_id, user.secret_access_key)
                         .decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "iam:CreateUser"
    assert decoded["context"]["principal"]["arn"] == user.arn
    tampered = encoded[:-6] + ("AAAAAA" if not encoded.endswith("AAAAAA") else "BBBBBB")
    expect_error("InvalidAuthorizationMessageException",
                 sts_client(server, user.access_key_id, user.secret_access_key).decode_authorization_message,
                 EncodedMessage=tampered)


def test_aws_cli_decodes_a_denial(aws_cli, make_user):
    user = make_user()
    denied = aws_cli("iam", "list-roles", key=user.access_key_id, secret=user.secret_access_key)
    assert denied.returncode != 0
    encoded = denied.stderr.strip().split(MARKER)[-1].split()[0]
    done = aws_cli("sts", "decode-authorization-message", "--encoded-message", encoded, "--output", "json")
    assert done.returncode == 0, done.stderr
    decoded = json.loads(json.loads(done.stdout)["DecodedMessage"])
    assert decoded["context"]["action"] == "iam:ListRoles"
    # Without sts:DecodeAuthorizationMessage the user cannot read its own denial.
    refused = aws_cli("sts", "decode-authorization-message", "--encoded-message", encoded,
                      key=user.access_key_id, secret=user.secret_access_key)
    assert refused.returncode != 0 and "AccessDenied" in refused.stderr
