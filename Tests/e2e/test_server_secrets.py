"""Secrets at rest and in logs: no secret access key, MFA seed, session secret or password-like
value the server handed out appears in clear in its data directory or its log."""
import base64
import json
import pathlib

import pytest

from portcullis_e2e import ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, REGION, allow, boto_session, make_iam_client


@pytest.fixture
def own_server(server_factory):
    s = server_factory("secrets").start()
    yield s
    s.stop()


def files_under(folder):
    return [p for p in pathlib.Path(folder).rglob("*") if p.is_file()]


def test_no_secret_appears_in_the_data_directory_or_the_log(own_server):
    iam = make_iam_client(own_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    iam.create_user(UserName="keeper")
    iam.put_user_policy(UserName="keeper", PolicyName="sts", PolicyDocument=json.dumps(allow("sts:*")))
    key = iam.create_access_key(UserName="keeper")["AccessKey"]
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="keeper")["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    seed = seed.decode() if isinstance(seed, bytes) else seed
    sts = boto_session().client("sts", endpoint_url=own_server.endpoint, region_name=REGION,
                                aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    session = sts.get_session_token()["Credentials"]
    # Make the server write everything it holds (last-used data flushes at shutdown).
    iam.list_users()
    own_server.stop()

    secrets = {
        "user secret access key": key["SecretAccessKey"],
        "root secret access key": ROOT_SECRET_ACCESS_KEY,
        "MFA seed": seed,
        "session secret access key": session["SecretAccessKey"],
    }
    places = files_under(own_server.data_dir) + [pathlib.Path(own_server.log_path)]
    assert any(p.name.endswith(".sqlite") for p in places), places
    for path in places:
        data = path.read_bytes()
        for what, secret in secrets.items():
            for form in {secret.encode(), base64.b64encode(secret.encode())}:
                assert form not in data, f"{what} found in clear in {path}"
    own_server.start()
