"""Access keys, the account alias, GetAccountSummary and GetAccountAuthorizationDetails."""
import json

import pytest

from portcullis_e2e import EC2_TRUST, READ_ONLY_ACCESS, allow, arn, deny, expect_error, unique


# ----- access keys -----------------------------------------------------------------------------


def test_access_keys_limit_status_and_delete(iam, iam_factory, make_user):
    user = make_user(inline=[allow("iam:GetUser", arn("user", "${aws:username}"))])
    second = iam.create_access_key(UserName=user.name)["AccessKey"]
    assert second["UserName"] == user.name
    assert second["Status"] == "Active"
    assert second["AccessKeyId"].startswith("AKIA") and len(second["AccessKeyId"]) == 20
    assert len(second["SecretAccessKey"]) == 40

    message = expect_error("LimitExceeded", iam.create_access_key, UserName=user.name, status=409)
    assert message == "Cannot exceed quota for AccessKeysPerUser: 2"

    listed = iam.list_access_keys(UserName=user.name)["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in listed) == sorted([user.access_key_id, second["AccessKeyId"]])
    assert "SecretAccessKey" not in listed[0]

    second_client = iam_factory(second["AccessKeyId"], second["SecretAccessKey"])
    assert second_client.get_user()["User"]["UserName"] == user.name

    iam.update_access_key(UserName=user.name, AccessKeyId=second["AccessKeyId"], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=user.name)["AccessKeyMetadata"]}
    assert statuses == {user.access_key_id: "Active", second["AccessKeyId"]: "Inactive"}
    message = expect_error("InvalidClientTokenId", second_client.get_user, status=403)
    assert message == "The security token included in the request is invalid."
    assert user.client.get_user()["User"]["UserName"] == user.name  # the other key still works

    iam.update_access_key(UserName=user.name, AccessKeyId=second["AccessKeyId"], Status="Active")
    assert second_client.get_user()["User"]["UserName"] == user.name

    iam.delete_access_key(UserName=user.name, AccessKeyId=second["AccessKeyId"])
    expect_error("InvalidClientTokenId", second_client.get_user)
    message = expect_error("NoSuchEntity", iam.delete_access_key, UserName=user.name, AccessKeyId=second["AccessKeyId"])
    assert message == f"The Access Key with id {second['AccessKeyId']} cannot be found."
    # A key is only found under its own user.
    other = unique("other")
    iam.create_user(UserName=other)
    expect_error("NoSuchEntity", iam.update_access_key, UserName=other, AccessKeyId=user.access_key_id, Status="Inactive")
    expect_error("NoSuchEntity", iam.create_access_key, UserName=unique("ghost"))


