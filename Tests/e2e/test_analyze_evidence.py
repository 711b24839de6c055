"""`portcullis analyze --evidence DIR` (an auditor's evidence pack) and `--baseline PREVIOUS.json`
(new, fixed and unchanged findings since a previous run), on a running server's data directory
seeded through boto3."""
import base64
import csv
import hashlib
import hmac
import io
import json
import pathlib
import struct
import subprocess
import time

import pytest

from portcullis_e2e import ACCOUNT_ID, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, doc, make_iam_client, unique

WILDCARD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def totp(seed, counter):
    key = base64.b32decode(seed)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


@pytest.fixture(scope="module")
def seeded(server_factory):
    """A server with a console user without MFA, a user with MFA, a user with a key and a
    wildcard inline policy, and a password policy."""
    server = server_factory("analyze-evidence").start()
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    names = {"console": unique("console"), "mfa": unique("mfa"), "keys": unique("keys")}
    iam.create_user(UserName=names["console"])
    iam.create_login_profile(UserName=names["console"], Password="Correct-Horse-Battery-9")
    iam.create_user(UserName=names["mfa"])
    iam.create_login_profile(UserName=names["mfa"], Password="Correct-Horse-Battery-9")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("device"))["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    now = int(time.time()) // 30
    iam.enable_mfa_device(
        UserName=names["mfa"], SerialNumber=device["SerialNumber"], AuthenticationCode1=totp(seed, now - 1),
        AuthenticationCode2=totp(seed, now))
    names["serial"] = device["SerialNumber"]
    iam.create_user(UserName=names["keys"])
    iam.create_access_key(UserName=names["keys"])
    iam.put_user_policy(UserName=names["keys"], PolicyName="everything", PolicyDocument=doc(WILDCARD))
    iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24, RequireSymbols=True)
    return server, iam, names


def analyze(run, server, *args):
    result = run("analyze", "--data-dir", str(server.data_dir), *args, timeout=180)
    assert result.returncode in (0, 2), result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def pack(seeded, portcullis, tmp_path_factory):
    server, _, _ = seeded
    out = tmp_path_factory.mktemp("evidence") / "pack"
    result = subprocess.run(
        [portcullis, "analyze", "--data-dir", str(server.data_dir), "--evidence", str(out), "--format", "json"],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_evidence_pack_holds_every_documented_file(pack):
    names = {p.name for p in pack.iterdir()}
    for expected in [
        f"authorization-details-{ACCOUNT_ID}.json", f"credential-report-{ACCOUNT_ID}.csv", "mfa-enrollment.csv",
        f"password-policy-{ACCOUNT_ID}.json", "findings.json", "compliance.json", "report.html",
        "trail-verification.txt", "README.txt", "MANIFEST.sha256",
    ]:
        assert expected in names


def test_manifest_checks_with_sha256sum(pack):
    result = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=pack, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split("  ", 1)[1] for line in (pack / "MANIFEST.sha256").read_text().splitlines()}
    assert listed == {p.name for p in pack.iterdir()} - {"MANIFEST.sha256"}


def test_manifest_detects_a_changed_file(pack, tmp_path):
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(pack), str(copy)], check=True)
    (copy / "findings.json").write_text("{}")
    result = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=copy, capture_output=True, text=True)
    assert result.returncode != 0 and "findings.json: FAILED" in result.stdout


def test_credential_report_parses_as_aws_csv(pack, seeded):
    _, _, names = seeded
    rows = list(csv.DictReader(io.StringIO((pack / f"credential-report-{ACCOUNT_ID}.csv").read_text())))
    assert rows[0]["user"] == "<root_account>"
    by_user = {r["user"]: r for r in rows}
    assert by_user[names["console"]]["password_enabled"] == "true"
    assert by_user[names["console"]]["mfa_active"] == "false"
    assert by_user[names["mfa"]]["mfa_active"] == "true"
    assert by_user[names["keys"]]["access_key_1_active"] == "true"


def test_mfa_enrollment_lists_console_access_mfa_and_device_serials(pack, seeded):
    _, _, names = seeded
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO((pack / "mfa-enrollment.csv").read_text()))}
    assert rows[names["console"]]["console_access"] == "true" and rows[names["console"]]["mfa_active"] == "false"
    assert rows[names["mfa"]]["mfa_active"] == "true" and rows[names["mfa"]]["mfa_devices"] == names["serial"]
    assert rows[names["keys"]]["console_access"] == "false"
    assert rows["<root_account>"]["account"] == ACCOUNT_ID


