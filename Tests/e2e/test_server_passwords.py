"""Passwords and console sign-in against the real binary: the account password policy with the
AWS CLI and boto3, login profiles refused under it, ChangePassword signed with the user's own
keys, POST /signin with and without an MFA code, the returned console credentials used with
boto3, and no password in clear in the data directory or the log.

The server here is this file's own (the password policy is account-wide), driven with the root
credentials the shared fixtures use."""
import json
import os
import pathlib
import shutil
import subprocess
import time

import pytest
import requests
from botocore.config import Config

from portcullis_e2e import (
    ACCOUNT_ID, REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, boto_session, expect_error,
    make_iam_client, unique,
)
from test_server_mfa import totp

# Every password handed to the server, for the final grep.
PASSWORDS = []


def password(text):
    PASSWORDS.append(text)
    return text


@pytest.fixture(scope="module")
def pw_server(server_factory):
    s = server_factory("passwords").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def root_iam(pw_server):
    return make_iam_client(pw_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)


@pytest.fixture(scope="module")
def cli(pw_server, tmp_path_factory):
    """`cli("iam", "get-account-password-policy")` -> CompletedProcess, as the root user."""
    exe = shutil.which("aws")
    if exe is None:
        pytest.skip("the AWS CLI is not installed")
    home = tmp_path_factory.mktemp("awscli-passwords")

    def run(*args):
        env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(home), "AWS_ACCESS_KEY_ID": ROOT_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": ROOT_SECRET_ACCESS_KEY, "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(home / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1",
        }
        for var in ("PYENV_ROOT", "PYENV_VERSION", "LANG", "LC_ALL"):
            if var in os.environ:
                env[var] = os.environ[var]
        return subprocess.run([exe, "--endpoint-url", pw_server.endpoint, *args], capture_output=True, text=True,
                              env=env, timeout=60)

    return run


def client(service, endpoint, key, secret, token=None):
    return boto_session().client(
        service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key, aws_secret_access_key=secret,
        aws_session_token=token, config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def sign_in(server, user, pw, **extra):
    http = requests.Session()
    http.trust_env = False
    body = {"account": ACCOUNT_ID, "user": user, "password": pw, **extra}
    return http.post(f"{server.endpoint}/signin", json=body, timeout=30)


def make_user(iam, *policies):
    name = unique("pwuser")
    iam.create_user(UserName=name)
    for i, policy in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName=f"p{i}", PolicyDocument=json.dumps(policy))
    return name


def test_password_policy_with_the_cli_refuses_weak_passwords(pw_server, root_iam, cli):
    user = make_user(root_iam)
    try:
        done = cli("iam", "update-account-password-policy", "--minimum-password-length", "14", "--require-symbols",
                   "--require-numbers", "--require-uppercase-characters", "--allow-users-to-change-password",
                   "--password-reuse-prevention", "3")
        assert done.returncode == 0, done.stderr
        got = cli("iam", "get-account-password-policy")
        assert got.returncode == 0, got.stderr
        policy = json.loads(got.stdout)["PasswordPolicy"]
        assert policy["MinimumPasswordLength"] == 14 and policy["RequireSymbols"] and policy["RequireNumbers"]
        assert policy["AllowUsersToChangePassword"] and not policy["RequireLowercaseCharacters"]
        assert policy["PasswordReusePrevention"] == 3 and policy["ExpirePasswords"] is False

        message = expect_error("PasswordPolicyViolation", root_iam.create_login_profile, UserName=user,
                               Password=password("Short-1"))
        assert message == "Password does not conform to the account password policy."
        weak = cli("iam", "create-login-profile", "--user-name", user, "--password", password("longenoughbutweak"))
        assert weak.returncode != 0 and "PasswordPolicyViolation" in weak.stderr, weak.stderr
        expect_error("NoSuchEntity", root_iam.get_login_profile, UserName=user)

        # The CLI checks the range itself; the server does too, with AWS's ValidationError.
        bad_range = cli("iam", "update-account-password-policy", "--minimum-password-length", "5")
        assert bad_range.returncode != 0, bad_range.stderr
        unchecked = make_iam_client(pw_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY,
                                    parameter_validation=False)
        expect_error("ValidationError", unchecked.update_account_password_policy, MinimumPasswordLength=5)

        strong = password("Strong-Enough-123")
        made = cli("iam", "create-login-profile", "--user-name", user, "--password", strong,
                   "--password-reset-required")
        assert made.returncode == 0, made.stderr
        profile = json.loads(made.stdout)["LoginProfile"]
        assert profile["UserName"] == user and profile["PasswordResetRequired"] is True
        assert "Password" not in root_iam.get_login_profile(UserName=user)["LoginProfile"]
        expect_error("DeleteConflict", root_iam.delete_user, UserName=user)
    finally:
        deleted = cli("iam", "delete-account-password-policy")
        assert deleted.returncode == 0, deleted.stderr
    gone = cli("iam", "get-account-password-policy")
    assert gone.returncode != 0
    assert f"The Password Policy with domain name {ACCOUNT_ID} cannot be found." in gone.stderr
    root_iam.delete_login_profile(UserName=user)
    root_iam.delete_user(UserName=user)


