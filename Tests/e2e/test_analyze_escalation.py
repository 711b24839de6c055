"""Privilege-escalation paths as a user sees them: `escalation.path` findings in the analyze
report, and `portcullis analyze --who-can ACTION RESOURCE`, offline on the planted export, on the
AWS CLI's export of a running server, and live on its data directory."""
import json
import pathlib

from portcullis_e2e import ACCOUNT_ID, doc, make_iam_client, unique, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLANTED = ["--authorization-details",
           str(ROOT / "Tests" / "AnalyzerTests" / "Fixtures" / "escalation" / "authorization-details.json"),
           "--as-of", "2025-06-01T00:00:00Z"]
ESC = "arn:aws:iam::333333333333"


def run_ok(run, *args):
    result = run("analyze", *args)
    assert result.returncode in (0, 2), result.stdout + result.stderr
    return result


def test_report_has_one_escalation_finding_per_principal_with_a_path(run):
    report = json.loads(run_ok(run, *PLANTED, "--format", "json").stdout)
    paths = {f["entity"]: f for f in report["findings"] if f["rule"] == "escalation.path"}
    names = {e.rsplit("/", 1)[-1] for e in paths}
    assert {"esc-passrole-ec2", "esc-create-access-key", "esc-two-step", "esc-delete-boundary"} <= names
    assert not any(n.startswith("ctl-") for n in names)  # deny, condition, boundary, trust controls
    f = paths[f"{ESC}:user/esc-put-user-policy"]
    assert f["severity"] == "CRITICAL" and f["policy"] == "inline" and f["statement"] == 0
    assert "PutUserPolicy" in f["detail"] and f["fix"]
    assert "SOC2 CC6.1" in f["controls"] and "CMMC AC.L2-3.1.5" in f["controls"]
    two = paths[f"{ESC}:user/esc-two-step"]
    assert two["severity"] == "HIGH"
    assert "role/StepRole" in two["detail"] and "user/admin-user" in two["detail"]


def test_who_can_text_lists_direct_principals_then_paths(run):
    out = run_ok(run, *PLANTED, "--who-can", "iam:CreateAccessKey", f"{ESC}:user/admin-user").stdout
    lines = out.splitlines()
    assert lines[0].startswith("Who can iam:CreateAccessKey on ")
    direct = [l for l in lines if "directly:" in l]
    via = [l for l in lines if " via " in l]
    assert any("user/esc-create-access-key" in l for l in direct)
    assert any("user/esc-two-step" in l and "role/StepRole" in l for l in via)
    assert lines.index(direct[-1]) < lines.index(via[0])  # direct first
    assert "ctl-mfa-condition" not in out


def test_who_can_json_names_the_statement_and_the_path(run):
    out = run_ok(run, *PLANTED, "--format", "json", "--who-can", "sts:AssumeRole", f"{ESC}:role/AdminRole").stdout
    answer = json.loads(out)
    assert answer["action"] == "sts:AssumeRole" and answer["resource"] == f"{ESC}:role/AdminRole"
    by = {p["principal"].rsplit("/", 1)[-1]: p for p in answer["principals"]}
    assert by["esc-assume-role"]["access"] == "direct"
    assert by["esc-assume-role"]["permission"]["policy"] == "inline"
    escalated = by["esc-passrole-ec2"]
    assert escalated["access"] == "escalation"
    assert escalated["path"][0]["method"] == "PassRole+ec2:RunInstances"
    assert [p["action"] for p in escalated["path"][0]["permissions"]] == ["iam:PassRole", "ec2:RunInstances"]
    assert "ctl-untrusted-role" not in by


def test_who_can_rejects_a_malformed_question(run):
    assert run("analyze", *PLANTED, "--who-can", "iam:PassRole").returncode not in (0, 2)
    assert run("analyze", *PLANTED, "--who-can", "iam:PassRole", "*", "--format", "sarif").returncode not in (0, 2)


def _plant(iam):
    """An administrator, and a user who may only create access keys for it."""
    admin, helper = unique("esc-admin"), unique("esc-helper")
    iam.create_user(UserName=admin)
    iam.attach_user_policy(UserName=admin, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_user(UserName=helper)
    iam.put_user_policy(UserName=helper, PolicyName="keys", PolicyDocument=doc({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey",
                       "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/{admin}"}]}))
    return admin, helper


def test_paths_on_a_running_server_live_and_from_the_aws_cli_export(run, server_factory, aws_cli_for, tmp_path):
    server = server_factory("analyze-escalation").start()
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    admin, helper = _plant(iam)
    helper_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/{helper}"

    live = json.loads(run_ok(run, "--data-dir", server.data_dir, "--format", "json").stdout)
    found = [f for f in live["findings"] if f["rule"] == "escalation.path" and f["entity"] == helper_arn]
    assert len(found) == 1 and f"user/{admin}" in found[0]["detail"]

    export = aws_cli_for(server)("iam", "get-account-authorization-details")
    assert export.returncode == 0, export.stderr
    path = tmp_path / "export.json"
    path.write_text(export.stdout)
    answer = json.loads(run_ok(run, "--authorization-details", str(path), "--format", "json",
                               "--who-can", "iam:DeleteUser", f"arn:aws:iam::{ACCOUNT_ID}:user/someone").stdout)
    by = {p["principal"]: p for p in answer["principals"]}
    assert by[f"arn:aws:iam::{ACCOUNT_ID}:user/{admin}"]["access"] == "direct"
    assert by[helper_arn]["access"] == "escalation"
    assert by[helper_arn]["path"][0]["method"] == "CreateAccessKey"
