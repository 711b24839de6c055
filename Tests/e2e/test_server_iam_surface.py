"""The rest of IAM's surface with boto3 and the AWS CLI: service-linked roles, tag limits on every
taggable entity, UpdateRoleDescription, SetSecurityTokenServicePreferences,
GetAccountAuthorizationDetails' Filter and paging, and MFA for the root user."""
import base64
import csv
import hashlib
import hmac
import io
import json
import struct
import time

import pytest
from botocore.config import Config

from portcullis_e2e import (
    ACCOUNT_ID, REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, boto_session, expect_error, make_iam_client,
    unique,
)

EC2_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def cli_json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else {}


def cli_error(result, code):
    assert result.returncode != 0, result.stdout
    assert f"({code})" in result.stderr, result.stderr
    return result.stderr


# ----- service-linked roles --------------------------------------------------------------------


def protected(name):
    return f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"


def test_service_linked_role_has_awss_name_path_trust_and_policy(iam):
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", Description="asg")["Role"]
    name = role["RoleName"]
    assert name == "AWSServiceRoleForAutoScaling"
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/{name}"
    trust = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": ["autoscaling.amazonaws.com"]}
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AutoScalingServiceRolePolicy"]

    suffixed = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="fleet")["Role"]
    assert suffixed["RoleName"] == "AWSServiceRoleForAutoScaling_fleet"
    message = expect_error("InvalidInput", iam.create_service_linked_role, AWSServiceName="autoscaling.amazonaws.com")
    assert message == "Service role name AWSServiceRoleForAutoScaling has been taken in this account, please try a different suffix."
    message = expect_error(
        "InvalidInput", iam.create_service_linked_role, AWSServiceName="ecs.amazonaws.com", CustomSuffix="x")
    assert message == "Custom suffix is not allowed for ecs.amazonaws.com"
    expect_error("InvalidInput", iam.create_service_linked_role, AWSServiceName="not-a-service")

    for n in (name, suffixed["RoleName"]):
        task = iam.delete_service_linked_role(RoleName=n)["DeletionTaskId"]
        assert task.startswith(f"task/aws-service-role/autoscaling.amazonaws.com/{n}/")
        assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    expect_error("NoSuchEntity", iam.get_role, RoleName=name)


