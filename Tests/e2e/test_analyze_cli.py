"""`portcullis analyze` as a user runs it: offline on hand-written AWS exports in every output
format with --fail-on exit codes, on the AWS CLI's own export of a running server, and live on a
running server's data directory."""
import csv
import io
import json
import pathlib

import pytest

from portcullis_e2e import ACCOUNT_ID, doc, make_iam_client, unique, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "AnalyzerTests" / "Fixtures"
PLANTED = [
    "--authorization-details", str(FIXTURES / "planted" / "authorization-details.json"),
    str(FIXTURES / "clean" / "authorization-details.json"),
    "--credential-report", str(FIXTURES / "planted" / "credential-report.csv"),
    "--password-policy", "111111111111=" + str(FIXTURES / "planted" / "password-policy.json"),
    "--as-of", "2025-06-01T00:00:00Z",
]
CLEAN = ["--authorization-details", str(FIXTURES / "clean" / "authorization-details.json"),
         "--trusted-account", "111111111111", "--as-of", "2025-06-01T00:00:00Z"]


def analyze(run, *args):
    result = run("analyze", *args)
    assert result.returncode in (0, 2), result.stdout + result.stderr
    return result


def test_text_report_summarises_counts_and_lists_the_worst_first(run):
    result = analyze(run, *PLANTED)
    lines = result.stdout.splitlines()
    assert lines[0] == "Portcullis analysis of 2 account(s): 111111111111, 222222222222"
    assert lines[1].startswith("CRITICAL ")
    assert "\x1b[" not in result.stdout  # no colour when not a terminal
    first = next(line for line in lines[2:] if line.strip())
    assert first.startswith("CRITICAL")


def test_json_report_follows_the_documented_schema(run):
    report = json.loads(analyze(run, *PLANTED, "--format", "json").stdout)
    assert report["schemaVersion"] == 1
    assert report["accounts"] == ["111111111111", "222222222222"]
    assert report["generatedAt"] == "2025-06-01T00:00:00Z"
    assert report["summary"]["total"] == len(report["findings"])
    f = next(f for f in report["findings"] if f["rule"] == "cis.root-no-mfa")
    assert f["severity"] == "CRITICAL" and f["entity"] == "arn:aws:iam::111111111111:root"
    assert "CIS-AWS-3.0 1.5" in f["controls"] and f["why"] and f["fix"] and f["title"]
    rules = {(f["rule"], f["entity"].rsplit("/", 1)[-1]) for f in report["findings"]}
    for expected in [("ext.public-trust", "PublicRole"), ("lp.admin-equivalent", "alice"),
                     ("ext.federated-no-audience", "GitHubDeploy"), ("lint.unknown-action", "LintRole")]:
        assert expected in rules


def test_reports_are_deterministic(run):
    a = analyze(run, *PLANTED, "--format", "json").stdout
    b = analyze(run, *PLANTED, "--format", "json").stdout
    assert a == b


