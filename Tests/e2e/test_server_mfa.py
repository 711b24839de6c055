"""Virtual MFA devices with boto3: create a device, enable it for a user with two consecutive
TOTP codes, and get MFA-backed session credentials with a fresh code. Codes come from pyotp when
installed, otherwise from RFC 6238 computed here."""
import base64
import hashlib
import hmac
import json
import shutil
import struct
import subprocess
import time

from botocore.config import Config

import pytest

from portcullis_e2e import ACCOUNT_ID, REGION, allow, boto_session, expect_error, unique

try:
    import pyotp
except ImportError:  # pragma: no cover - depends on the machine
    pyotp = None


def totp(seed, step):
    """The 6-digit RFC 6238 (HMAC-SHA1, 30 s) code of time step `step` for Base32 `seed`."""
    if pyotp is not None:
        return pyotp.TOTP(seed).at(step * 30)
    key = base64.b32decode(seed + "=" * (-len(seed) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def test_enable_device_and_get_session_token_with_mfa(server, iam, make_user):
    mfa_only = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    user = make_user(inline=[allow("iam:ListMFADevices", Condition=mfa_only)])
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("mfa"))["VirtualMFADevice"]
    serial = device["SerialNumber"]
    seed = device["Base32StringSeed"].decode()
    assert serial.startswith("arn:aws:iam::") and ":mfa/" in serial

    now = int(time.time()) // 30
    expect_error(
        "InvalidAuthenticationCode", iam.enable_mfa_device, UserName=user.name, SerialNumber=serial,
        AuthenticationCode1=totp(seed, now), AuthenticationCode2=totp(seed, now))
    iam.enable_mfa_device(
        UserName=user.name, SerialNumber=serial, AuthenticationCode1=totp(seed, now - 1),
        AuthenticationCode2=totp(seed, now))
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=user.name)["MFADevices"]] == [serial]
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert serial in [d["SerialNumber"] for d in assigned]
    expect_error("DeleteConflict", iam.delete_virtual_mfa_device, SerialNumber=serial)

    sts = boto_session().client(
        "sts", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=user.access_key_id,
        aws_secret_access_key=user.secret_access_key, config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    # The enabling codes were used; the next step's code is within the window and unused.
    expect_error("AccessDenied", sts.get_session_token, SerialNumber=serial, TokenCode=totp(seed, now))
    fresh = totp(seed, now + 1)
    credentials = sts.get_session_token(SerialNumber=serial, TokenCode=fresh)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    expect_error("AccessDenied", sts.get_session_token, SerialNumber=serial, TokenCode=fresh)
    # The session carries MFA: a policy requiring aws:MultiFactorAuthPresent allows it, and not
    # the user's long-term key.
    session_iam = boto_session().client(
        "iam", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    assert [d["SerialNumber"] for d in session_iam.list_mfa_devices()["MFADevices"]] == [serial]
    expect_error("AccessDenied", user.client.list_mfa_devices)

    iam.deactivate_mfa_device(UserName=user.name, SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert serial not in [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]


# ---------------------------------------------------------------------------------------------
# The QR code of a new device: a real PNG that a QR reader (zbarimg, from zbar-tools) decodes to
# AWS's otpauth:// URI, otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String.
# ---------------------------------------------------------------------------------------------


def decode_qr(png_path):
    """The text of the QR code in the PNG at `png_path`, read by zbarimg."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(png_path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"zbarimg found no QR code: {result.stderr}"
    return result.stdout.strip()


def test_create_virtual_mfa_device_returns_a_qr_code_of_the_otpauth_uri(iam, tmp_path):
    name = unique("qr")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    png = device["QRCodePNG"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    seed = device["Base32StringSeed"].decode()
    path = tmp_path / "device.png"
    path.write_bytes(png)
    assert decode_qr(path) == f"otpauth://totp/{name}@{ACCOUNT_ID}?secret={seed}"
    iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])


def test_cli_writes_the_qr_code_png_and_the_seed_to_the_outfile(aws_cli, iam, tmp_path):
    name = unique("qrcli")
    png_path = tmp_path / "qr.png"
    result = aws_cli(
        "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", name,
        "--outfile", str(png_path), "--bootstrap-method", "QRCodePNG")
    assert result.returncode == 0, result.stderr
    serial = json.loads(result.stdout)["VirtualMFADevice"]["SerialNumber"]
    uri = decode_qr(png_path)
    assert uri.startswith(f"otpauth://totp/{name}@{ACCOUNT_ID}?secret=")
    seed = uri.split("secret=", 1)[1]
    assert len(seed) == 32 and base64.b32decode(seed)
    iam.delete_virtual_mfa_device(SerialNumber=serial)

    # The other bootstrap method writes the Base32 seed itself.
    seed_path = tmp_path / "seed.txt"
    result = aws_cli(
        "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", name + "b",
        "--outfile", str(seed_path), "--bootstrap-method", "Base32StringSeed")
    assert result.returncode == 0, result.stderr
    assert len(seed_path.read_text().strip()) == 32
    iam.delete_virtual_mfa_device(SerialNumber=json.loads(result.stdout)["VirtualMFADevice"]["SerialNumber"])
