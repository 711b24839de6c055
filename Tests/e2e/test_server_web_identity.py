"""AssumeRoleWithWebIdentity end to end: an IAM OIDC provider, its signing keys placed where the
server reads them (DATA_DIR/oidc-keys/HOST/PATH/jwks.json), ID tokens signed here with keys made
for the test, and the unsigned STS call made by boto3 and by the AWS CLI."""
import base64
import json
import os
import pathlib
import shutil
import subprocess
import time

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from portcullis_e2e import ACCOUNT_ID, REGION, arn, boto_session, doc, expect_error, unique

CLIENT_ID = "portcullis-e2e"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_bytes(n, length=None):
    return n.to_bytes(length or (n.bit_length() + 7) // 8, "big")


class Issuer:
    """An OIDC issuer at https://HOST: an RSA and a P-256 key, its JWKS, and signed ID tokens."""

    def __init__(self, host):
        self.host = host
        self.url = f"https://{host}"
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())

    def jwks(self):
        rsa_numbers = self.rsa.public_key().public_numbers()
        ec_numbers = self.ec.public_key().public_numbers()
        return {"keys": [
            {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256",
             "n": b64url(int_bytes(rsa_numbers.n)), "e": b64url(int_bytes(rsa_numbers.e))},
            {"kty": "EC", "kid": "ec-1", "use": "sig", "crv": "P-256",
             "x": b64url(int_bytes(ec_numbers.x, 32)), "y": b64url(int_bytes(ec_numbers.y, 32))},
        ]}

    def token(self, alg="RS256", **claims):
        now = int(time.time())
        body = {"iss": self.url, "sub": "repo:portcullis:ref:main", "aud": CLIENT_ID, "iat": now - 10, "exp": now + 600}
        body.update(claims)
        header = {"alg": alg, "typ": "JWT", "kid": "rsa-1" if alg == "RS256" else "ec-1"}
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(body).encode())}".encode()
        if alg == "RS256":
            signature = self.rsa.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            r, s = decode_dss_signature(self.ec.sign(signing_input, ec.ECDSA(hashes.SHA256())))
            signature = int_bytes(r, 32) + int_bytes(s, 32)
        return f"{signing_input.decode()}.{b64url(signature)}"


@pytest.fixture
def issuer(server, iam):
    """A registered provider for a fresh issuer, its JWKS in the server's oidc-keys directory."""
    issuer = Issuer(f"{unique('idp')}.example.com")
    provider_arn = iam.create_open_id_connect_provider(
        Url=issuer.url, ClientIDList=[CLIENT_ID], ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    assert provider_arn == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{issuer.host}"
    issuer.provider_arn = provider_arn
    keys = pathlib.Path(server.data_dir) / "oidc-keys" / issuer.host / "jwks.json"
    keys.parent.mkdir(parents=True, exist_ok=True)
    keys.write_text(json.dumps(issuer.jwks()))
    return issuer


def web_role(iam, issuer, condition=None):
    statement = {"Effect": "Allow", "Principal": {"Federated": issuer.provider_arn},
                 "Action": "sts:AssumeRoleWithWebIdentity"}
    if condition:
        statement["Condition"] = condition
    name = unique("web")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc({"Version": "2012-10-17", "Statement": [statement]}))
    return arn("role", name), name


def sts_client(server, key=None, secret=None, token=None):
    """An STS client; without credentials it signs nothing (boto3 sends web identity calls unsigned anyway)."""
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    if key is None:
        config = config.merge(Config(signature_version=UNSIGNED))
    return boto_session().client(
        "sts", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=key, aws_secret_access_key=secret,
        aws_session_token=token, config=config)