def test_sarif_report_is_sarif_2_1_with_rules_and_locations(run):
    sarif = json.loads(analyze(run, *PLANTED, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    rule_ids = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    assert "cis.root-no-mfa" in rule_ids
    for result in run0["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        loc = result["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("authorization-details.json")
        assert loc["logicalLocations"][0]["fullyQualifiedName"].startswith("arn:aws:iam::")


def test_csv_report_has_a_header_and_one_row_per_finding(run, tmp_path):
    out = tmp_path / "report.csv"
    result = analyze(run, *PLANTED, "--format", "csv", "--output", str(out))
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    total = json.loads(analyze(run, *PLANTED, "--format", "json").stdout)["summary"]["total"]
    assert len(rows) == total
    assert set(rows[0]) >= {"id", "rule", "severity", "entity", "policy", "statement", "detail", "controls"}


@pytest.mark.parametrize("threshold,code", [("CRITICAL", 2), ("high", 2), ("INFO", 2)])
def test_fail_on_exits_2_when_a_finding_reaches_the_threshold(run, threshold, code):
    assert analyze(run, *PLANTED, "--fail-on", threshold).returncode == code


@pytest.mark.parametrize("threshold,code", [("CRITICAL", 0), ("LOW", 0), ("INFO", 2)])
def test_fail_on_on_a_clean_account(run, threshold, code):
    # the clean account has only the offline Access Analyzer note (INFO)
    assert analyze(run, *CLEAN, "--fail-on", threshold).returncode == code


def test_bad_input_exits_1_with_a_message(run, tmp_path):
    bad = tmp_path / "not-an-export.json"
    bad.write_text('{"Users": []}')
    result = run("analyze", "--authorization-details", str(bad))
    assert result.returncode == 1
    assert "get-account-authorization-details" in result.stderr
    assert run("analyze").returncode != 0
    assert run("analyze", *CLEAN, "--fail-on", "SEVERE").returncode != 0


def test_cloudtrail_folder_with_gzip_counts_as_use(run):
    args = ["--authorization-details", str(FIXTURES / "planted" / "authorization-details.json"),
            "--as-of", "2025-06-01T00:00:00Z", "--format", "json"]
    before = json.loads(analyze(run, *args).stdout)
    after = json.loads(analyze(run, *args, "--cloudtrail", str(FIXTURES / "trail")).stdout)
    unused = lambda r: {f["entity"].rsplit("/", 1)[-1] for f in r["findings"] if f["rule"] == "unused.role"}
    assert {"PartnerRole", "PublicRole"} <= unused(before)
    assert not ({"PartnerRole", "PublicRole"} & unused(after))


def _populate(iam):
    """A few planted problems on a Portcullis server."""
    admin = unique("admin")
    iam.create_user(UserName=admin)
    iam.attach_user_policy(UserName=admin, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_access_key(UserName=admin)
    partner = unique("partner")
    iam.create_role(RoleName=partner, AssumeRolePolicyDocument=doc({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName=partner, PolicyName="pass", PolicyDocument=doc({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}))
    return admin, partner


def test_live_mode_reads_a_running_servers_data_dir(run, server_factory):
    server = server_factory("analyze-live").start()
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    admin, partner = _populate(iam)
    iam.create_login_profile(UserName=admin, Password="Correct-Horse-Battery-9")
    result = run("analyze", "--data-dir", server.data_dir, "--format", "json", "--fail-on", "CRITICAL")
    assert result.returncode == 2, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert ACCOUNT_ID in report["accounts"]
    got = {(f["rule"], f["entity"]) for f in report["findings"]}
    assert ("lp.admin-equivalent", f"arn:aws:iam::{ACCOUNT_ID}:user/{admin}") in got
    assert ("lp.broad-managed-policy", f"arn:aws:iam::{ACCOUNT_ID}:user/{admin}") in got
    assert ("ext.cross-account-no-external-id", f"arn:aws:iam::{ACCOUNT_ID}:role/{partner}") in got
    assert ("lp.passrole-all-resources", f"arn:aws:iam::{ACCOUNT_ID}:role/{partner}") in got
    assert ("cis.console-user-no-mfa", f"arn:aws:iam::{ACCOUNT_ID}:user/{admin}") in got
    assert ("hyg.human-user-with-keys", f"arn:aws:iam::{ACCOUNT_ID}:user/{admin}") in got
    assert ("cis.password-policy-weak", f"arn:aws:iam::{ACCOUNT_ID}:root") in got  # AWS's defaults
    assert not any(f["rule"] == "cis.no-access-analyzer" for f in report["findings"])  # live, not offline
    # the server keeps serving after the analyzer has read its database
    assert iam.get_user(UserName=admin)["User"]["UserName"] == admin


def test_offline_mode_reads_the_aws_clis_export_of_a_server(run, server, iam, aws_cli, tmp_path):
    admin, partner = _populate(iam)
    export = aws_cli("iam", "get-account-authorization-details")
    assert export.returncode == 0, export.stderr
    path = tmp_path / "export.json"
    path.write_text(export.stdout)
    report = json.loads(analyze(run, "--authorization-details", str(path), "--format", "json").stdout)
    got = {(f["rule"], f["entity"]) for f in report["findings"]}
    assert ("lp.admin-equivalent", f"arn:aws:iam::{ACCOUNT_ID}:user/{admin}") in got
    assert ("ext.cross-account-no-external-id", f"arn:aws:iam::{ACCOUNT_ID}:role/{partner}") in got


def test_policy_lint_reports_access_analyzer_style_findings(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObjekt", "iam:PassRole"], "Resource": "*"}]}))
    result = run("policy", "lint", str(bad))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{bad}: Statement[0].Action ERROR lint.unknown-action" in result.stdout
    assert "SECURITY_WARNING lint.passrole-wildcard" in result.stdout
    report = json.loads(run("policy", "lint", "--format", "json", str(bad)).stdout)
    assert {(f["findingType"], f["issueCode"], f["statementIndex"]) for f in report["findings"]} == {
        ("ERROR", "lint.unknown-action", 0), ("SECURITY_WARNING", "lint.passrole-wildcard", 0)}


def test_policy_lint_exit_codes(run, tmp_path):
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}))
    assert run("policy", "lint", str(clean)).returncode == 0
    warn = tmp_path / "warn.json"
    warn.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports"}]}))
    result = run("policy", "lint", str(warn))
    assert result.returncode == 2 and "WARNING lint.resource-mismatch" in result.stdout
