"""AWS Organizations on the same endpoint (JSON 1.1), driven by boto3 and the AWS CLI: an
organization with two OUs and three member accounts, SCPs enforced on every member principal
(the root user included) and never on the management account, an allow-list SCP, and
aws:PrincipalOrgID in a trust policy. Member credentials come from assuming
OrganizationAccountAccessRole from the management account, as on AWS; a member's root key and an
account outside the organization come from `portcullis admin` on the stopped server."""
import json
import os
import re
import shutil
import subprocess

import pytest
from botocore.config import Config

from portcullis_e2e import (
    ACCOUNT_ID, REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, boto_session, deny, doc, expect_error,
    unique,
)

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(server, service, key, secret, token=None, region=REGION):
    return boto_session().client(
        service, endpoint_url=server.endpoint, region_name=region, aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token, config=NO_RETRY)


def session_client(server, service, credentials, region=REGION):
    return client(server, service, credentials["AccessKeyId"], credentials["SecretAccessKey"],
                  credentials["SessionToken"], region=region)


def root_key_from(output):
    key = re.search(r"AWS_ACCESS_KEY_ID=(\S+)", output).group(1)
    secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", output).group(1)
    account = re.search(r"account (\d{12})", output).group(1)
    return account, key, secret


class Estate:
    """The organization every test here shares (built once, read-mostly)."""


@pytest.fixture(scope="module")
def estate(server_factory, portcullis):
    server = server_factory("organizations").start()
    e = Estate()
    e.server = server
    org = client(server, "organizations", ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    e.org = org
    e.organization = org.create_organization(FeatureSet="ALL")["Organization"]
    e.root_id = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=e.root_id, PolicyType="SERVICE_CONTROL_POLICY")
    e.prod = org.create_organizational_unit(ParentId=e.root_id, Name="Prod")["OrganizationalUnit"]["Id"]
    e.sandbox = org.create_organizational_unit(ParentId=e.root_id, Name="Sandbox")["OrganizationalUnit"]["Id"]
    e.accounts = {}
    for name, parent in (("prod-a", e.prod), ("sandbox-a", e.sandbox), ("shared", e.root_id)):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        assert status["State"] == "SUCCEEDED"
        account_id = status["AccountId"]
        if parent != e.root_id:
            org.move_account(AccountId=account_id, SourceParentId=e.root_id, DestinationParentId=parent)
        e.accounts[name] = account_id

    # An administrator of the management account, to assume roles into members (a root user
    # cannot assume roles).
    iam = client(server, "iam", ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    admin_name = unique("org-admin")
    iam.create_user(UserName=admin_name)
    iam.attach_user_policy(UserName=admin_name, PolicyArn=ADMIN)
    key = iam.create_access_key(UserName=admin_name)["AccessKey"]
    e.admin_key = (key["AccessKeyId"], key["SecretAccessKey"])

    # Offline, on the stopped server: the root key of the member in Prod, and an account that
    # belongs to no organization.
    server.stop()
    out = subprocess.run(
        [portcullis, "admin", "create-root-key", "--data-dir", server.data_dir, "--account-id", e.accounts["prod-a"]],
        capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    e.member_root = root_key_from(out.stdout)[1:]
    out = subprocess.run(
        [portcullis, "admin", "create-account", "--data-dir", server.data_dir, "--name", "outsider"],
        capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    e.outsider_id, *e.outsider_root = root_key_from(out.stdout)
    e.listed = subprocess.run(
        [portcullis, "admin", "list-accounts", "--data-dir", server.data_dir], capture_output=True, text=True,
        timeout=60)
    server.start()
    return e


def assume_access_role(e, account_id, region=REGION):
    """Credentials of OrganizationAccountAccessRole in `account_id`, assumed by the management
    account's administrator."""
    sts = client(e.server, "sts", *e.admin_key)
    return sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", RoleSessionName=unique("s"),
    )["Credentials"]


@pytest.fixture
def attached(estate):
    """`attached(document, target)` creates an SCP, attaches it, and detaches and deletes it after
    the test."""
    made = []

    def attach(document, target, detach_full_access=False):
        policy = estate.org.create_policy(
            Name=unique("scp"), Description="e2e", Type="SERVICE_CONTROL_POLICY", Content=doc(document),
        )["Policy"]["PolicySummary"]["Id"]
        estate.org.attach_policy(PolicyId=policy, TargetId=target)
        if detach_full_access:
            estate.org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=target)
        made.append((policy, target, detach_full_access))
        return policy

    yield attach
    for policy, target, detached_full in reversed(made):
        if detached_full:
            estate.org.attach_policy(PolicyId="p-FullAWSAccess", TargetId=target)
        estate.org.detach_policy(PolicyId=policy, TargetId=target)
        estate.org.delete_policy(PolicyId=policy)


@pytest.fixture
def cli(estate, tmp_path):
    """`cli("organizations", "list-accounts", ...)` -> CompletedProcess against the estate's server."""
    exe = shutil.which("aws")
    if exe is None:
        pytest.skip("the AWS CLI is not installed")

    def run(*args, key=ROOT_ACCESS_KEY_ID, secret=ROOT_SECRET_ACCESS_KEY):
        env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
            "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
            "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1",
        }
        for var in ("PYENV_ROOT", "PYENV_VERSION", "LANG", "LC_ALL"):
            if var in os.environ:
                env[var] = os.environ[var]
        return subprocess.run(
            [exe, "--endpoint-url", estate.server.endpoint, *args], capture_output=True, text=True, env=env,
            timeout=60)

    return run