def test_password_policy_is_what_get_account_password_policy_prints(pack, seeded):
    _, iam, _ = seeded
    printed = json.loads((pack / f"password-policy-{ACCOUNT_ID}.json").read_text())
    policy = printed["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14 and policy["PasswordReusePrevention"] == 24
    assert policy["RequireSymbols"] is True
    assert policy == iam.get_account_password_policy()["PasswordPolicy"]


def test_configuration_export_is_in_aws_shape_and_reads_back_offline(pack, seeded, run):
    _, iam, names = seeded
    export = json.loads((pack / f"authorization-details-{ACCOUNT_ID}.json").read_text())
    assert set(export) == {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}
    api = iam.get_account_authorization_details(MaxItems=1000)
    assert [u["UserName"] for u in export["UserDetailList"]] == [u["UserName"] for u in api["UserDetailList"]]
    keys_user = next(u for u in export["UserDetailList"] if u["UserName"] == names["keys"])
    assert keys_user["UserPolicyList"][0]["PolicyDocument"] == WILDCARD  # decoded, as the CLI prints it
    assert keys_user["CreateDate"].endswith("+00:00")
    # The export is an input of the offline mode: the same user is found there.
    result = run("analyze", "--authorization-details", str(pack / f"authorization-details-{ACCOUNT_ID}.json"),
                 "--format", "json", timeout=180)
    assert result.returncode in (0, 2), result.stderr
    offline = json.loads(result.stdout)
    assert any(f["entity"].endswith(f"user/{names['keys']}") for f in offline["findings"])


def test_trail_verification_says_the_trail_is_valid(pack):
    text = (pack / "trail-verification.txt").read_text()
    assert text.startswith("Checked ")
    assert "Trail is valid." in text and "INVALID" not in text


def test_findings_and_readme_describe_the_run(pack, seeded):
    _, _, names = seeded
    findings = json.loads((pack / "findings.json").read_text())
    assert findings["schemaVersion"] == 1
    assert ("cis.console-user-no-mfa", f"arn:aws:iam::{ACCOUNT_ID}:user/{names['console']}") in {
        (f["rule"], f["entity"]) for f in findings["findings"]}
    compliance = json.loads((pack / "compliance.json").read_text())
    assert compliance
    assert (pack / "report.html").read_text().lstrip().lower().startswith("<!doctype html")
    readme = (pack / "README.txt").read_text()
    for name in ["MANIFEST.sha256", "mfa-enrollment.csv", "trail-verification.txt", "sha256sum -c"]:
        assert name in readme


def test_evidence_refuses_a_non_empty_directory_unless_forced(seeded, run, tmp_path):
    server, _, _ = seeded
    (tmp_path / "old.txt").write_text("earlier work")
    refused = run("analyze", "--data-dir", str(server.data_dir), "--evidence", str(tmp_path), timeout=180)
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    forced = run("analyze", "--data-dir", str(server.data_dir), "--evidence", str(tmp_path), "--force", timeout=180)
    assert forced.returncode in (0, 2), forced.stderr
    assert (tmp_path / "MANIFEST.sha256").exists() and (tmp_path / "old.txt").read_text() == "earlier work"


# ---------------------------------------------------------------------------------------------
# --baseline
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def review(seeded, portcullis, tmp_path_factory):
    """Two quarterly runs: between them a console user without MFA appears and the wildcard
    policy goes."""
    server, iam, names = seeded
    folder = tmp_path_factory.mktemp("baseline")
    before = folder / "q1.json"
    first = subprocess.run([portcullis, "analyze", "--data-dir", str(server.data_dir), "--format", "json",
                            "--output", str(before)], capture_output=True, text=True, timeout=180)
    assert first.returncode == 0, first.stderr
    newcomer = unique("newcomer")
    iam.create_user(UserName=newcomer)
    iam.create_login_profile(UserName=newcomer, Password="Correct-Horse-Battery-9")
    iam.delete_user_policy(UserName=names["keys"], PolicyName="everything")
    after = subprocess.run([portcullis, "analyze", "--data-dir", str(server.data_dir), "--format", "json",
                            "--baseline", str(before)], capture_output=True, text=True, timeout=180)
    assert after.returncode == 0, after.stderr
    (folder / "q2.json").write_text(after.stdout)
    return json.loads(before.read_text()), json.loads(after.stdout), newcomer, folder


def test_baseline_lists_new_findings(review):
    _, report, newcomer, _ = review
    new = {(f["rule"], f["id"].split("|")[1]) for f in report["baseline"]["new"]}
    assert ("cis.console-user-no-mfa", f"arn:aws:iam::{ACCOUNT_ID}:user/{newcomer}") in new
    assert all(f["account"] == ACCOUNT_ID for f in report["baseline"]["new"])


def test_baseline_lists_fixed_findings(review, seeded):
    before, report, _, _ = review
    _, _, names = seeded
    fixed = report["baseline"]["fixed"]
    keys_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{names['keys']}"
    assert any(f["entity"] == keys_arn and f["rule"] == "lp.admin-equivalent" for f in fixed)
    assert all(f["title"] and f["severity"] for f in fixed)
    assert {f["id"] for f in fixed} <= {f["id"] for f in before["findings"]}


def test_baseline_counts_match_the_lists_and_unchanged_is_the_rest(review):
    before, report, _, _ = review
    b = report["baseline"]
    assert b["summary"] == {"new": len(b["new"]), "fixed": len(b["fixed"]), "unchanged": len(b["unchanged"])}
    assert len(b["new"]) + len(b["unchanged"]) == len(report["findings"])
    assert len(b["fixed"]) + len(b["unchanged"]) == len(before["findings"])
    assert b["previousGeneratedAt"] == before["generatedAt"]


def test_text_report_opens_with_the_baseline_section(review, seeded, run):
    server, _, _ = seeded
    _, _, newcomer, folder = review
    result = analyze(run, server, "--baseline", str(folder / "q1.json"))
    lines = result.stdout.splitlines()
    assert lines[2].startswith("Since the baseline of ") and "new," in lines[2] and "fixed," in lines[2]
    assert any(line.strip().startswith("NEW") and newcomer in line for line in lines)
    assert any(line.strip().startswith("FIXED") for line in lines)


def test_fail_on_with_a_baseline_counts_only_new_findings(review, seeded, run):
    server, _, _ = seeded
    _, _, _, folder = review
    # q2 already has every current finding: nothing is new, so even HIGH ones do not fail
    assert analyze(run, server, "--baseline", str(folder / "q2.json"), "--fail-on", "LOW").returncode == 0
    assert analyze(run, server, "--fail-on", "LOW").returncode == 2
    # against q1 the newcomer's console-without-MFA finding is new
    assert analyze(run, server, "--baseline", str(folder / "q1.json"), "--fail-on", "LOW").returncode == 2


def test_a_baseline_that_is_not_a_json_report_is_bad_input(seeded, run, tmp_path):
    server, _, _ = seeded
    bogus = tmp_path / "sarif.json"
    bogus.write_text(json.dumps({"version": "2.1.0", "runs": []}))
    result = run("analyze", "--data-dir", str(server.data_dir), "--baseline", str(bogus), timeout=180)
    assert result.returncode == 1
    assert "schema version 1" in result.stderr


def test_offline_evidence_pack_copies_the_aws_exports_unchanged(run, tmp_path):
    fixtures = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "AnalyzerTests" / "Fixtures" / "planted"
    out = tmp_path / "pack"
    result = run("analyze", "--authorization-details", str(fixtures / "authorization-details.json"),
                 "--credential-report", str(fixtures / "credential-report.csv"),
                 "--password-policy", "111111111111=" + str(fixtures / "password-policy.json"),
                 "--as-of", "2025-06-01T00:00:00Z", "--evidence", str(out), timeout=180)
    assert result.returncode in (0, 2), result.stderr
    assert subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=out, capture_output=True).returncode == 0
    assert (out / "authorization-details.json").read_bytes() == (fixtures / "authorization-details.json").read_bytes()
    assert (out / "credential-report.csv").read_bytes() == (fixtures / "credential-report.csv").read_bytes()
    assert (out / "password-policy-111111111111.json").read_bytes() == (fixtures / "password-policy.json").read_bytes()
    rows = list(csv.DictReader(io.StringIO((out / "mfa-enrollment.csv").read_text())))
    assert rows[0]["user"] == "<root_account>" and rows[0]["mfa_active"] == "false"  # from the credential report
    assert not (out / "trail-verification.txt").exists()
    assert "no trail verification" in (out / "README.txt").read_text()