def aws(server, tmp_path, *args, key=None, secret=None, token=None):
    """The AWS CLI against the server, with the given credentials (none at all when key is None)."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "AWS_DEFAULT_REGION": REGION, "AWS_PAGER": "",
           "AWS_MAX_ATTEMPTS": "1", "AWS_CONFIG_FILE": str(tmp_path / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}
    if key:
        env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
    if token:
        env["AWS_SESSION_TOKEN"] = token
    for var in ("PYENV_ROOT", "PYENV_VERSION", "LANG", "LC_ALL"):
        if var in os.environ:
            env[var] = os.environ[var]
    return subprocess.run([shutil.which("aws"), "--endpoint-url", server.endpoint, *args, "--output", "json"],
                          capture_output=True, text=True, env=env, timeout=60)


def test_oidc_provider_lifecycle(iam):
    url = f"https://{unique('idp')}.example.com/tenants/blue"
    provider_arn = iam.create_open_id_connect_provider(Url=url, ClientIDList=["a"], ThumbprintList=[])["OpenIDConnectProviderArn"]
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    assert got["Url"] == url.removeprefix("https://") and got["ClientIDList"] == ["a"]
    assert provider_arn in [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    expect_error("EntityAlreadyExists", iam.create_open_id_connect_provider, Url=url, ClientIDList=["a"])
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn, ClientID="b")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn, ClientID="a")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=provider_arn, ThumbprintList=["0" * 40])
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn, Tags=[{"Key": "env", "Value": "ci"}])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=provider_arn)["Tags"] == [{"Key": "env", "Value": "ci"}]
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    assert got["ClientIDList"] == ["b"] and got["ThumbprintList"] == ["0" * 40]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    expect_error("NoSuchEntity", iam.get_open_id_connect_provider, OpenIDConnectProviderArn=provider_arn)
    expect_error("InvalidInput", iam.create_open_id_connect_provider, Url="http://insecure.example.com", ClientIDList=["a"])


def test_boto3_assumes_a_role_with_an_rs256_token_and_the_session_works(server, iam, issuer):
    role_arn, role_name = web_role(
        iam, issuer, {"StringEquals": {f"{issuer.host}:aud": CLIENT_ID, f"{issuer.host}:sub": "repo:portcullis:ref:main"}})
    result = sts_client(server).assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="ci-run", WebIdentityToken=issuer.token())
    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/ci-run"
    assert result["AssumedRoleUser"]["Arn"] == session_arn
    assert result["SubjectFromWebIdentityToken"] == "repo:portcullis:ref:main"
    assert result["Audience"] == CLIENT_ID and result["Provider"] == issuer.url
    creds = result["Credentials"]
    identity = sts_client(server, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]).get_caller_identity()
    assert identity["Arn"] == session_arn


def test_boto3_with_configured_credentials_still_sends_it_unsigned(server, iam, issuer):
    role_arn, _ = web_role(iam, issuer)
    # botocore marks the operation auth type none: credentials in the client are not used.
    client = sts_client(server, "AKIAIGNOREDIGNORED00", "ignored-secret")
    result = client.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="es", WebIdentityToken=issuer.token(alg="ES256"))
    assert result["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_trust_conditions_and_token_checks_refuse(server, iam, issuer):
    role_arn, _ = web_role(iam, issuer, {"StringEquals": {f"{issuer.host}:sub": "repo:portcullis:ref:main"}})
    sts = sts_client(server)
    message = expect_error(
        "AccessDenied", sts.assume_role_with_web_identity, RoleArn=role_arn, RoleSessionName="s1",
        WebIdentityToken=issuer.token(sub="repo:evil:ref:main"))
    assert message == "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    message = expect_error(
        "InvalidIdentityToken", sts.assume_role_with_web_identity, RoleArn=role_arn, RoleSessionName="s1",
        WebIdentityToken=issuer.token(aud="someone-else"))
    assert message == "Incorrect token audience"
    expect_error(
        "ExpiredTokenException", sts.assume_role_with_web_identity, RoleArn=role_arn, RoleSessionName="s1",
        WebIdentityToken=issuer.token(exp=int(time.time()) - 3600))
    stranger = Issuer(f"{unique('stranger')}.example.com")
    message = expect_error(
        "InvalidIdentityToken", sts.assume_role_with_web_identity, RoleArn=role_arn, RoleSessionName="s1",
        WebIdentityToken=stranger.token())
    assert message == f"No OpenIDConnect provider found in your account for {stranger.url}"


def test_other_operations_still_need_a_signature(server):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as excinfo:
        sts_client(server).get_caller_identity()
    assert excinfo.value.response["Error"]["Code"] in ("MissingAuthenticationToken", "InvalidClientTokenId",
                                                       "IncompleteSignature", "AccessDenied")


def test_aws_cli_assume_role_with_web_identity(server, iam, issuer, tmp_path):
    if shutil.which("aws") is None:
        pytest.skip("the AWS CLI is not installed")
    role_arn, role_name = web_role(iam, issuer, {"StringEquals": {f"{issuer.host}:aud": CLIENT_ID}})
    done = aws(server, tmp_path, "sts", "assume-role-with-web-identity", "--role-arn", role_arn,
               "--role-session-name", "cli", "--web-identity-token", issuer.token())
    assert done.returncode == 0, done.stderr
    creds = json.loads(done.stdout)["Credentials"]
    who = aws(server, tmp_path, "sts", "get-caller-identity", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
              token=creds["SessionToken"])
    assert who.returncode == 0, who.stderr
    assert json.loads(who.stdout)["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/cli"
    refused = aws(server, tmp_path, "sts", "assume-role-with-web-identity", "--role-arn", role_arn,
                  "--role-session-name", "cli", "--web-identity-token", issuer.token(aud="wrong"))
    assert refused.returncode != 0 and "InvalidIdentityToken" in refused.stderr