# ---------------------------------------------------------------------------------------------
# The organization as the CLI and boto3 see it
# ---------------------------------------------------------------------------------------------


def test_the_cli_describes_the_organization_and_its_four_accounts(estate, cli):
    out = cli("organizations", "describe-organization")
    assert out.returncode == 0, out.stderr
    organization = json.loads(out.stdout)["Organization"]
    assert organization["MasterAccountId"] == ACCOUNT_ID
    assert re.fullmatch(r"o-[a-z0-9]{10}", organization["Id"])
    out = cli("organizations", "list-accounts")
    assert out.returncode == 0, out.stderr
    ids = {a["Id"] for a in json.loads(out.stdout)["Accounts"]}
    assert ids == {ACCOUNT_ID, *estate.accounts.values()}


def test_accounts_sit_under_their_ous(estate):
    children = estate.org.list_children(ParentId=estate.prod, ChildType="ACCOUNT")["Children"]
    assert [c["Id"] for c in children] == [estate.accounts["prod-a"]]
    parents = estate.org.list_parents(ChildId=estate.accounts["sandbox-a"])["Parents"]
    assert parents == [{"Id": estate.sandbox, "Type": "ORGANIZATIONAL_UNIT"}]
    ous = estate.org.list_organizational_units_for_parent(ParentId=estate.root_id)["OrganizationalUnits"]
    assert sorted(ou["Name"] for ou in ous) == ["Prod", "Sandbox"]


def test_admin_list_accounts_shows_members_and_the_outsider(estate):
    assert estate.listed.returncode == 0, estate.listed.stderr
    text = estate.listed.stdout
    for account_id in estate.accounts.values():
        assert re.search(rf"{account_id}\t.*\t{estate.organization['Id']}\tmember", text)
    assert re.search(rf"{estate.outsider_id}\toutsider\t-\t-", text)


def test_cross_account_assume_role_into_organization_account_access_role(estate):
    credentials = assume_access_role(estate, estate.accounts["shared"])
    identity = session_client(estate.server, "sts", credentials).get_caller_identity()
    assert identity["Account"] == estate.accounts["shared"]
    assert ":assumed-role/OrganizationAccountAccessRole/" in identity["Arn"]
    session_client(estate.server, "iam", credentials).list_users()


def test_a_member_cannot_list_the_organizations_accounts(estate):
    org = session_client(estate.server, "organizations", assume_access_role(estate, estate.accounts["shared"]))
    expect_error("AccessDeniedException", org.list_accounts)
    assert org.describe_organization()["Organization"]["Id"] == estate.organization["Id"]


def test_an_account_outside_the_organization_gets_not_in_use(estate):
    org = client(estate.server, "organizations", *estate.outsider_root)
    expect_error("AWSOrganizationsNotInUseException", org.list_accounts)


# ---------------------------------------------------------------------------------------------
# Attachment rules
# ---------------------------------------------------------------------------------------------


def test_attaching_a_type_that_is_not_enabled_is_policy_type_not_enabled(estate):
    rcp = estate.org.create_policy(
        Name=unique("rcp"), Description="e2e", Type="RESOURCE_CONTROL_POLICY",
        Content=doc({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Resource": "*"}]}),
    )["Policy"]["PolicySummary"]["Id"]
    try:
        expect_error("PolicyTypeNotEnabledException", estate.org.attach_policy, PolicyId=rcp, TargetId=estate.root_id)
    finally:
        estate.org.delete_policy(PolicyId=rcp)


def test_attaching_twice_is_duplicate_policy_attachment(estate):
    expect_error(
        "DuplicatePolicyAttachmentException", estate.org.attach_policy, PolicyId="p-FullAWSAccess",
        TargetId=estate.root_id)


def test_detaching_the_last_scp_is_a_constraint_violation(estate, cli):
    out = cli("organizations", "detach-policy", "--policy-id", "p-FullAWSAccess", "--target-id", estate.prod)
    assert out.returncode != 0
    assert "ConstraintViolationException" in out.stderr


def test_a_malformed_scp_is_refused(estate):
    expect_error(
        "MalformedPolicyDocumentException", estate.org.create_policy, Name=unique("bad"), Description="e2e",
        Type="SERVICE_CONTROL_POLICY", Content='{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}')


# ---------------------------------------------------------------------------------------------
# Enforcement
# ---------------------------------------------------------------------------------------------

OUTSIDE_EU_WEST_1 = deny("iam:CreateUser", Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}})


