"""Managed policies over the IAM API: versions, attachments, entities, tags, AWS managed
policies; inline policies of users and groups; permissions boundaries of users."""
import json

import pytest
from botocore.exceptions import ClientError

from portcullis_e2e import (
    ACCOUNT_ID, EC2_TRUST, READ_ONLY_ACCESS, allow, arn, collect_pages, deny, doc, expect_error, unique,
)

V1 = allow("iam:GetUser")


def version_doc(n):
    return allow("iam:GetUser", arn("user", f"version-{n}"))


# ----- managed policies and versions -----------------------------------------------------------


def test_create_and_get_policy(iam):
    name = unique("policy")
    created = iam.create_policy(PolicyName=name, Path="/team/", PolicyDocument=json.dumps(V1), Description="reads")["Policy"]
    assert created["PolicyName"] == name
    assert created["Arn"] == arn("policy", name, path="/team/")
    assert created["PolicyId"].startswith("ANPA")
    assert created["DefaultVersionId"] == "v1"
    assert created["AttachmentCount"] == 0
    assert created["IsAttachable"] is True
    got = iam.get_policy(PolicyArn=created["Arn"])["Policy"]
    assert {k: got[k] for k in ("PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "Description")} == {
        k: created[k] for k in ("PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "Description")}
    version = iam.get_policy_version(PolicyArn=created["Arn"], VersionId="v1")["PolicyVersion"]
    assert version["Document"] == V1  # decoded by boto3
    assert version["IsDefaultVersion"] is True
    assert version["VersionId"] == "v1"

    local = iam.list_policies(Scope="Local", PathPrefix="/team/")["Policies"]
    assert created["Arn"] in [p["Arn"] for p in local]

    message = expect_error("EntityAlreadyExists", iam.create_policy, PolicyName=name.upper(), PolicyDocument=json.dumps(V1))
    assert message == f"A policy called {name.upper()} already exists. Duplicate names are not allowed."

    missing = arn("policy", unique("missing"))
    assert expect_error("NoSuchEntity", iam.get_policy, PolicyArn=missing) == f"Policy {missing} was not found."


def test_malformed_policy_document(iam):
    bad = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "GetUser", "Resource": "*"}}
    message = expect_error("MalformedPolicyDocument", iam.create_policy, PolicyName=unique("bad"), PolicyDocument=json.dumps(bad))
    assert "Actions/Conditions must be prefaced by a vendor" in message
    expect_error("MalformedPolicyDocument", iam.create_policy, PolicyName=unique("bad"), PolicyDocument="{not json")
    unknown_operator = allow("iam:GetUser", Condition={"StringEqualz": {"aws:username": "x"}})
    expect_error(
        "MalformedPolicyDocument", iam.create_policy, PolicyName=unique("bad"), PolicyDocument=json.dumps(unknown_operator))


def test_policy_versions_limit_default_and_delete(iam, make_policy):
    policy = make_policy(version_doc(0))
    for n in range(2, 6):
        v = iam.create_policy_version(PolicyArn=policy, PolicyDocument=json.dumps(version_doc(n)))["PolicyVersion"]
        assert v["VersionId"] == f"v{n}"
        assert v["IsDefaultVersion"] is False
    message = expect_error(
        "LimitExceeded", iam.create_policy_version, PolicyArn=policy, PolicyDocument=json.dumps(version_doc(6)), status=409)
    assert message == (
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

    versions = iam.list_policy_versions(PolicyArn=policy)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v1", "v2", "v3", "v4", "v5"]
    assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v1"]

    iam.set_default_policy_version(PolicyArn=policy, VersionId="v3")
    assert iam.get_policy(PolicyArn=policy)["Policy"]["DefaultVersionId"] == "v3"
    v3 = iam.get_policy_version(PolicyArn=policy, VersionId="v3")["PolicyVersion"]
    assert v3["IsDefaultVersion"] is True
    assert v3["Document"] == version_doc(3)
    assert iam.get_policy_version(PolicyArn=policy, VersionId="v1")["PolicyVersion"]["IsDefaultVersion"] is False

    message = expect_error("DeleteConflict", iam.delete_policy_version, PolicyArn=policy, VersionId="v3")
    assert message == "Cannot delete the default version of a policy."
    expect_error("NoSuchEntity", iam.set_default_policy_version, PolicyArn=policy, VersionId="v9")
    expect_error("NoSuchEntity", iam.get_policy_version, PolicyArn=policy, VersionId="v9")

    iam.delete_policy_version(PolicyArn=policy, VersionId="v1")
    expect_error("NoSuchEntity", iam.get_policy_version, PolicyArn=policy, VersionId="v1")
    new = iam.create_policy_version(PolicyArn=policy, PolicyDocument=json.dumps(version_doc(6)), SetAsDefault=True)
    assert new["PolicyVersion"]["VersionId"] == "v6"
    assert new["PolicyVersion"]["IsDefaultVersion"] is True
    assert iam.get_policy(PolicyArn=policy)["Policy"]["DefaultVersionId"] == "v6"

    # A policy with more than one version cannot be deleted.
    message = expect_error("DeleteConflict", iam.delete_policy, PolicyArn=policy)
    assert "more than one version" in message
    for v in ["v2", "v3", "v4", "v5"]:
        iam.delete_policy_version(PolicyArn=policy, VersionId=v)
    iam.delete_policy(PolicyArn=policy)
    expect_error("NoSuchEntity", iam.get_policy, PolicyArn=policy)


def test_attach_detach_list_attached_and_entities(iam, make_policy):
    policy = make_policy(V1)
    user, group, role = unique("user"), unique("group"), unique("role")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))

    iam.attach_user_policy(UserName=user, PolicyArn=policy)
    iam.attach_user_policy(UserName=user, PolicyArn=policy)  # again: no-op
    iam.attach_group_policy(GroupName=group, PolicyArn=policy)
    iam.attach_role_policy(RoleName=role, PolicyArn=policy)
    policy_name = policy.rsplit("/", 1)[1]
    expected = [{"PolicyName": policy_name, "PolicyArn": policy}]
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == expected
    assert iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"] == expected
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == expected
    assert iam.get_policy(PolicyArn=policy)["Policy"]["AttachmentCount"] == 3

    entities = iam.list_entities_for_policy(PolicyArn=policy)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == [role]
    assert entities["PolicyUsers"][0]["UserId"] == iam.get_user(UserName=user)["User"]["UserId"]
    only_roles = iam.list_entities_for_policy(PolicyArn=policy, EntityFilter="Role")
    assert (only_roles["PolicyUsers"], only_roles["PolicyGroups"], len(only_roles["PolicyRoles"])) == ([], [], 1)

    attached_only = iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
    assert policy in [p["Arn"] for p in attached_only]

    message = expect_error("DeleteConflict", iam.delete_policy, PolicyArn=policy, status=409)
    assert message == "Cannot delete a policy attached to entities."

    iam.detach_user_policy(UserName=user, PolicyArn=policy)
    iam.detach_group_policy(GroupName=group, PolicyArn=policy)
    iam.detach_role_policy(RoleName=role, PolicyArn=policy)
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []
    assert iam.get_policy(PolicyArn=policy)["Policy"]["AttachmentCount"] == 0
    assert iam.list_entities_for_policy(PolicyArn=policy)["PolicyUsers"] == []
    expect_error("NoSuchEntity", iam.detach_user_policy, UserName=user, PolicyArn=policy)
    iam.delete_policy(PolicyArn=policy)

    missing = arn("policy", unique("missing"))
    message = expect_error("NoSuchEntity", iam.attach_user_policy, UserName=user, PolicyArn=missing)
    assert message == f"Policy {missing} does not exist or is not attachable."
    expect_error("NoSuchEntity", iam.attach_user_policy, UserName=unique("ghost"), PolicyArn=READ_ONLY_ACCESS)