def test_service_linked_role_refuses_ordinary_changes(iam):
    name = iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")["Role"]["RoleName"]
    try:
        for call, kwargs in [
            (iam.delete_role, {}),
            (iam.update_assume_role_policy, {"PolicyDocument": json.dumps(EC2_TRUST)}),
            (iam.put_role_policy, {"PolicyName": "p", "PolicyDocument": json.dumps(allow("s3:*"))}),
            (iam.attach_role_policy, {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
            (iam.put_role_permissions_boundary, {"PermissionsBoundary": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
            (iam.update_role, {"MaxSessionDuration": 7200}),
        ]:
            assert expect_error("UnmodifiableEntity", call, RoleName=name, status=400, **kwargs) == protected(name)
        # The description is the one thing the account may change.
        assert iam.update_role_description(RoleName=name, Description="mine")["Role"]["Description"] == "mine"
        expect_error("NoSuchEntity", iam.delete_service_linked_role, RoleName=unique("nope"))
        ordinary = unique("ordinary")
        iam.create_role(RoleName=ordinary, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
        expect_error("NoSuchEntity", iam.delete_service_linked_role, RoleName=ordinary)
        iam.delete_role(RoleName=ordinary)
    finally:
        iam.delete_service_linked_role(RoleName=name)


def test_service_linked_roles_with_the_cli(aws_cli, iam):
    role = cli_json(aws_cli("iam", "create-service-linked-role", "--aws-service-name", "elasticbeanstalk.amazonaws.com"))
    name = role["Role"]["RoleName"]
    assert name == "AWSServiceRoleForElasticBeanstalk"
    cli_error(aws_cli("iam", "create-service-linked-role", "--aws-service-name", "elasticbeanstalk.amazonaws.com"),
              "InvalidInput")
    stderr = cli_error(aws_cli("iam", "delete-role", "--role-name", name), "UnmodifiableEntity")
    assert protected(name) in stderr
    cli_error(aws_cli("iam", "detach-role-policy", "--role-name", name, "--policy-arn",
                      "arn:aws:iam::aws:policy/aws-service-role/AWSElasticBeanstalkServiceRolePolicy"),
              "UnmodifiableEntity")
    task = cli_json(aws_cli("iam", "delete-service-linked-role", "--role-name", name))["DeletionTaskId"]
    status = cli_json(aws_cli("iam", "get-service-linked-role-deletion-status", "--deletion-task-id", task))
    assert status["Status"] == "SUCCEEDED"
    unknown = f"task/aws-service-role/elasticbeanstalk.amazonaws.com/{name}/00000000-0000-4000-8000-000000000000"
    cli_error(aws_cli("iam", "get-service-linked-role-deletion-status", "--deletion-task-id", unknown), "NoSuchEntity")


# ----- tags ------------------------------------------------------------------------------------


def taggables(iam):
    """(tag call, untag call, list call, naming kwargs) for one fresh entity of each taggable kind."""
    user, role, profile = unique("tu"), unique("tr"), unique("tp")
    iam.create_user(UserName=user)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.create_instance_profile(InstanceProfileName=profile)
    policy = iam.create_policy(PolicyName=unique("tpol"), PolicyDocument=json.dumps(allow("s3:GetObject")))["Policy"]["Arn"]
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("tmfa"))["VirtualMFADevice"]["SerialNumber"]
    host = f"{unique('oidc')}.example.com"
    oidc = iam.create_open_id_connect_provider(
        Url=f"https://{host}", ClientIDList=["app"], ThumbprintList=["a" * 40])["OpenIDConnectProviderArn"]
    return [
        (iam.tag_user, iam.untag_user, iam.list_user_tags, {"UserName": user}),
        (iam.tag_role, iam.untag_role, iam.list_role_tags, {"RoleName": role}),
        (iam.tag_instance_profile, iam.untag_instance_profile, iam.list_instance_profile_tags,
         {"InstanceProfileName": profile}),
        (iam.tag_policy, iam.untag_policy, iam.list_policy_tags, {"PolicyArn": policy}),
        (iam.tag_mfa_device, iam.untag_mfa_device, iam.list_mfa_device_tags, {"SerialNumber": serial}),
        (iam.tag_open_id_connect_provider, iam.untag_open_id_connect_provider, iam.list_open_id_connect_provider_tags,
         {"OpenIDConnectProviderArn": oidc}),
    ]


def test_tag_limits_on_every_taggable_entity(iam):
    for tag, untag, list_tags, naming in taggables(iam):
        tag(Tags=[{"Key": "k" * 128, "Value": "v" * 256}, {"Key": "team: a/b=c+d-e@f_g.h", "Value": "東京 ١٢٣"},
                  {"Key": "empty", "Value": ""}], **naming)
        assert len(list_tags(**naming)["Tags"]) == 3
        message = expect_error("ValidationError", tag, Tags=[{"Key": "k" * 129, "Value": "v"}], **naming)
        assert "Member must have length less than or equal to 128" in message
        message = expect_error("ValidationError", tag, Tags=[{"Key": "k", "Value": "v" * 257}], **naming)
        assert "Member must have length less than or equal to 256" in message
        message = expect_error("ValidationError", tag, Tags=[{"Key": "a#b", "Value": "v"}], **naming)
        assert "Member must satisfy regular expression pattern" in message
        message = expect_error("InvalidInput", tag, Tags=[{"Key": "AWS:team", "Value": "v"}], **naming)
        assert message == "User-provided tag keys cannot start with the reserved prefix 'aws:'."
        tag(Tags=[{"Key": f"n{i}", "Value": "v"} for i in range(47)], **naming)
        message = expect_error("LimitExceeded", tag, Tags=[{"Key": "one-more", "Value": "v"}], **naming)
        assert message == "The number of tags has reached the maximum limit."
        assert len(list_tags(**naming)["Tags"]) == 50
        untag(TagKeys=["empty"], **naming)
        assert len(list_tags(**naming)["Tags"]) == 49


def test_tags_at_creation_and_with_the_cli(iam, aws_cli):
    policy = iam.create_policy(
        PolicyName=unique("ctag"), PolicyDocument=json.dumps(allow("s3:GetObject")),
        Tags=[{"Key": "team", "Value": "blue"}])["Policy"]["Arn"]
    assert iam.list_policy_tags(PolicyArn=policy)["Tags"] == [{"Key": "team", "Value": "blue"}]
    profile = unique("ctag")
    iam.create_instance_profile(InstanceProfileName=profile, Tags=[{"Key": "env", "Value": "prod"}])
    assert iam.list_instance_profile_tags(InstanceProfileName=profile)["Tags"] == [{"Key": "env", "Value": "prod"}]
    expect_error("ValidationError", iam.create_instance_profile, InstanceProfileName=unique("ctag"),
                 Tags=[{"Key": "bad;key", "Value": "v"}])

    cli_json(aws_cli("iam", "tag-policy", "--policy-arn", policy, "--tags", "Key=owner,Value=ops@example.com"))
    listed = cli_json(aws_cli("iam", "list-policy-tags", "--policy-arn", policy))["Tags"]
    assert {"Key": "owner", "Value": "ops@example.com"} in listed
    cli_error(aws_cli("iam", "tag-instance-profile", "--instance-profile-name", profile, "--tags", "Key=a#b,Value=v"),
              "ValidationError")
    cli_error(aws_cli("iam", "tag-instance-profile", "--instance-profile-name", profile, "--tags", "Key=aws:x,Value=v"),
              "InvalidInput")
    cli_json(aws_cli("iam", "untag-instance-profile", "--instance-profile-name", profile, "--tag-keys", "env"))
    assert cli_json(aws_cli("iam", "list-instance-profile-tags", "--instance-profile-name", profile))["Tags"] == []


# ----- UpdateRoleDescription, SetSecurityTokenServicePreferences --------------------------------


def test_update_role_description(iam, aws_cli):
    role = unique("desc")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    updated = iam.update_role_description(RoleName=role, Description="first")["Role"]
    assert updated["RoleName"] == role and updated["Description"] == "first"
    out = cli_json(aws_cli("iam", "update-role-description", "--role-name", role, "--description", "second"))
    assert out["Role"]["Description"] == "second"
    assert iam.get_role(RoleName=role)["Role"]["Description"] == "second"
    expect_error("NoSuchEntity", iam.update_role_description, RoleName=unique("nope"), Description="x")
    cli_error(aws_cli("iam", "update-role-description", "--role-name", unique("nope"), "--description", "x"),
              "NoSuchEntity")


def test_security_token_service_preferences(iam, aws_cli):
    try:
        iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
        assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
        cli_json(aws_cli("iam", "set-security-token-service-preferences", "--global-endpoint-token-version", "v1Token"))
        assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
        expect_error("ValidationError", iam.set_security_token_service_preferences, GlobalEndpointTokenVersion="v3Token")
        cli_error(aws_cli("iam", "set-security-token-service-preferences", "--global-endpoint-token-version", "v9"),
                  "ValidationError")
    finally:
        iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")


# ----- GetAccountAuthorizationDetails' Filter and paging ----------------------------------------


LISTS = {"UserDetailList": "UserName", "GroupDetailList": "GroupName", "RoleDetailList": "RoleName",
         "Policies": "Arn"}


def names(page):
    return [(key, entry[member]) for key, member in LISTS.items() for entry in page.get(key, [])]


def test_authorization_details_filter_and_paging(iam, aws_cli):
    user, group, role = unique("ad"), unique("ad"), unique("ad")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.attach_role_policy(RoleName=role, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    policy = iam.create_policy(PolicyName=unique("ad"), PolicyDocument=json.dumps(allow("s3:GetObject")))["Policy"]["Arn"]

    whole = iam.get_account_authorization_details(MaxItems=1000)
    assert whole["IsTruncated"] is False
    everything = names(whole)
    # Pages of two, by hand: together they are the whole, in the same order.
    paged, marker, pages = [], None, 0
    while True:
        kwargs = {"MaxItems": 2, **({"Marker": marker} if marker else {})}
        page = iam.get_account_authorization_details(**kwargs)
        assert len(names(page)) <= 2
        paged += names(page)
        pages += 1
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert paged == everything and pages == (len(everything) + 1) // 2

    only_roles = iam.get_account_authorization_details(Filter=["Role"], MaxItems=1000)
    assert only_roles["UserDetailList"] == [] and only_roles["Policies"] == []
    assert role in [r["RoleName"] for r in only_roles["RoleDetailList"]]
    local = iam.get_account_authorization_details(Filter=["LocalManagedPolicy"], MaxItems=1000)["Policies"]
    assert policy in [p["Arn"] for p in local] and all(":aws:policy/" not in p["Arn"] for p in local)
    managed = iam.get_account_authorization_details(Filter=["AWSManagedPolicy"], MaxItems=1000)["Policies"]
    assert "arn:aws:iam::aws:policy/ReadOnlyAccess" in [p["Arn"] for p in managed]
    users_groups = iam.get_account_authorization_details(Filter=["User", "Group"], MaxItems=1000)
    assert user in [u["UserName"] for u in users_groups["UserDetailList"]]
    assert group in [g["GroupName"] for g in users_groups["GroupDetailList"]]
    assert users_groups["RoleDetailList"] == []
    expect_error("ValidationError", iam.get_account_authorization_details, Filter=["Bogus"])

    # The CLI pages by itself (small pages here) and merges the lists.
    out = cli_json(aws_cli("iam", "get-account-authorization-details", "--filter", "User", "Role",
                           "--page-size", "3"))
    assert [u["UserName"] for u in out["UserDetailList"]] == [n for k, n in everything if k == "UserDetailList"]
    assert [r["RoleName"] for r in out["RoleDetailList"]] == [n for k, n in everything if k == "RoleDetailList"]
    assert out["GroupDetailList"] == [] and out["Policies"] == []


# ----- MFA for the root user (its own server: it changes account-wide facts) ------------------


def totp(seed, step):
    key = base64.b32decode(seed + "=" * (-len(seed) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


@pytest.fixture(scope="module")
def root_mfa_server(server_factory):
    return server_factory("root-mfa").start()


def test_root_user_mfa(root_mfa_server, aws_cli_for):
    iam = make_iam_client(root_mfa_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    aws_cli = aws_cli_for(root_mfa_server)
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    assert serial == f"arn:aws:iam::{ACCOUNT_ID}:mfa/root-account-mfa-device"

    now = int(time.time()) // 30
    # The root user names itself by its user id, the account id.
    expect_error("InvalidAuthenticationCode", iam.enable_mfa_device, UserName=ACCOUNT_ID, SerialNumber=serial,
                 AuthenticationCode1="000000", AuthenticationCode2="111111")
    iam.enable_mfa_device(UserName=ACCOUNT_ID, SerialNumber=serial, AuthenticationCode1=totp(seed, now - 1),
                          AuthenticationCode2=totp(seed, now))
    listed = iam.list_mfa_devices()["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [(ACCOUNT_ID, serial)]
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1
    virtual = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [(d["SerialNumber"], d["User"]["Arn"]) for d in virtual] == [(serial, f"arn:aws:iam::{ACCOUNT_ID}:root")]
    expect_error("DeleteConflict", iam.delete_virtual_mfa_device, SerialNumber=serial)

    # The credential report's root row.
    iam.generate_credential_report()
    report = list(csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode())))
    assert report[0]["user"] == "<root_account>" and report[0]["mfa_active"] == "true"

    # GetSessionToken as root with the device: a fresh code works once, a wrong one never.
    sts = boto_session().client(
        "sts", endpoint_url=root_mfa_server.endpoint, region_name=REGION, aws_access_key_id=ROOT_ACCESS_KEY_ID,
        aws_secret_access_key=ROOT_SECRET_ACCESS_KEY, config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    expect_error("AccessDenied", sts.get_session_token, SerialNumber=serial, TokenCode="000000")
    fresh = totp(seed, now + 1)
    credentials = sts.get_session_token(SerialNumber=serial, TokenCode=fresh)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    expect_error("AccessDenied", sts.get_session_token, SerialNumber=serial, TokenCode=fresh)

    # The CLI sees the same, and the root user deactivates its device.
    out = cli_json(aws_cli("iam", "list-mfa-devices"))
    assert [d["SerialNumber"] for d in out["MFADevices"]] == [serial]
    cli_json(aws_cli("iam", "deactivate-mfa-device", "--user-name", ACCOUNT_ID, "--serial-number", serial))
    assert cli_json(aws_cli("iam", "list-mfa-devices"))["MFADevices"] == []
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
    cli_json(aws_cli("iam", "delete-virtual-mfa-device", "--serial-number", serial))


def test_an_iam_user_cannot_enable_mfa_for_the_root_user(root_mfa_server):
    iam = make_iam_client(root_mfa_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    admin = unique("admin")
    iam.create_user(UserName=admin)
    iam.attach_user_policy(UserName=admin, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName=admin)["AccessKey"]
    client = make_iam_client(root_mfa_server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    device = client.create_virtual_mfa_device(VirtualMFADeviceName=unique("not-root"))["VirtualMFADevice"]
    seed, now = device["Base32StringSeed"].decode(), int(time.time()) // 30
    expect_error("NoSuchEntity", client.enable_mfa_device, UserName=ACCOUNT_ID, SerialNumber=device["SerialNumber"],
                 AuthenticationCode1=totp(seed, now - 1), AuthenticationCode2=totp(seed, now))
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 0
