"""The AWS CLI against the server, as a user runs it."""
import json

from portcullis_e2e import ACCOUNT_ID, allow, unique


def test_cli_create_user_and_list_users(aws_cli):
    name = unique("cli")
    created = aws_cli("iam", "create-user", "--user-name", name, "--path", "/cli/", "--output", "json")
    assert created.returncode == 0, created.stderr
    user = json.loads(created.stdout)["User"]
    assert user["UserName"] == name
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/cli/{name}"

    listed = aws_cli("iam", "list-users", "--path-prefix", "/cli/", "--output", "json")
    assert listed.returncode == 0, listed.stderr
    assert name in [u["UserName"] for u in json.loads(listed.stdout)["Users"]]

    text = aws_cli("iam", "get-user", "--user-name", name, "--query", "User.Arn", "--output", "text")
    assert text.returncode == 0, text.stderr
    assert text.stdout.strip() == user["Arn"]


def test_cli_error_exit_code_and_message(aws_cli):
    name = unique("ghost")
    result = aws_cli("iam", "get-user", "--user-name", name)
    assert result.returncode in (254, 255), (result.returncode, result.stdout, result.stderr)
    assert "An error occurred (NoSuchEntity) when calling the GetUser operation" in result.stderr
    assert f"The user with name {name} cannot be found." in result.stderr

    bad = aws_cli("iam", "create-user", "--user-name", "bad name!")
    assert bad.returncode != 0
    assert "(ValidationError)" in bad.stderr


def test_cli_policy_from_file_and_access_denied(aws_cli, iam, tmp_path):
    name = unique("cli-user")
    iam.create_user(UserName=name)
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps(allow("iam:ListUsers"), indent=2))
    put = aws_cli("iam", "put-user-policy", "--user-name", name, "--policy-name", "list",
                  "--policy-document", f"file://{policy_file}")
    assert put.returncode == 0, put.stderr
    got = aws_cli("iam", "get-user-policy", "--user-name", name, "--policy-name", "list", "--output", "json")
    assert json.loads(got.stdout)["PolicyDocument"] == allow("iam:ListUsers")

    key = iam.create_access_key(UserName=name)["AccessKey"]
    as_user = dict(key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert aws_cli("iam", "list-users", "--output", "json", **as_user).returncode == 0
    denied = aws_cli("iam", "create-group", "--group-name", unique("cli-group"), **as_user)
    assert denied.returncode != 0
    assert "(AccessDenied)" in denied.stderr
    assert f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: iam:CreateGroup" in denied.stderr
