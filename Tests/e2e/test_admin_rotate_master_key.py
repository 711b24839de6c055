"""`portcullis admin rotate-master-key`: refused while a server holds the data directory; after
it, the master key file is new, every secret is re-encrypted (the old keys still sign requests),
and no secret appears in clear in the data directory."""
import base64
import os
import pathlib
import subprocess

import pytest

from portcullis_e2e import ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, doc, make_iam_client


@pytest.fixture
def own_server(server_factory):
    s = server_factory("rotate").start()
    yield s
    s.stop()


def rotate(portcullis, data_dir, master_key=None):
    """Runs the command with only the settings given (no PORTCULLIS_* from this environment)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
    if master_key is not None:
        env["PORTCULLIS_MASTER_KEY"] = master_key
    return subprocess.run(
        [portcullis, "admin", "rotate-master-key", "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env, timeout=60)


def make_user_with_key(server):
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    iam.create_user(UserName="rotated")
    iam.put_user_policy(UserName="rotated", PolicyName="self", PolicyDocument=doc(allow("iam:GetUser")))
    key = iam.create_access_key(UserName="rotated")["AccessKey"]
    seed = iam.create_virtual_mfa_device(VirtualMFADeviceName="rotated")["VirtualMFADevice"]["Base32StringSeed"]
    return key, seed.decode() if isinstance(seed, bytes) else seed


def assert_keys_still_sign(server, key):
    user = make_iam_client(server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    assert user.get_user()["User"]["UserName"] == "rotated"
    root = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    assert "rotated" in [u["UserName"] for u in root.list_users()["Users"]]


def assert_nothing_in_clear(data_dir, *secrets):
    for path in pathlib.Path(data_dir).rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for secret in secrets:
            for form in {secret.encode(), base64.b64encode(secret.encode())}:
                assert form not in data, f"a secret found in clear in {path}"


def test_rotation_is_refused_while_the_server_runs(own_server, portcullis):
    key_file = pathlib.Path(own_server.data_dir) / "master.key"
    before = key_file.read_bytes()
    result = rotate(portcullis, own_server.data_dir)
    assert result.returncode != 0
    assert "in use" in result.stderr
    assert key_file.read_bytes() == before


def test_rotation_replaces_the_key_file_and_old_credentials_still_sign(own_server, portcullis):
    key, seed = make_user_with_key(own_server)
    own_server.stop()
    key_file = pathlib.Path(own_server.data_dir) / "master.key"
    old_key = key_file.read_text().strip()

    result = rotate(portcullis, own_server.data_dir)

    assert result.returncode == 0, result.stderr
    assert "Rotated the master key" in result.stdout
    new_key = key_file.read_text().strip()
    assert new_key != old_key and len(base64.b64decode(new_key)) == 32
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert not (key_file.parent / "master.key.previous").exists()
    assert old_key not in result.stdout + result.stderr and new_key not in result.stdout + result.stderr
    assert_nothing_in_clear(own_server.data_dir, key["SecretAccessKey"], ROOT_SECRET_ACCESS_KEY, seed, old_key)

    own_server.start()
    assert_keys_still_sign(own_server, key)


def test_with_the_key_in_the_environment_the_new_key_is_printed_and_no_file_written(own_server, portcullis):
    key, seed = make_user_with_key(own_server)
    own_server.stop()
    key_file = pathlib.Path(own_server.data_dir) / "master.key"
    # The operator keeps the key outside the directory: move it out.
    old_key = key_file.read_text().strip()
    key_file.unlink()

    result = rotate(portcullis, own_server.data_dir, master_key=old_key)

    assert result.returncode == 0, result.stderr
    printed = [line.split("=", 1)[1] for line in result.stdout.splitlines() if "PORTCULLIS_MASTER_KEY=" in line]
    assert len(printed) == 1 and printed[0] != old_key and len(base64.b64decode(printed[0])) == 32
    assert not key_file.exists()
    assert_nothing_in_clear(own_server.data_dir, key["SecretAccessKey"], seed)

    # Started with the printed key (given as the key file here, since the test server takes no
    # PORTCULLIS_* setting), every old credential still works.
    key_file.write_text(printed[0])
    key_file.chmod(0o600)
    own_server.start()
    assert_keys_still_sign(own_server, key)
