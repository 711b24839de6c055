"""Authentication: SigV4 as AWS checks it, with AWS's error codes."""
import datetime
import re
import urllib.parse
from unittest import mock

import botocore.auth
import pytest
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from portcullis_e2e import (
    REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, boto_session, expect_error, make_iam_client,
)

LIST_USERS = {"Action": "ListUsers", "Version": "2010-05-08"}


def signed(server, method="POST", params=LIST_USERS, key=ROOT_ACCESS_KEY_ID, secret=ROOT_SECRET_ACCESS_KEY, when=None,
           service="iam"):
    """A SigV4-signed Query request (botocore's signer), as (method, url, headers, body)."""
    body = urllib.parse.urlencode(params)
    if method == "GET":
        request = AWSRequest(method="GET", url=f"{server.endpoint}/?{body}")
    else:
        request = AWSRequest(
            method="POST", url=f"{server.endpoint}/", data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    signer = botocore.auth.SigV4Auth(Credentials(key, secret), service, REGION)
    if when is None:
        signer.add_auth(request)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            signer.add_auth(request)
    prepared = request.prepare()
    return prepared.method, prepared.url, dict(prepared.headers), prepared.body


def send(method, url, headers, body):
    return requests.request(method, url, headers=headers, data=body, timeout=10)


def error_code(response):
    match = re.search(r"<Code>([^<]*)</Code>", response.text)
    return match.group(1) if match else None


def error_message(response):
    match = re.search(r"<Message>([^<]*)</Message>", response.text)
    return match.group(1) if match else None


def test_signed_post_and_get_succeed(server):
    for method in ("POST", "GET"):
        response = send(*signed(server, method=method))
        assert response.status_code == 200, response.text
        assert "<ListUsersResponse" in response.text and "<IsTruncated>" in response.text
        assert response.headers.get("x-amzn-RequestId")


def test_wrong_secret_is_signature_does_not_match(iam_factory):
    client = iam_factory(ROOT_ACCESS_KEY_ID, "not-the-secret-at-all-0000000000000000000")
    message = expect_error("SignatureDoesNotMatch", client.list_users, status=403)
    assert message.startswith("The request signature we calculated does not match the signature you provided.")


def test_unknown_access_key_is_invalid_client_token_id(iam_factory):
    client = iam_factory("AKIAUNKNOWNKEY000000", ROOT_SECRET_ACCESS_KEY)
    message = expect_error("InvalidClientTokenId", client.list_users, status=403)
    assert message == "The security token included in the request is invalid."


def test_unsigned_request_is_missing_authentication_token(server):
    response = requests.post(f"{server.endpoint}/", data=LIST_USERS, timeout=10)
    assert response.status_code == 403
    assert error_code(response) == "MissingAuthenticationToken"
    assert error_message(response) == "Request is missing Authentication Token"
    assert "<ErrorResponse" in response.text and "<Type>Sender</Type>" in response.text
    response = requests.get(f"{server.endpoint}/", params=LIST_USERS, timeout=10)
    assert (response.status_code, error_code(response)) == (403, "MissingAuthenticationToken")


def test_tampered_body_is_signature_does_not_match(server):
    method, url, headers, body = signed(server, params={**LIST_USERS, "PathPrefix": "/a/"})
    tampered = body.replace("%2Fa%2F", "%2Fb%2F")
    assert tampered != body
    response = send(method, url, headers, tampered)
    assert (response.status_code, error_code(response)) == (403, "SignatureDoesNotMatch")


def test_stale_request_date_is_refused(server):
    an_hour_ago = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(hours=1)
    response = send(*signed(server, when=an_hour_ago))
    assert (response.status_code, error_code(response)) == (403, "SignatureDoesNotMatch")
    assert "Signature expired" in error_message(response)


def test_authorization_without_signature_is_incomplete_signature(server):
    method, url, headers, body = signed(server)
    headers["Authorization"] = headers["Authorization"].split(", Signature=")[0]
    response = send(method, url, headers, body)
    assert (response.status_code, error_code(response)) == (403, "IncompleteSignature")
    assert error_message(response).startswith("Authorization header requires 'Signature' parameter.")


def test_any_signing_region_is_accepted(server):
    client = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    eu = boto_session().client(
        "iam", endpoint_url=server.endpoint, region_name="eu-west-1", aws_access_key_id=ROOT_ACCESS_KEY_ID,
        aws_secret_access_key=ROOT_SECRET_ACCESS_KEY)
    assert eu.list_users(MaxItems=1)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert client.list_users(MaxItems=1)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_unknown_action_is_invalid_action(server):
    response = send(*signed(server, params={"Action": "FlyToTheMoon", "Version": "2010-05-08"}))
    assert (response.status_code, error_code(response)) == (400, "InvalidAction")
    assert error_message(response) == "Could not find operation FlyToTheMoon for version 2010-05-08"


def test_error_responses_carry_a_request_id(iam):
    from botocore.exceptions import ClientError

    try:
        iam.get_user(UserName="no-such-user-for-request-id")
    except ClientError as e:
        metadata = e.response["ResponseMetadata"]
        assert metadata["RequestId"]
        assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]
    else:
        raise AssertionError("expected NoSuchEntity")


def test_successful_responses_carry_the_request_id(iam):
    metadata = iam.list_users(MaxItems=1)["ResponseMetadata"]
    assert metadata["RequestId"]
    assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-amzn-requestid"]
