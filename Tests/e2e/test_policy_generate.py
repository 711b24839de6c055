"""`portcullis policy generate` over a running server's own trail: the generated policy allows
every call the principal made (checked by enforcing it on the server), denies a sample of calls it
did not make, is clean under the linter, and lists what the current grant allows beyond it."""
import json
import time

import pytest

from portcullis_e2e import ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, doc, expect_error, make_iam_client, unique


@pytest.fixture(scope="module")
def recorded(server_factory, aws_cli_for):
    """A server where `worker` (allowed iam:Get*, iam:List*) made a few calls, one of them denied."""
    server = server_factory("policy-generate").start()
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    worker, target = unique("worker"), unique("target")
    arn = iam.create_user(UserName=worker)["User"]["Arn"]
    iam.create_user(UserName=target)
    iam.put_user_policy(UserName=worker, PolicyName="broad", PolicyDocument=doc(allow(["iam:Get*", "iam:List*"])))
    key = iam.create_access_key(UserName=worker)["AccessKey"]
    client = make_iam_client(server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    client.get_user(UserName=target)
    client.list_roles()
    expect_error("AccessDenied", client.create_user, UserName=unique("nope"))
    # The same activity through the AWS CLI.
    cli = aws_cli_for(server)
    listed = cli("iam", "list-users", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert listed.returncode == 0, listed.stderr
    time.sleep(0.5)
    yield server, iam, arn, worker, target
    server.stop()


def generate(run, server, arn, *extra):
    result = run("policy", "generate", "--principal", arn, "--since", "1d", "--data-dir", server.data_dir, *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_policy_covers_exactly_the_successful_calls(run, recorded):
    server, _, arn, _, target = recorded
    report = json.loads(generate(run, server, arn, "--format", "json").stdout)
    assert report["actions"] == ["iam:GetUser", "iam:ListRoles", "iam:ListUsers"]
    get_user = next(s for s in report["policy"]["Statement"] if "iam:GetUser" in s["Action"])
    assert f"arn:aws:iam::{arn.split(':')[4]}:user/{target}" in get_user["Resource"]
    assert report["lint"] == []


def test_the_diff_lists_what_the_current_grant_allows_beyond_it(run, recorded):
    server, _, arn, _, _ = recorded
    report = json.loads(generate(run, server, arn, "--format", "json").stdout)
    assert report["currentActionCount"] > len(report["actions"])
    assert "iam:GetRole" in report["wouldBeRemoved"] and "iam:ListUsers" not in report["wouldBeRemoved"]
    text = generate(run, server, arn).stdout
    assert "would be removed" in text and "linter: clean" in text


def test_the_generated_policy_passes_the_linter_command(run, recorded, tmp_path):
    server, _, arn, _, _ = recorded
    policy = json.loads(generate(run, server, arn, "--format", "json").stdout)["policy"]
    path = tmp_path / "generated.json"
    path.write_text(json.dumps(policy))
    result = run("policy", "lint", str(path))
    assert result.returncode == 0, result.stdout


def test_enforced_on_the_server_it_allows_the_recorded_calls_and_denies_others(run, recorded):
    server, iam, arn, worker, target = recorded
    policy = json.loads(generate(run, server, arn, "--format", "json").stdout)["policy"]
    iam.delete_user_policy(UserName=worker, PolicyName="broad")
    iam.put_user_policy(UserName=worker, PolicyName="generated", PolicyDocument=json.dumps(policy))
    try:
        key = iam.create_access_key(UserName=worker)["AccessKey"]
        client = make_iam_client(server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        client.get_user(UserName=target)
        client.list_roles()
        client.list_users()
        expect_error("AccessDenied", client.get_user, UserName=worker)
        expect_error("AccessDenied", client.list_groups)
        expect_error("AccessDenied", client.create_user, UserName=unique("nope"))
    finally:
        iam.put_user_policy(UserName=worker, PolicyName="broad", PolicyDocument=doc(allow(["iam:Get*", "iam:List*"])))
        iam.delete_user_policy(UserName=worker, PolicyName="generated")


def test_no_activity_in_the_window_gives_nothing_to_grant(run, recorded):
    server, _, _, _, _ = recorded
    result = generate(run, server, "arn:aws:iam::123456789012:user/nobody")
    assert "nothing to grant" in result.stdout


def test_bad_arguments_are_refused(run):
    result = run("policy", "generate", "--principal", "alice", "--data-dir", "/nonexistent")
    assert result.returncode != 0 and "--principal must be an ARN" in result.stderr
    result = run("policy", "generate", "--principal", "arn:aws:iam::1:user/a", "--since", "soon", "--cloudtrail", "/tmp")
    assert result.returncode != 0 and "--since" in result.stderr