def test_attached_policies_limit(iam, make_policy):
    user = unique("user")
    iam.create_user(UserName=user)
    for _ in range(10):
        iam.attach_user_policy(UserName=user, PolicyArn=make_policy(V1))
    message = expect_error("LimitExceeded", iam.attach_user_policy, UserName=user, PolicyArn=make_policy(V1))
    assert message == "Cannot exceed quota for PoliciesPerUser: 10"


def test_list_attached_user_policies_pages_every_policy_once(iam):
    user = unique("user")
    iam.create_user(UserName=user)
    base = unique("attach")
    arns = []
    for suffix in ["c", "a", "b"]:  # attached out of alphabetical order
        arns.append(iam.create_policy(PolicyName=f"{base}-{suffix}", PolicyDocument=json.dumps(V1))["Policy"]["Arn"])
        iam.attach_user_policy(UserName=user, PolicyArn=arns[-1])
    seen = [p["PolicyArn"] for p in collect_pages(iam.list_attached_user_policies, "AttachedPolicies", UserName=user, MaxItems=1)]
    assert sorted(seen) == sorted(arns)


def test_policy_tags(iam, make_policy):
    policy = make_policy(V1, Tags=[{"Key": "owner", "Value": "sec"}])
    assert iam.get_policy(PolicyArn=policy)["Policy"]["Tags"] == [{"Key": "owner", "Value": "sec"}]
    iam.tag_policy(PolicyArn=policy, Tags=[{"Key": "tier", "Value": "1"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_policy_tags(PolicyArn=policy)["Tags"]}
    assert tags == {"owner": "sec", "tier": "1"}
    iam.untag_policy(PolicyArn=policy, TagKeys=["owner"])
    assert iam.list_policy_tags(PolicyArn=policy)["Tags"] == [{"Key": "tier", "Value": "1"}]


# ----- AWS managed policies --------------------------------------------------------------------


def test_aws_managed_policy_get_version_and_attach(iam):
    policy = iam.get_policy(PolicyArn=READ_ONLY_ACCESS)["Policy"]
    assert policy["PolicyName"] == "ReadOnlyAccess"
    assert policy["Arn"] == READ_ONLY_ACCESS
    assert policy["PolicyId"].startswith("ANPA")
    assert policy["DefaultVersionId"].startswith("v")
    version = iam.get_policy_version(PolicyArn=READ_ONLY_ACCESS, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["IsDefaultVersion"] is True
    document = version["Document"]
    assert isinstance(document, dict) and document["Version"] == "2012-10-17"
    actions = [a for s in document["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert "iam:Get*" in actions or "iam:List*" in actions

    user = unique("reader")
    iam.create_user(UserName=user)
    before = policy["AttachmentCount"]
    iam.attach_user_policy(UserName=user, PolicyArn=READ_ONLY_ACCESS)
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY_ACCESS}]
    assert iam.get_policy(PolicyArn=READ_ONLY_ACCESS)["Policy"]["AttachmentCount"] == before + 1
    assert user in [u["UserName"] for u in iam.list_entities_for_policy(PolicyArn=READ_ONLY_ACCESS)["PolicyUsers"]]
    aws_scope = [p["Arn"] for p in iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]]
    assert READ_ONLY_ACCESS in aws_scope
    iam.detach_user_policy(UserName=user, PolicyArn=READ_ONLY_ACCESS)

    # AWS managed policies cannot be changed or deleted.
    with pytest.raises(ClientError):
        iam.create_policy_version(PolicyArn=READ_ONLY_ACCESS, PolicyDocument=json.dumps(V1))
    with pytest.raises(ClientError):
        iam.delete_policy(PolicyArn=READ_ONLY_ACCESS)
    assert iam.get_policy(PolicyArn=READ_ONLY_ACCESS)["Policy"]["DefaultVersionId"] == policy["DefaultVersionId"]
    expect_error("NoSuchEntity", iam.get_policy, PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")


def test_list_policies_paginates_aws_managed_policies(iam):
    paginator = iam.get_paginator("list_policies")
    pages = list(paginator.paginate(Scope="AWS", PaginationConfig={"PageSize": 100, "MaxItems": 250}))
    arns = [p["Arn"] for page in pages for p in page["Policies"]]
    assert len(arns) == 250 and len(set(arns)) == 250
    assert all(a.startswith("arn:aws:iam::aws:policy/") for a in arns)


# ----- inline policies -------------------------------------------------------------------------


def test_user_inline_policies(iam):
    user = unique("user")
    iam.create_user(UserName=user)
    first, second = allow("iam:GetUser"), deny("iam:DeleteUser")
    iam.put_user_policy(UserName=user, PolicyName="b-second", PolicyDocument=json.dumps(second))
    iam.put_user_policy(UserName=user, PolicyName="a-first", PolicyDocument=json.dumps(first))
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == ["a-first", "b-second"]
    got = iam.get_user_policy(UserName=user, PolicyName="a-first")
    assert (got["UserName"], got["PolicyName"], got["PolicyDocument"]) == (user, "a-first", first)
    # Putting again replaces.
    iam.put_user_policy(UserName=user, PolicyName="a-first", PolicyDocument=json.dumps(second))
    assert iam.get_user_policy(UserName=user, PolicyName="a-first")["PolicyDocument"] == second

    iam.delete_user_policy(UserName=user, PolicyName="a-first")
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == ["b-second"]
    message = expect_error("NoSuchEntity", iam.get_user_policy, UserName=user, PolicyName="a-first")
    assert message == "The user policy with name a-first cannot be found."
    expect_error("NoSuchEntity", iam.delete_user_policy, UserName=user, PolicyName="a-first")
    expect_error("NoSuchEntity", iam.put_user_policy, UserName=unique("ghost"), PolicyName="p", PolicyDocument=json.dumps(first))
    expect_error("MalformedPolicyDocument", iam.put_user_policy, UserName=user, PolicyName="p", PolicyDocument="{}")
    # The user inline quota is 2,048 characters (white space outside strings not counted).
    big = allow([f"iam:Get{'X' * 20}{i}" for i in range(100)])
    expect_error("LimitExceeded", iam.put_user_policy, UserName=user, PolicyName="big", PolicyDocument=json.dumps(big))


def test_group_inline_and_attached_policies(iam):
    group = unique("group")
    iam.create_group(GroupName=group)
    policy = allow("iam:ListUsers")
    iam.put_group_policy(GroupName=group, PolicyName="list", PolicyDocument=json.dumps(policy))
    got = iam.get_group_policy(GroupName=group, PolicyName="list")
    assert (got["GroupName"], got["PolicyDocument"]) == (group, policy)
    assert iam.list_group_policies(GroupName=group)["PolicyNames"] == ["list"]
    assert expect_error("DeleteConflict", iam.delete_group, GroupName=group) == (
        "Cannot delete entity, must delete policies first.")
    iam.delete_group_policy(GroupName=group, PolicyName="list")
    iam.attach_group_policy(GroupName=group, PolicyArn=READ_ONLY_ACCESS)
    assert expect_error("DeleteConflict", iam.delete_group, GroupName=group) == (
        "Cannot delete entity, must detach all policies first.")
    iam.detach_group_policy(GroupName=group, PolicyArn=READ_ONLY_ACCESS)
    iam.delete_group(GroupName=group)


# ----- permissions boundaries of users ---------------------------------------------------------


def test_user_permissions_boundary(iam, make_policy):
    boundary = make_policy(allow("iam:Get*"))
    user = unique("bounded")
    created = iam.create_user(UserName=user, PermissionsBoundary=boundary)["User"]
    assert created["PermissionsBoundary"] == {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    assert iam.get_user(UserName=user)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    assert iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    bounded = iam.list_entities_for_policy(PolicyArn=boundary, PolicyUsageFilter="PermissionsBoundary")
    assert [u["UserName"] for u in bounded["PolicyUsers"]] == [user]
    # A policy used as a boundary cannot be deleted.
    expect_error("DeleteConflict", iam.delete_policy, PolicyArn=boundary)

    iam.delete_user_permissions_boundary(UserName=user)
    assert "PermissionsBoundary" not in iam.get_user(UserName=user)["User"]
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=READ_ONLY_ACCESS)
    assert iam.get_user(UserName=user)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY_ACCESS

    missing = f"arn:aws:iam::{ACCOUNT_ID}:policy/{unique('missing')}"
    message = expect_error("NoSuchEntity", iam.put_user_permissions_boundary, UserName=user, PermissionsBoundary=missing)
    assert message == f"Scope ARN: {missing} does not exist or is not attachable."
    expect_error("NoSuchEntity", iam.create_user, UserName=unique("u"), PermissionsBoundary=missing)


def test_policy_document_with_white_space_round_trips(iam):
    policy = iam.create_policy(
        PolicyName=unique("spaced"), PolicyDocument=doc('{ "Version": "2012-10-17",\n "Statement": [ {"Effect": "Allow",'
                                                        ' "Action": "iam:GetUser", "Resource": "*"} ] }'))["Policy"]
    assert iam.get_policy_version(PolicyArn=policy["Arn"], VersionId="v1")["PolicyVersion"]["Document"] == V1
