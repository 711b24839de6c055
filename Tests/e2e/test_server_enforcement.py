"""Every call is authorized by the policy engine: identity policies allow, explicit denies win,
permissions boundaries limit, group policies count, and conditions see the request's tags."""
import json

import pytest

from portcullis_e2e import READ_ONLY_ACCESS, allow, arn, deny, expect_error, unique


def denied(client_call, **kwargs):
    message = expect_error("AccessDenied", client_call, status=403, **kwargs)
    # AWS's words, without the encoded authorization message that follows them.
    return message.partition(" Encoded authorization failure message: ")[0]


def test_narrow_policy_allows_what_it_grants_and_nothing_else(iam, make_user):
    user = make_user(inline=[allow(["iam:ListUsers", "iam:GetUser"])])
    assert user.name in [u["UserName"] for u in user.client.get_paginator("list_users").paginate().build_full_result()["Users"]]
    assert user.client.get_user(UserName=user.name)["User"]["Arn"] == user.arn

    new = unique("forbidden")
    message = denied(user.client.create_user, UserName=new)
    assert message == (
        f"User: {user.arn} is not authorized to perform: iam:CreateUser on resource: {arn('user', new)} "
        "because no identity-based policy allows the iam:CreateUser action")
    expect_error("NoSuchEntity", iam.get_user, UserName=new)  # nothing was created

    message = denied(user.client.delete_user, UserName=user.name)
    assert message == (
        f"User: {user.arn} is not authorized to perform: iam:DeleteUser on resource: {user.arn} "
        "because no identity-based policy allows the iam:DeleteUser action")
    denied(user.client.list_roles)
    denied(user.client.create_access_key, UserName=user.name)


def test_resource_scoped_policy(iam, make_user):
    team_path = f"/{unique('team')}/"
    user = make_user(inline=[allow(["iam:GetUser", "iam:CreateUser", "iam:TagUser"], arn("user", "*", path=team_path))])
    inside = unique("inside")
    created = user.client.create_user(UserName=inside, Path=team_path)["User"]
    assert created["Arn"] == arn("user", inside, path=team_path)
    assert user.client.get_user(UserName=inside)["User"]["UserName"] == inside
    outside = unique("outside")
    message = denied(user.client.create_user, UserName=outside, Path="/")
    assert f"on resource: {arn('user', outside)} because" in message
    # Reading a user outside the path is denied too.
    message = denied(user.client.get_user, UserName=user.name)
    assert message.endswith("because no identity-based policy allows the iam:GetUser action")


def test_explicit_deny_wins(make_user, iam):
    user = make_user(inline=[allow("iam:*"), deny(["iam:DeleteUser", "iam:CreateUser"])])
    victim = unique("victim")
    iam.create_user(UserName=victim)
    message = denied(user.client.delete_user, UserName=victim)
    assert message == (
        f"User: {user.arn} is not authorized to perform: iam:DeleteUser on resource: {arn('user', victim)} "
        "with an explicit deny in an identity-based policy")
    denied(user.client.create_user, UserName=unique("nope"))
    # Everything else iam:* grants still works.
    group = unique("allowed")
    user.client.create_group(GroupName=group)
    user.client.delete_group(GroupName=group)
    iam.get_user(UserName=victim)


def test_explicit_deny_in_a_managed_policy_attached_later(iam, make_user, make_policy):
    user = make_user(inline=[allow(["iam:ListUsers", "iam:ListGroups"])])
    user.client.list_groups()
    deny_groups = make_policy(deny("iam:ListGroups"))
    iam.attach_user_policy(UserName=user.name, PolicyArn=deny_groups)
    message = denied(user.client.list_groups)
    assert message.endswith("with an explicit deny in an identity-based policy")
    user.client.list_users()
    iam.detach_user_policy(UserName=user.name, PolicyArn=deny_groups)
    user.client.list_groups()


def test_permissions_boundary_limits_an_admin(iam, make_user, make_policy):
    boundary = make_policy(allow(["iam:Get*", "iam:List*"]))
    admin = make_user(inline=[allow("*")], boundary=boundary)
    admin.client.list_users()
    admin.client.get_user(UserName=admin.name)
    new = unique("blocked")
    message = denied(admin.client.create_user, UserName=new)
    assert message.startswith(f"User: {admin.arn} is not authorized to perform: iam:CreateUser on resource: {arn('user', new)}")
    assert "permissions boundary" in message
    # The boundary grants nothing by itself.
    bounded_only = make_user(boundary=boundary)
    message = denied(bounded_only.client.list_users)
    assert message.endswith("because no identity-based policy allows the iam:ListUsers action")
    # Lifting the boundary restores the admin's rights.
    iam.delete_user_permissions_boundary(UserName=admin.name)
    admin.client.create_user(UserName=new)
    admin.client.delete_user(UserName=new)


def test_boundary_from_an_aws_managed_policy(make_user):
    admin = make_user(inline=[allow("iam:*")], boundary=READ_ONLY_ACCESS)
    admin.client.list_roles()
    denied(admin.client.create_group, GroupName=unique("group"))


def test_group_policies_grant_to_members(iam, make_user, make_policy):
    group = unique("readers")
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName="groups", PolicyDocument=json.dumps(allow("iam:ListGroups")))
    iam.attach_group_policy(GroupName=group, PolicyArn=make_policy(allow("iam:ListRoles")))
    user = make_user()
    denied(user.client.list_groups)
    denied(user.client.list_roles)

    iam.add_user_to_group(GroupName=group, UserName=user.name)
    assert group in [g["GroupName"] for g in user.client.list_groups()["Groups"]]
    user.client.list_roles()
    denied(user.client.list_users)

    iam.remove_user_from_group(GroupName=group, UserName=user.name)
    denied(user.client.list_groups)
    denied(user.client.list_roles)