def test_users_manage_their_own_keys_with_a_policy_variable(make_user, iam_factory):
    self_service = allow(
        ["iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey"],
        arn("user", "${aws:username}"))
    user = make_user(inline=[self_service])
    other = make_user()
    new = user.client.create_access_key()["AccessKey"]  # no UserName: the caller's own
    assert new["UserName"] == user.name
    mine = user.client.list_access_keys()["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in mine) == sorted([user.access_key_id, new["AccessKeyId"]])
    user.client.update_access_key(AccessKeyId=new["AccessKeyId"], Status="Inactive")
    user.client.delete_access_key(AccessKeyId=new["AccessKeyId"])
    # Someone else's keys are out of reach.
    message = expect_error("AccessDenied", user.client.list_access_keys, UserName=other.name, status=403)
    assert message.startswith(f"User: {user.arn} is not authorized to perform: iam:ListAccessKeys on resource: {other.arn}")
    expect_error("AccessDenied", user.client.create_access_key, UserName=other.name)


def test_access_key_last_used(iam, make_user):
    user = make_user(inline=[allow("iam:GetUser", arn("user", "${aws:username}"))])
    user.client.get_user()
    got = iam.get_access_key_last_used(AccessKeyId=user.access_key_id)
    assert got["UserName"] == user.name
    assert "AccessKeyLastUsed" in got


# ----- account alias and summary ---------------------------------------------------------------


def test_account_alias(iam):
    alias = unique("corp").lower()
    iam.create_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == [alias]
    expect_error("NoSuchEntity", iam.delete_account_alias, AccountAlias=alias + "-other")
    iam.delete_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == []
    expect_error("ValidationError", iam.create_account_alias, AccountAlias="Not_Valid")


def test_account_summary_counts(iam):
    before = iam.get_account_summary()["SummaryMap"]
    for key in ("Users", "Groups", "Roles", "Policies", "InstanceProfiles", "UsersQuota", "AccessKeysPerUserQuota",
                "AccountMFAEnabled", "AccountAccessKeysPresent"):
        assert key in before, key
    assert before["UsersQuota"] == 5000
    assert before["AccessKeysPerUserQuota"] == 2
    assert before["AccountAccessKeysPresent"] == 1  # the root key
    iam.create_user(UserName=unique("counted"))
    iam.create_group(GroupName=unique("counted"))
    iam.create_role(RoleName=unique("counted"), AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.create_policy(PolicyName=unique("counted"), PolicyDocument=json.dumps(allow("iam:GetUser")))
    after = iam.get_account_summary()["SummaryMap"]
    for key in ("Users", "Groups", "Roles", "Policies"):
        assert after[key] == before[key] + 1, key


# ----- GetAccountAuthorizationDetails ----------------------------------------------------------


def all_details(client, **kwargs):
    """Every page of GetAccountAuthorizationDetails, merged."""
    merged = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for page in client.get_paginator("get_account_authorization_details").paginate(**kwargs):
        for key in merged:
            merged[key] += page.get(key, [])
    return merged


def test_account_authorization_details_has_what_tools_need(iam):
    user, group, role, profile = unique("gaad-user"), unique("gaad-group"), unique("gaad-role"), unique("gaad-profile")
    user_inline, group_inline, role_inline = allow("iam:GetUser"), allow("iam:ListUsers"), deny("s3:DeleteBucket")
    v1, v2 = allow("iam:GetGroup"), allow(["iam:GetGroup", "iam:GetRole"])
    policy = iam.create_policy(PolicyName=unique("gaad-policy"), PolicyDocument=json.dumps(v1))["Policy"]
    iam.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=json.dumps(v2), SetAsDefault=True)

    iam.create_user(UserName=user, Tags=[{"Key": "team", "Value": "blue"}])
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=json.dumps(user_inline))
    iam.attach_user_policy(UserName=user, PolicyArn=policy["Arn"])
    iam.attach_user_policy(UserName=user, PolicyArn=READ_ONLY_ACCESS)
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.put_group_policy(GroupName=group, PolicyName="inline", PolicyDocument=json.dumps(group_inline))
    iam.attach_group_policy(GroupName=group, PolicyArn=policy["Arn"])
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.put_role_policy(RoleName=role, PolicyName="inline", PolicyDocument=json.dumps(role_inline))
    iam.attach_role_policy(RoleName=role, PolicyArn=policy["Arn"])
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)

    details = all_details(iam)
    attached = {"PolicyName": policy["PolicyName"], "PolicyArn": policy["Arn"]}

    u = next(d for d in details["UserDetailList"] if d["UserName"] == user)
    assert u["Arn"] == arn("user", user) and u["UserId"].startswith("AIDA") and u["Path"] == "/"
    assert u["UserPolicyList"] == [{"PolicyName": "inline", "PolicyDocument": user_inline}]
    assert u["GroupList"] == [group]
    assert attached in u["AttachedManagedPolicies"]
    assert {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY_ACCESS} in u["AttachedManagedPolicies"]
    assert u["Tags"] == [{"Key": "team", "Value": "blue"}]

    g = next(d for d in details["GroupDetailList"] if d["GroupName"] == group)
    assert g["Arn"] == arn("group", group) and g["GroupId"].startswith("AGPA")
    assert g["GroupPolicyList"] == [{"PolicyName": "inline", "PolicyDocument": group_inline}]
    assert g["AttachedManagedPolicies"] == [attached]

    r = next(d for d in details["RoleDetailList"] if d["RoleName"] == role)
    assert r["Arn"] == arn("role", role) and r["RoleId"].startswith("AROA")
    assert r["AssumeRolePolicyDocument"] == EC2_TRUST
    assert r["RolePolicyList"] == [{"PolicyName": "inline", "PolicyDocument": role_inline}]
    assert r["AttachedManagedPolicies"] == [attached]
    assert [p["InstanceProfileName"] for p in r["InstanceProfileList"]] == [profile]

    p = next(d for d in details["Policies"] if d["Arn"] == policy["Arn"])
    assert p["PolicyName"] == policy["PolicyName"]
    assert p["PolicyId"] == policy["PolicyId"]
    assert p["DefaultVersionId"] == "v2"
    assert p["AttachmentCount"] == 3
    assert p["IsAttachable"] is True
    versions = {v["VersionId"]: v for v in p["PolicyVersionList"]}
    assert set(versions) == {"v1", "v2"}
    assert versions["v1"]["Document"] == v1 and versions["v1"]["IsDefaultVersion"] is False
    assert versions["v2"]["Document"] == v2 and versions["v2"]["IsDefaultVersion"] is True

    aws = next(d for d in details["Policies"] if d["Arn"] == READ_ONLY_ACCESS)
    assert aws["PolicyName"] == "ReadOnlyAccess" and aws["AttachmentCount"] >= 1
    assert [v["IsDefaultVersion"] for v in aws["PolicyVersionList"]] == [True]
    assert aws["PolicyVersionList"][0]["VersionId"] == aws["DefaultVersionId"]
    assert isinstance(aws["PolicyVersionList"][0]["Document"], dict)


def test_account_authorization_details_filter(iam):
    iam.create_user(UserName=unique("filtered"))
    iam.create_policy(PolicyName=unique("filtered"), PolicyDocument=json.dumps(allow("iam:GetUser")))
    only_users = all_details(iam, Filter=["User"])
    assert only_users["UserDetailList"]
    assert only_users["GroupDetailList"] == only_users["RoleDetailList"] == only_users["Policies"] == []
    local = all_details(iam, Filter=["LocalManagedPolicy"])
    assert local["Policies"] and all(not p["Arn"].startswith("arn:aws:iam::aws:") for p in local["Policies"])
    assert local["UserDetailList"] == []


def test_list_access_keys_pages_every_key_once(iam):
    """ListAccessKeys orders keys by creation date; its marker must resume after the last key
    returned whatever the key ids are. Arrange the older key to have the larger id."""
    user = unique("pager")
    iam.create_user(UserName=user)
    iam.create_access_key(UserName=user)
    iam.create_access_key(UserName=user)
    for _ in range(40):
        ordered = [k["AccessKeyId"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]]
        if ordered[0] > ordered[1]:
            break
        iam.delete_access_key(UserName=user, AccessKeyId=ordered[0])
        iam.create_access_key(UserName=user)
    else:
        raise AssertionError("could not arrange the keys")
    first = iam.list_access_keys(UserName=user, MaxItems=1)
    assert first["IsTruncated"] is True
    second = iam.list_access_keys(UserName=user, MaxItems=1, Marker=first["Marker"])
    seen = [k["AccessKeyId"] for k in first["AccessKeyMetadata"] + second["AccessKeyMetadata"]]
    assert seen == ordered