def test_change_password_with_the_users_own_keys(pw_server, root_iam):
    user = make_user(root_iam)
    old, new = password("First-Password-1"), password("Second-Password-2")
    root_iam.create_login_profile(UserName=user, Password=old, PasswordResetRequired=True)
    key = root_iam.create_access_key(UserName=user)["AccessKey"]
    user_iam = client("iam", pw_server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    # Nothing allows it yet.
    expect_error("AccessDenied", user_iam.change_password, OldPassword=old, NewPassword=new)
    root_iam.update_account_password_policy(MinimumPasswordLength=10, AllowUsersToChangePassword=True)
    try:
        expect_error("AccessDenied", user_iam.change_password, OldPassword=password("Not-The-Password-3"),
                     NewPassword=new)
        expect_error("PasswordPolicyViolation", user_iam.change_password, OldPassword=old,
                     NewPassword="short")
        user_iam.change_password(OldPassword=old, NewPassword=new)
        assert user_iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 10
        assert root_iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is False
        assert sign_in(pw_server, user, old).status_code == 401
        assert sign_in(pw_server, user, new).status_code == 200
    finally:
        root_iam.delete_account_password_policy()
    expect_error("InvalidUserType", root_iam.change_password, OldPassword=old, NewPassword=new)


def test_sign_in_without_and_with_mfa(pw_server, root_iam):
    user = make_user(root_iam, allow(["iam:GetUser", "iam:ListMFADevices"]))
    arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"
    pw = password("Console-Pass-42")
    root_iam.create_login_profile(UserName=user, Password=pw)
    assert "PasswordLastUsed" not in root_iam.get_user(UserName=user)["User"]

    wrong = sign_in(pw_server, user, password("Wrong-Pass-42"))
    unknown = sign_in(pw_server, unique("nobody"), pw)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() and wrong.json()["error"] == "InvalidCredentials"

    ok = sign_in(pw_server, user, pw)
    assert ok.status_code == 200, ok.text
    creds = ok.json()
    assert creds["AccessKeyId"].startswith("ASIA") and creds["Arn"] == arn and "Expiration" in creds
    sts = client("sts", pw_server.endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert sts.get_caller_identity()["Arn"] == arn
    console_iam = client("iam", pw_server.endpoint, creds["AccessKeyId"], creds["SecretAccessKey"],
                         creds["SessionToken"])
    assert console_iam.get_user()["User"]["UserName"] == user
    assert "PasswordLastUsed" in root_iam.get_user(UserName=user)["User"]

    device = root_iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("pwmfa"))["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    step = int(time.time()) // 30
    root_iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                               AuthenticationCode1=totp(seed, step - 1), AuthenticationCode2=totp(seed, step))
    needs = sign_in(pw_server, user, pw)
    assert needs.status_code == 401 and needs.json()["error"] == "MFARequired"
    bad = sign_in(pw_server, user, pw, mfaCode="000000" if totp(seed, step + 1) != "000000" else "111111")
    assert bad.status_code == 401 and bad.json()["error"] == "InvalidMFACode"
    with_mfa = sign_in(pw_server, user, pw, mfaCode=totp(seed, step + 1))
    assert with_mfa.status_code == 200, with_mfa.text
    creds = with_mfa.json()
    mfa_sts = client("sts", pw_server.endpoint, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert mfa_sts.get_caller_identity()["Arn"] == arn


def test_sign_in_with_a_required_reset_sets_the_new_password(pw_server, root_iam):
    user = make_user(root_iam)
    first, second = password("Reset-Me-First-1"), password("Chosen-Later-2")
    root_iam.create_login_profile(UserName=user, Password=first, PasswordResetRequired=True)
    root_iam.update_account_password_policy(AllowUsersToChangePassword=True)
    try:
        refused = sign_in(pw_server, user, first)
        assert refused.status_code == 403 and refused.json()["error"] == "PasswordResetRequired"
        changed = sign_in(pw_server, user, first, newPassword=second)
        assert changed.status_code == 200, changed.text
        assert root_iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is False
        assert sign_in(pw_server, user, second).status_code == 200
    finally:
        root_iam.delete_account_password_policy()


def test_repeated_failures_are_throttled_with_retry_after(pw_server, root_iam):
    user = make_user(root_iam)
    pw = password("Throttled-Pass-5")
    root_iam.create_login_profile(UserName=user, Password=pw)
    for _ in range(5):
        assert sign_in(pw_server, user, password("Guess-Pass-6")).status_code == 401
    locked = sign_in(pw_server, user, pw)
    assert locked.status_code == 429 and locked.json()["error"] == "Throttling"
    assert 0 < int(locked.headers["Retry-After"]) <= 900


def test_no_password_appears_in_the_data_directory_or_the_log(pw_server, root_iam):
    assert PASSWORDS, "the tests above hand passwords to the server"
    pw_server.stop()
    try:
        places = [p for p in pathlib.Path(pw_server.data_dir).rglob("*") if p.is_file()]
        places.append(pathlib.Path(pw_server.log_path))
        assert any(p.name.endswith(".sqlite") for p in places), places
        log = pathlib.Path(pw_server.log_path).read_text(errors="replace")
        assert "signin" in log, "sign-in attempts are logged"
        for path in places:
            data = path.read_bytes()
            for secret in PASSWORDS:
                assert secret.encode() not in data, f"a password was found in clear in {path}"
    finally:
        pw_server.start()