def test_policy_version_change_takes_effect(iam, make_user, make_policy):
    policy = make_policy(allow("iam:ListUsers"))
    user = make_user(managed=[policy])
    user.client.list_users()
    denied(user.client.list_groups)
    iam.create_policy_version(PolicyArn=policy, PolicyDocument=json.dumps(allow("iam:ListGroups")), SetAsDefault=True)
    user.client.list_groups()
    denied(user.client.list_users)
    iam.set_default_policy_version(PolicyArn=policy, VersionId="v1")
    user.client.list_users()


def test_aws_managed_read_only_access(make_user):
    reader = make_user(managed=[READ_ONLY_ACCESS])
    reader.client.list_users()
    reader.client.get_account_authorization_details(MaxItems=1)
    reader.client.get_policy(PolicyArn=READ_ONLY_ACCESS)
    message = denied(reader.client.create_user, UserName=unique("nope"))
    assert message.endswith("because no identity-based policy allows the iam:CreateUser action")


TAG_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow", "Action": ["iam:CreateUser", "iam:TagUser"], "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:RequestTag/team": "blue"},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center"]},
        },
    }],
}


@pytest.mark.parametrize(
    "tags, allowed",
    [
        ({}, False),
        ({"team": "blue"}, True),
        ({"team": "blue", "cost-center": "42"}, True),
        ({"team": "red"}, False),
        ({"team": "blue", "owner": "mallory"}, False),
    ],
    ids=["no-tags", "team-blue", "blue-and-cost-center", "team-red", "extra-key"],
)
def test_condition_on_request_tags(iam, make_user, tags, allowed):
    user = make_user(inline=[TAG_POLICY])
    new = unique("tagged")
    call = dict(UserName=new)
    if tags:
        call["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    if allowed:
        created = user.client.create_user(**call)["User"]
        assert {t["Key"]: t["Value"] for t in created["Tags"]} == tags
    else:
        message = denied(user.client.create_user, **call)
        assert f"iam:CreateUser on resource: {arn('user', new)}" in message
        expect_error("NoSuchEntity", iam.get_user, UserName=new)


def test_condition_on_resource_and_principal_tags(iam, make_user):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Action": ["iam:GetUser", "iam:TagUser"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        }],
    }
    user = make_user(inline=[policy], tags={"team": "blue"})
    same, other = unique("same"), unique("other")
    iam.create_user(UserName=same, Tags=[{"Key": "team", "Value": "blue"}])
    iam.create_user(UserName=other, Tags=[{"Key": "team", "Value": "red"}])
    user.client.tag_user(UserName=same, Tags=[{"Key": "note", "Value": "ok"}])
    denied(user.client.tag_user, UserName=other, Tags=[{"Key": "note", "Value": "no"}])


def test_pass_role_is_needed_to_put_a_role_in_an_instance_profile(iam, make_user):
    from portcullis_e2e import EC2_TRUST

    role, profile = unique("role"), unique("profile")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.create_instance_profile(InstanceProfileName=profile)
    user = make_user(inline=[allow("iam:AddRoleToInstanceProfile")])
    message = denied(user.client.add_role_to_instance_profile, InstanceProfileName=profile, RoleName=role)
    assert f"iam:PassRole on resource: {arn('role', role)}" in message
    iam.put_user_policy(UserName=user.name, PolicyName="pass", PolicyDocument=json.dumps(allow("iam:PassRole", arn("role", role))))
    user.client.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)


def test_condition_on_the_permissions_boundary_being_set(iam, make_user, make_policy):
    boundary = make_policy(allow("iam:Get*"))
    other = make_policy(allow("iam:*"))
    delegate = make_user(inline=[allow(
        "iam:CreateUser", Condition={"StringEquals": {"iam:PermissionsBoundary": boundary}})])
    denied(delegate.client.create_user, UserName=unique("unbounded"))
    denied(delegate.client.create_user, UserName=unique("wrong"), PermissionsBoundary=other)
    name = unique("bounded")
    delegate.client.create_user(UserName=name, PermissionsBoundary=boundary)
    assert iam.get_user(UserName=name)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary


def test_condition_on_the_policy_being_attached(iam, make_user, make_policy):
    allowed_policy, other_policy = make_policy(allow("iam:GetUser")), make_policy(allow("iam:*"))
    target = unique("target")
    iam.create_user(UserName=target)
    delegate = make_user(inline=[allow(
        ["iam:AttachUserPolicy", "iam:DetachUserPolicy"], Condition={"ArnEquals": {"iam:PolicyARN": allowed_policy}})])
    delegate.client.attach_user_policy(UserName=target, PolicyArn=allowed_policy)
    message = denied(delegate.client.attach_user_policy, UserName=target, PolicyArn=other_policy)
    assert f"iam:AttachUserPolicy on resource: {arn('user', target)}" in message
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=target)["AttachedPolicies"]] == [allowed_policy]
    delegate.client.detach_user_policy(UserName=target, PolicyArn=allowed_policy)


def test_not_action(make_user):
    user = make_user(inline=[{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:Create*", "iam:Delete*"], "Resource": "*"}]}])
    user.client.list_users()
    user.client.list_groups()
    denied(user.client.create_group, GroupName=unique("group"))
    denied(user.client.delete_user, UserName=user.name)


def test_a_group_deny_overrides_a_user_allow(iam, make_user):
    group = unique("no-delete")
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName="deny", PolicyDocument=json.dumps(deny("iam:ListRoles")))
    user = make_user(inline=[allow(["iam:ListRoles", "iam:ListUsers"])], groups=[group])
    message = denied(user.client.list_roles)
    assert message.endswith("with an explicit deny in an identity-based policy")
    user.client.list_users()