def test_a_region_scp_stops_a_member_administrator_outside_the_region(estate, attached):
    attached(OUTSIDE_EU_WEST_1, estate.prod)
    credentials = assume_access_role(estate, estate.accounts["prod-a"])
    message = expect_error(
        "AccessDenied", session_client(estate.server, "iam", credentials).create_user, UserName=unique("u"))
    assert "service control policy" in message
    session_client(estate.server, "iam", credentials, region="eu-west-1").create_user(UserName=unique("u"))


def test_a_region_scp_stops_even_the_member_accounts_root(estate, attached):
    attached(OUTSIDE_EU_WEST_1, estate.prod)
    iam = client(estate.server, "iam", *estate.member_root)
    expect_error("AccessDenied", iam.create_user, UserName=unique("u"))


def test_the_management_account_is_unaffected_by_scps(estate, attached):
    attached(OUTSIDE_EU_WEST_1, estate.root_id)
    iam = client(estate.server, "iam", ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    iam.create_user(UserName=unique("mgmt"))


def test_an_scp_denying_leave_organization_keeps_the_member_root_in(estate, attached):
    attached(deny("organizations:LeaveOrganization"), estate.root_id)
    org = client(estate.server, "organizations", *estate.member_root)
    expect_error("AccessDeniedException", org.leave_organization)
    assert org.describe_organization()["Organization"]["Id"] == estate.organization["Id"]


def test_an_allow_list_scp_limits_a_member_administrator(estate, attached):
    attached(allow(["iam:List*", "iam:Get*"]), estate.sandbox, detach_full_access=True)
    iam = session_client(estate.server, "iam", assume_access_role(estate, estate.accounts["sandbox-a"]))
    iam.list_users()
    message = expect_error("AccessDenied", iam.create_user, UserName=unique("u"))
    assert "because no service control policy allows the iam:CreateUser action" in message


def test_principal_org_id_in_a_trust_policy_admits_members_and_rejects_outsiders(estate):
    iam = client(estate.server, "iam", ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    role = unique("org-shared")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": estate.organization["Id"]}}}]}
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=doc(trust))
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{role}"

    member = session_client(estate.server, "sts", assume_access_role(estate, estate.accounts["shared"]))
    assumed = member.assume_role(RoleArn=role_arn, RoleSessionName="member")
    assert assumed["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/")

    # The outsider's administrator may assume roles anywhere, but the trust policy wants the org.
    outsider_iam = client(estate.server, "iam", *estate.outsider_root)
    name = unique("outsider-admin")
    outsider_iam.create_user(UserName=name)
    outsider_iam.attach_user_policy(UserName=name, PolicyArn=ADMIN)
    key = outsider_iam.create_access_key(UserName=name)["AccessKey"]
    outsider = client(estate.server, "sts", key["AccessKeyId"], key["SecretAccessKey"])
    expect_error("AccessDenied", outsider.assume_role, RoleArn=role_arn, RoleSessionName="outsider")


def test_admin_commands_refuse_a_data_directory_a_server_holds(estate, portcullis):
    out = subprocess.run(
        [portcullis, "admin", "create-account", "--data-dir", estate.server.data_dir, "--name", "too-late"],
        capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "in use by another portcullis process" in out.stderr


def test_the_cli_creates_attaches_and_deletes_an_scp(estate, cli):
    content = json.dumps(deny("iam:CreateUser"))
    out = cli("organizations", "create-policy", "--type", "SERVICE_CONTROL_POLICY", "--name", unique("cli"),
              "--description", "no new users", "--content", content)
    assert out.returncode == 0, out.stderr
    policy_id = json.loads(out.stdout)["Policy"]["PolicySummary"]["Id"]
    assert re.fullmatch(r"p-[a-z0-9]{8}", policy_id)
    out = cli("organizations", "attach-policy", "--policy-id", policy_id, "--target-id", estate.sandbox)
    assert out.returncode == 0, out.stderr
    try:
        out = cli("organizations", "list-policies-for-target", "--target-id", estate.sandbox,
                  "--filter", "SERVICE_CONTROL_POLICY")
        assert {p["Id"] for p in json.loads(out.stdout)["Policies"]} == {"p-FullAWSAccess", policy_id}
        iam = session_client(estate.server, "iam", assume_access_role(estate, estate.accounts["sandbox-a"]))
        expect_error("AccessDenied", iam.create_user, UserName=unique("u"))
        out = cli("organizations", "delete-policy", "--policy-id", policy_id)
        assert out.returncode != 0 and "PolicyInUseException" in out.stderr
    finally:
        out = cli("organizations", "detach-policy", "--policy-id", policy_id, "--target-id", estate.sandbox)
        assert out.returncode == 0, out.stderr
    out = cli("organizations", "delete-policy", "--policy-id", policy_id)
    assert out.returncode == 0, out.stderr
