"""Signing certificates, server certificates, SSH public keys and service-specific credentials
against the real binary, with boto3 and the AWS CLI: every operation, its errors, its quota, and
no server-certificate private key (nor service password) in clear in the data directory or the log.

Certificates and keys are made here with `cryptography`. The server is this file's own, so the
account-wide server-certificate count and the final grep see only this file's work."""
import base64
import datetime
import hashlib
import json
import os
import pathlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from portcullis_e2e import (
    ACCOUNT_ID, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, expect_error, make_iam_client, unique,
)

# Every secret handed to or returned by the server, for the final grep.
SECRETS = []


# ---------------------------------------------------------------------------------------------
# Material
# ---------------------------------------------------------------------------------------------

def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def certificate(key, cn="example.com", days=365, start=None, issuer_key=None):
    start = start or datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=days)).sign(issuer_key or key, hashes.SHA256()))
    return cert, cert.public_bytes(serialization.Encoding.PEM).decode()


def private_pem(key, fmt=serialization.PrivateFormat.PKCS8):
    pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()
    SECRETS.append(pem)
    return pem


def ssh_public(key):
    return key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def spki_pem(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def md5_fingerprint(openssh):
    digest = hashlib.md5(base64.b64decode(openssh.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cert_server(server_factory):
    s = server_factory("certificates").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def iam(cert_server):
    return make_iam_client(cert_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)


@pytest.fixture(scope="module")
def cli(aws_cli_for, cert_server):
    run = aws_cli_for(cert_server)

    def call(*args, ok=True):
        result = run("iam", *args, "--output", "json")
        if ok:
            assert result.returncode == 0, result.stderr
            return json.loads(result.stdout) if result.stdout.strip() else {}
        assert result.returncode != 0, result.stdout
        return result.stderr

    return call


@pytest.fixture
def user(iam):
    name = unique("certuser")
    iam.create_user(UserName=name)
    return name


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return f"file://{path}"


# ---------------------------------------------------------------------------------------------
# Signing certificates
# ---------------------------------------------------------------------------------------------

def test_signing_certificate_lifecycle_with_boto3(iam, user):
    _, pem = certificate(rsa_key())
    cert = iam.upload_signing_certificate(UserName=user, CertificateBody=pem)["Certificate"]
    assert cert["Status"] == "Active" and cert["UserName"] == user
    assert len(cert["CertificateId"]) >= 24 and cert["CertificateId"].isupper()
    listed = iam.list_signing_certificates(UserName=user)["Certificates"]
    assert [c["CertificateId"] for c in listed] == [cert["CertificateId"]]
    assert listed[0]["CertificateBody"] == pem
    iam.update_signing_certificate(UserName=user, CertificateId=cert["CertificateId"], Status="Inactive")
    assert iam.list_signing_certificates(UserName=user)["Certificates"][0]["Status"] == "Inactive"
    expect_error("DeleteConflict", iam.delete_user, UserName=user, status=409)
    iam.delete_signing_certificate(UserName=user, CertificateId=cert["CertificateId"])
    assert iam.list_signing_certificates(UserName=user)["Certificates"] == []
    expect_error("NoSuchEntity", iam.delete_signing_certificate, UserName=user, CertificateId=cert["CertificateId"], status=404)
    iam.delete_user(UserName=user)


def test_signing_certificate_errors_with_boto3(iam, user):
    expect_error("MalformedCertificate", iam.upload_signing_certificate, UserName=user, CertificateBody="nope", status=400)
    _, expired = certificate(rsa_key(), start=datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc), days=30)
    expect_error("InvalidCertificate", iam.upload_signing_certificate, UserName=user, CertificateBody=expired, status=400)
    pems = [certificate(rsa_key())[1] for _ in range(3)]
    iam.upload_signing_certificate(UserName=user, CertificateBody=pems[0])
    other = unique("certother")
    iam.create_user(UserName=other)
    expect_error("DuplicateCertificate", iam.upload_signing_certificate, UserName=other, CertificateBody=pems[0], status=409)
    iam.upload_signing_certificate(UserName=user, CertificateBody=pems[1])
    expect_error("LimitExceeded", iam.upload_signing_certificate, UserName=user, CertificateBody=pems[2], status=409)
    expect_error("NoSuchEntity", iam.upload_signing_certificate, UserName="ghost-user", CertificateBody=pems[2], status=404)


def test_signing_certificates_with_the_cli(cli, user, tmp_path):
    _, pem = certificate(rsa_key())
    cert = cli("upload-signing-certificate", "--user-name", user, "--certificate-body", write(tmp_path, "c.pem", pem))["Certificate"]
    cert_id = cert["CertificateId"]
    assert cli("list-signing-certificates", "--user-name", user)["Certificates"][0]["CertificateId"] == cert_id
    cli("update-signing-certificate", "--user-name", user, "--certificate-id", cert_id, "--status", "Inactive")
    assert cli("list-signing-certificates", "--user-name", user)["Certificates"][0]["Status"] == "Inactive"
    assert "DuplicateCertificate" in cli(
        "upload-signing-certificate", "--user-name", user, "--certificate-body", write(tmp_path, "c.pem", pem), ok=False)
    assert "MalformedCertificate" in cli(
        "upload-signing-certificate", "--user-name", user, "--certificate-body", "garbage", ok=False)
    cli("delete-signing-certificate", "--user-name", user, "--certificate-id", cert_id)
    assert "NoSuchEntity" in cli("delete-signing-certificate", "--user-name", user, "--certificate-id", cert_id, ok=False)


def test_a_user_uploads_its_own_signing_certificate_and_the_report_shows_it(iam, iam_factory_for_cert, user):
    iam.put_user_policy(UserName=user, PolicyName="own", PolicyDocument=json.dumps(
        allow(["iam:UploadSigningCertificate", "iam:ListSigningCertificates"], f"arn:aws:iam::{ACCOUNT_ID}:user/{user}")))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    client = iam_factory_for_cert(key["AccessKeyId"], key["SecretAccessKey"])
    _, pem = certificate(rsa_key())
    cert = client.upload_signing_certificate(CertificateBody=pem)["Certificate"]
    assert cert["UserName"] == user
    other = unique("certother")
    iam.create_user(UserName=other)
    expect_error("AccessDenied", client.list_signing_certificates, UserName=other, status=403)
    import time
    while iam.generate_credential_report()["State"] != "COMPLETE":
        time.sleep(0.2)
    report = iam.get_credential_report()["Content"].decode()
    header, *rows = report.splitlines()
    columns = header.split(",")
    row = dict(zip(columns, next(r for r in rows if r.startswith(user + ",")).split(",")))
    assert row["cert_1_active"] == "true" and row["cert_1_last_rotated"] != "N/A"
    assert row["cert_2_active"] == "false" and row["cert_2_last_rotated"] == "N/A"


@pytest.fixture(scope="module")
def iam_factory_for_cert(cert_server):
    return lambda key_id, secret: make_iam_client(cert_server.endpoint, key_id, secret)


# ---------------------------------------------------------------------------------------------
# Server certificates
# ---------------------------------------------------------------------------------------------

def test_server_certificate_lifecycle_with_boto3(iam):
    key = rsa_key()
    cert, pem = certificate(key, days=90)
    _, chain = certificate(rsa_key(), cn="Test CA")
    name = unique("web")
    meta = iam.upload_server_certificate(
        Path="/cloudfront/e2e/", ServerCertificateName=name, CertificateBody=pem, PrivateKey=private_pem(key),
        CertificateChain=chain, Tags=[{"Key": "env", "Value": "test"}])["ServerCertificateMetadata"]
    assert meta["ServerCertificateId"].startswith("ASCA")
    assert meta["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/cloudfront/e2e/{name}"
    assert meta["Expiration"] == cert.not_valid_after_utc.replace(microsecond=0)
    got = iam.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
    assert got["CertificateBody"] == pem and got["CertificateChain"] == chain
    assert got["Tags"] == [{"Key": "env", "Value": "test"}]
    assert "PrivateKey" not in got and "PRIVATE KEY" not in json.dumps(got, default=str)
    listed = iam.list_server_certificates(PathPrefix="/cloudfront/e2e/")["ServerCertificateMetadataList"]
    assert name in [m["ServerCertificateName"] for m in listed]
    iam.tag_server_certificate(ServerCertificateName=name, Tags=[{"Key": "team", "Value": "web"}])
    assert [t["Key"] for t in iam.list_server_certificate_tags(ServerCertificateName=name)["Tags"]] == ["env", "team"]
    iam.untag_server_certificate(ServerCertificateName=name, TagKeys=["env"])
    assert iam.list_server_certificate_tags(ServerCertificateName=name)["Tags"] == [{"Key": "team", "Value": "web"}]
    iam.update_server_certificate(ServerCertificateName=name, NewServerCertificateName=name + "-new", NewPath="/moved/")
    expect_error("NoSuchEntity", iam.get_server_certificate, ServerCertificateName=name, status=404)
    moved = iam.get_server_certificate(ServerCertificateName=name + "-new")["ServerCertificate"]["ServerCertificateMetadata"]
    assert moved["Path"] == "/moved/" and moved["ServerCertificateId"] == meta["ServerCertificateId"]
    iam.delete_server_certificate(ServerCertificateName=name + "-new")
    expect_error("NoSuchEntity", iam.delete_server_certificate, ServerCertificateName=name + "-new", status=404)


def test_server_certificate_errors_with_boto3(iam):
    key = rsa_key()
    _, pem = certificate(key)
    name = unique("web")
    expect_error("KeyPairMismatch", iam.upload_server_certificate, ServerCertificateName=name, CertificateBody=pem,
                 PrivateKey=private_pem(rsa_key()), status=400)
    expect_error("MalformedCertificate", iam.upload_server_certificate, ServerCertificateName=name, CertificateBody="x",
                 PrivateKey=private_pem(key), status=400)
    expect_error("MalformedCertificate", iam.upload_server_certificate, ServerCertificateName=name, CertificateBody=pem,
                 PrivateKey="not a key", status=400)
    expect_error("MalformedCertificate", iam.upload_server_certificate, ServerCertificateName=name, CertificateBody=pem,
                 PrivateKey=private_pem(key), CertificateChain="junk", status=400)
    # An EC key in SEC1 form, too.
    eckey = ec.generate_private_key(ec.SECP256R1())
    _, ecpem = certificate(eckey)
    iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=ecpem,
                                  PrivateKey=private_pem(eckey, serialization.PrivateFormat.TraditionalOpenSSL))
    expect_error("EntityAlreadyExists", iam.upload_server_certificate, ServerCertificateName=name.upper(),
                 CertificateBody=pem, PrivateKey=private_pem(key), status=409)
    expect_error("InvalidInput", iam.tag_server_certificate, ServerCertificateName=name,
                 Tags=[{"Key": "aws:reserved", "Value": "x"}], status=400)
    iam.delete_server_certificate(ServerCertificateName=name)


def test_server_certificate_quota_is_twenty_per_account(iam):
    key = rsa_key()
    pem_key = private_pem(key)
    existing = len(iam.list_server_certificates()["ServerCertificateMetadataList"])
    names = []
    for _ in range(20 - existing):
        names.append(unique("q"))
        iam.upload_server_certificate(ServerCertificateName=names[-1], CertificateBody=certificate(key)[1], PrivateKey=pem_key)
    expect_error("LimitExceeded", iam.upload_server_certificate, ServerCertificateName=unique("q"),
                 CertificateBody=certificate(key)[1], PrivateKey=pem_key, status=409)
    page = iam.list_server_certificates(MaxItems=5)
    assert page["IsTruncated"] and len(page["ServerCertificateMetadataList"]) == 5
    rest = iam.list_server_certificates(Marker=page["Marker"])["ServerCertificateMetadataList"]
    assert len(rest) == 15
    for name in names:
        iam.delete_server_certificate(ServerCertificateName=name)


def test_server_certificate_authorization_is_on_its_arn(iam, iam_factory_for_cert, user):
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(
        allow("iam:UploadServerCertificate", f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/team/*")))
    k = iam.create_access_key(UserName=user)["AccessKey"]
    client = iam_factory_for_cert(k["AccessKeyId"], k["SecretAccessKey"])
    key = rsa_key()
    name = unique("team")
    client.upload_server_certificate(Path="/team/", ServerCertificateName=name, CertificateBody=certificate(key)[1],
                                     PrivateKey=private_pem(key))
    expect_error("AccessDenied", client.upload_server_certificate, ServerCertificateName=unique("x"),
                 CertificateBody=certificate(key)[1], PrivateKey=private_pem(key), status=403)
    expect_error("AccessDenied", client.delete_server_certificate, ServerCertificateName=name, status=403)
    iam.delete_server_certificate(ServerCertificateName=name)


def test_server_certificates_with_the_cli(cli, tmp_path):
    key = rsa_key()
    _, pem = certificate(key)
    name = unique("cliweb")
    meta = cli("upload-server-certificate", "--server-certificate-name", name, "--path", "/cli/",
               "--certificate-body", write(tmp_path, "c.pem", pem), "--private-key", write(tmp_path, "k.pem", private_pem(key)),
               "--tags", "Key=env,Value=cli")["ServerCertificateMetadata"]
    assert meta["Arn"].endswith(f":server-certificate/cli/{name}")
    assert cli("get-server-certificate", "--server-certificate-name", name)["ServerCertificate"]["CertificateBody"] == pem
    assert name in [m["ServerCertificateName"] for m in cli("list-server-certificates", "--path-prefix", "/cli/")["ServerCertificateMetadataList"]]
    cli("tag-server-certificate", "--server-certificate-name", name, "--tags", "Key=team,Value=a")
    assert len(cli("list-server-certificate-tags", "--server-certificate-name", name)["Tags"]) == 2
    cli("untag-server-certificate", "--server-certificate-name", name, "--tag-keys", "team")
    cli("update-server-certificate", "--server-certificate-name", name, "--new-path", "/cli2/")
    assert "KeyPairMismatch" in cli(
        "upload-server-certificate", "--server-certificate-name", unique("x"), "--certificate-body", write(tmp_path, "c.pem", pem),
        "--private-key", write(tmp_path, "k2.pem", private_pem(rsa_key())), ok=False)
    assert "EntityAlreadyExists" in cli(
        "upload-server-certificate", "--server-certificate-name", name, "--certificate-body", write(tmp_path, "c.pem", pem),
        "--private-key", write(tmp_path, "k.pem", private_pem(key)), ok=False)
    cli("delete-server-certificate", "--server-certificate-name", name)
    assert "NoSuchEntity" in cli("get-server-certificate", "--server-certificate-name", name, ok=False)


# ---------------------------------------------------------------------------------------------
# SSH public keys
# ---------------------------------------------------------------------------------------------

def test_ssh_public_key_lifecycle_and_encodings_with_boto3(iam, user):
    key = rsa_key()
    body = ssh_public(key)
    uploaded = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=body)["SSHPublicKey"]
    key_id = uploaded["SSHPublicKeyId"]
    assert key_id.startswith("APKA") and uploaded["Status"] == "Active"
    assert uploaded["Fingerprint"] == md5_fingerprint(body)
    pem = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="PEM")["SSHPublicKey"]["SSHPublicKeyBody"]
    assert serialization.load_pem_public_key(pem.encode()).public_numbers() == key.public_key().public_numbers()
    assert iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")["SSHPublicKey"]["SSHPublicKeyBody"] == body
    assert [k["SSHPublicKeyId"] for k in iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]] == [key_id]
    iam.update_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Status="Inactive")
    assert iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"][0]["Status"] == "Inactive"
    expect_error("DeleteConflict", iam.delete_user, UserName=user, status=409)
    iam.delete_ssh_public_key(UserName=user, SSHPublicKeyId=key_id)
    expect_error("NoSuchEntity", iam.get_ssh_public_key, UserName=user, SSHPublicKeyId=key_id, Encoding="SSH", status=404)
    # Uploaded as PEM, returned as OpenSSH.
    pem_id = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=spki_pem(key))["SSHPublicKey"]["SSHPublicKeyId"]
    assert iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=pem_id, Encoding="SSH")["SSHPublicKey"]["SSHPublicKeyBody"] == body
    iam.delete_ssh_public_key(UserName=user, SSHPublicKeyId=pem_id)
    iam.delete_user(UserName=user)


def test_ssh_public_key_errors_with_boto3(iam, user):
    expect_error("UnrecognizedPublicKeyEncoding", iam.upload_ssh_public_key, UserName=user, SSHPublicKeyBody="hello", status=400)
    expect_error("InvalidPublicKey", iam.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=ssh_public(rsa_key(1024)), status=400)
    ed = ed25519.Ed25519PrivateKey.generate()
    expect_error("InvalidPublicKey", iam.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=ssh_public(ed), status=400)
    key = rsa_key()
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=ssh_public(key))
    expect_error("DuplicateSSHPublicKey", iam.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=spki_pem(key), status=400)
    for _ in range(4):
        iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=ssh_public(rsa_key()))
    expect_error("LimitExceeded", iam.upload_ssh_public_key, UserName=user, SSHPublicKeyBody=ssh_public(rsa_key()), status=409)
    expect_error("NoSuchEntity", iam.list_ssh_public_keys, UserName="ghost-user", status=404)


def test_ssh_public_keys_with_the_cli(cli, user):
    key = rsa_key()
    uploaded = cli("upload-ssh-public-key", "--user-name", user, "--ssh-public-key-body", ssh_public(key))["SSHPublicKey"]
    key_id = uploaded["SSHPublicKeyId"]
    pem = cli("get-ssh-public-key", "--user-name", user, "--ssh-public-key-id", key_id, "--encoding", "PEM")
    assert pem["SSHPublicKey"]["SSHPublicKeyBody"].startswith("-----BEGIN PUBLIC KEY-----")
    assert cli("list-ssh-public-keys", "--user-name", user)["SSHPublicKeys"][0]["SSHPublicKeyId"] == key_id
    cli("update-ssh-public-key", "--user-name", user, "--ssh-public-key-id", key_id, "--status", "Inactive")
    assert "DuplicateSSHPublicKey" in cli("upload-ssh-public-key", "--user-name", user, "--ssh-public-key-body", ssh_public(key), ok=False)
    assert "UnrecognizedPublicKeyEncoding" in cli("upload-ssh-public-key", "--user-name", user, "--ssh-public-key-body", "nope", ok=False)
    cli("delete-ssh-public-key", "--user-name", user, "--ssh-public-key-id", key_id)
    assert "NoSuchEntity" in cli("delete-ssh-public-key", "--user-name", user, "--ssh-public-key-id", key_id, ok=False)


# ---------------------------------------------------------------------------------------------
# Service-specific credentials
# ---------------------------------------------------------------------------------------------

def test_service_specific_credential_lifecycle_with_boto3(iam, user):
    created = iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    SECRETS.append(created["ServicePassword"])
    assert created["ServiceUserName"] == f"{user}-at-{ACCOUNT_ID}"
    assert created["ServiceSpecificCredentialId"].startswith("ACCA") and created["Status"] == "Active"
    cred_id = created["ServiceSpecificCredentialId"]
    listed = iam.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [cred_id] and "ServicePassword" not in listed[0]
    reset = iam.reset_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cred_id)["ServiceSpecificCredential"]
    SECRETS.append(reset["ServicePassword"])
    assert reset["ServicePassword"] != created["ServicePassword"]
    iam.update_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cred_id, Status="Inactive")
    assert iam.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"][0]["Status"] == "Inactive"
    expect_error("DeleteConflict", iam.delete_user, UserName=user, status=409)
    iam.delete_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cred_id)
    expect_error("NoSuchEntity", iam.reset_service_specific_credential, UserName=user, ServiceSpecificCredentialId=cred_id, status=404)
    iam.delete_user(UserName=user)


def test_service_specific_credential_errors_with_boto3(iam, user):
    expect_error("NotSupportedService", iam.create_service_specific_credential, UserName=user, ServiceName="s3.amazonaws.com", status=404)
    for _ in range(2):
        SECRETS.append(iam.create_service_specific_credential(UserName=user, ServiceName="cassandra.amazonaws.com")
                       ["ServiceSpecificCredential"]["ServicePassword"])
    expect_error("LimitExceeded", iam.create_service_specific_credential, UserName=user, ServiceName="cassandra.amazonaws.com", status=409)
    expect_error("NoSuchEntity", iam.create_service_specific_credential, UserName="ghost-user", ServiceName="codecommit.amazonaws.com", status=404)
    api_key = iam.create_service_specific_credential(
        UserName=user, ServiceName="bedrock.amazonaws.com", CredentialAgeDays=7)["ServiceSpecificCredential"]
    SECRETS.append(api_key["ServiceCredentialSecret"])
    assert api_key["ServiceCredentialAlias"].endswith(f"-at-{ACCOUNT_ID}") and "ExpirationDate" in api_key


def test_service_specific_credentials_with_the_cli(cli, user):
    created = cli("create-service-specific-credential", "--user-name", user, "--service-name", "codecommit.amazonaws.com")
    cred = created["ServiceSpecificCredential"]
    SECRETS.append(cred["ServicePassword"])
    cred_id = cred["ServiceSpecificCredentialId"]
    assert cli("list-service-specific-credentials", "--user-name", user)["ServiceSpecificCredentials"][0]["ServiceSpecificCredentialId"] == cred_id
    SECRETS.append(cli("reset-service-specific-credential", "--user-name", user, "--service-specific-credential-id", cred_id)
                   ["ServiceSpecificCredential"]["ServicePassword"])
    cli("update-service-specific-credential", "--user-name", user, "--service-specific-credential-id", cred_id, "--status", "Inactive")
    assert "NotSupportedService" in cli("create-service-specific-credential", "--user-name", user, "--service-name", "nope", ok=False)
    cli("delete-service-specific-credential", "--user-name", user, "--service-specific-credential-id", cred_id)
    assert "NoSuchEntity" in cli("delete-service-specific-credential", "--user-name", user, "--service-specific-credential-id", cred_id, ok=False)


# ---------------------------------------------------------------------------------------------
# Nothing secret in clear
# ---------------------------------------------------------------------------------------------

def test_zz_no_private_key_or_password_in_clear_on_disk_or_in_the_log(iam, cert_server):
    # Leave one server certificate in place, so the key is certainly in the store now.
    key = rsa_key()
    iam.upload_server_certificate(ServerCertificateName=unique("kept"), CertificateBody=certificate(key)[1], PrivateKey=private_pem(key))
    assert SECRETS
    needles = set()
    for secret in SECRETS:
        if "PRIVATE KEY" in secret:
            # A base64 line from the key's body: found in any copy of the PEM, however escaped.
            lines = [l for l in secret.splitlines() if l and not l.startswith("-----")]
            needles.add(lines[len(lines) // 2])
        else:
            needles.add(secret)
    files = [p for p in pathlib.Path(cert_server.data_dir).rglob("*") if p.is_file()] + [pathlib.Path(cert_server.log_path)]
    assert any(p.suffix in ("", ".sqlite", ".db") or "sqlite" in p.name for p in files)
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, f"a secret is in clear in {path}"
            assert needle.replace("/", "\\/").encode() not in data, f"a secret is in clear (JSON-escaped) in {path}"
