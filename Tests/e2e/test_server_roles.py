"""Roles over the IAM API: trust policies (URL-encoded on the wire, decoded by boto3), updates,
tags, inline policies, permissions boundaries and instance profiles."""
import json

from portcullis_e2e import EC2_TRUST, READ_ONLY_ACCESS, allow, arn, expect_error, unique

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "Lambda", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    }],
}


def test_trust_policy_round_trips_as_a_decoded_document(iam):
    name = unique("role")
    created = iam.create_role(
        RoleName=name, Path="/service/", AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Description="for EC2",
        MaxSessionDuration=7200)["Role"]
    assert created["Arn"] == arn("role", name, path="/service/")
    assert created["RoleId"].startswith("AROA")
    assert created["AssumeRolePolicyDocument"] == EC2_TRUST  # boto3 decodes the URL-encoded JSON

    got = iam.get_role(RoleName=name)["Role"]
    assert got["AssumeRolePolicyDocument"] == EC2_TRUST
    assert got["Description"] == "for EC2"
    assert got["MaxSessionDuration"] == 7200
    listed = {r["RoleName"]: r for r in iam.list_roles(PathPrefix="/service/")["Roles"]}
    assert listed[name]["AssumeRolePolicyDocument"] == EC2_TRUST

    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(LAMBDA_TRUST))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == LAMBDA_TRUST

    iam.update_role(RoleName=name, Description="changed", MaxSessionDuration=3600)
    got = iam.get_role(RoleName=name)["Role"]
    assert (got["Description"], got["MaxSessionDuration"]) == ("changed", 3600)

    iam.delete_role(RoleName=name)
    assert expect_error("NoSuchEntity", iam.get_role, RoleName=name) == f"The role with name {name} cannot be found."


def test_trust_policy_with_odd_characters_round_trips(iam):
    name = unique("role")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Odd", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"sts:ExternalId": ["a+b c%20d&e=f/ü*", "\"quoted\" <tag>"]}},
        }],
    }
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == trust


def test_role_validation(iam):
    name = unique("role")
    message = expect_error(
        "MalformedPolicyDocument", iam.create_role, RoleName=name,
        AssumeRolePolicyDocument=json.dumps(allow("sts:AssumeRole")))
    assert message
    expect_error("NoSuchEntity", iam.get_role, RoleName=name)
    message = expect_error(
        "ValidationError", iam.create_role, RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST),
        MaxSessionDuration=50000)
    assert message == (
        "1 validation error detected: Value '50000' at 'maxSessionDuration' failed to satisfy constraint: "
        "Member must have value less than or equal to 43200")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    message = expect_error(
        "EntityAlreadyExists", iam.create_role, RoleName=name.upper(), AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    assert message == f"Role with name {name.upper()} already exists."


def test_role_tags(iam):
    name = unique("role")
    created = iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Tags=[{"Key": "team", "Value": "blue"}])["Role"]
    assert created["Tags"] == [{"Key": "team", "Value": "blue"}]
    iam.tag_role(RoleName=name, Tags=[{"Key": "cost-center", "Value": "42"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
    assert tags == {"team": "blue", "cost-center": "42"}
    iam.untag_role(RoleName=name, TagKeys=["team"])
    assert iam.list_role_tags(RoleName=name)["Tags"] == [{"Key": "cost-center", "Value": "42"}]
    assert iam.get_role(RoleName=name)["Role"]["Tags"] == [{"Key": "cost-center", "Value": "42"}]


def test_role_inline_policies(iam):
    name = unique("role")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    policy = allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"])
    iam.put_role_policy(RoleName=name, PolicyName="s3-read", PolicyDocument=json.dumps(policy))
    got = iam.get_role_policy(RoleName=name, PolicyName="s3-read")
    assert got["RoleName"] == name
    assert got["PolicyName"] == "s3-read"
    assert got["PolicyDocument"] == policy
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["s3-read"]

    message = expect_error("DeleteConflict", iam.delete_role, RoleName=name)
    assert message == "Cannot delete entity, must delete policies first."
    iam.delete_role_policy(RoleName=name, PolicyName="s3-read")
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == []
    message = expect_error("NoSuchEntity", iam.get_role_policy, RoleName=name, PolicyName="s3-read")
    assert message == "The role policy with name s3-read cannot be found."
    iam.delete_role(RoleName=name)


def test_role_attached_policies_block_delete(iam):
    name = unique("role")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.attach_role_policy(RoleName=name, PolicyArn=READ_ONLY_ACCESS)
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert attached == [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY_ACCESS}]
    message = expect_error("DeleteConflict", iam.delete_role, RoleName=name)
    assert message == "Cannot delete entity, must detach all policies first."
    iam.detach_role_policy(RoleName=name, PolicyArn=READ_ONLY_ACCESS)
    iam.delete_role(RoleName=name)


def test_role_permissions_boundary(iam, make_policy):
    boundary = make_policy(allow("s3:*"))
    name = unique("role")
    created = iam.create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), PermissionsBoundary=boundary)["Role"]
    assert created["PermissionsBoundary"] == {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    iam.delete_role_permissions_boundary(RoleName=name)
    assert "PermissionsBoundary" not in iam.get_role(RoleName=name)["Role"]
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=READ_ONLY_ACCESS)
    assert iam.get_role(RoleName=name)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY_ACCESS
    missing = arn("policy", unique("missing"))
    expect_error("NoSuchEntity", iam.put_role_permissions_boundary, RoleName=name, PermissionsBoundary=missing)


def test_instance_profiles(iam):
    role, other_role, profile = unique("role"), unique("role"), unique("profile")
    for r in (role, other_role):
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    created = iam.create_instance_profile(InstanceProfileName=profile, Path="/ec2/")["InstanceProfile"]
    assert created["Arn"] == arn("instance-profile", profile, path="/ec2/")
    assert created["InstanceProfileId"].startswith("AIPA")
    assert created["Roles"] == []
    expect_error("EntityAlreadyExists", iam.create_instance_profile, InstanceProfileName=profile.upper())

    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == EC2_TRUST
    for_role = iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == [profile]
    assert profile in [p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix="/ec2/")["InstanceProfiles"]]

    # One role per instance profile.
    expect_error("LimitExceeded", iam.add_role_to_instance_profile, InstanceProfileName=profile, RoleName=other_role)
    # A role in a profile cannot be deleted; nor can a profile with a role.
    message = expect_error("DeleteConflict", iam.delete_role, RoleName=role, status=409)
    assert message == "Cannot delete entity, must remove roles from instance profile first."
    message = expect_error("DeleteConflict", iam.delete_instance_profile, InstanceProfileName=profile)
    assert message == "Cannot delete entity, must remove roles from instance profile first."

    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    assert iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"] == []
    iam.delete_instance_profile(InstanceProfileName=profile)
    expect_error("NoSuchEntity", iam.get_instance_profile, InstanceProfileName=profile)
    iam.delete_role(RoleName=role)


def test_instance_profile_tags(iam):
    profile = unique("profile")
    iam.create_instance_profile(InstanceProfileName=profile, Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_instance_profile(InstanceProfileName=profile, Tags=[{"Key": "b", "Value": "2"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_instance_profile_tags(InstanceProfileName=profile)["Tags"]}
    assert tags == {"a": "1", "b": "2"}
    iam.untag_instance_profile(InstanceProfileName=profile, TagKeys=["a"])
    assert iam.list_instance_profile_tags(InstanceProfileName=profile)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_pretty_printed_documents_round_trip(iam):
    name = unique("role")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST, indent=4))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == EC2_TRUST
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(allow("sqs:SendMessage"), indent=2))
    assert iam.get_role_policy(RoleName=name, PolicyName="p")["PolicyDocument"] == allow("sqs:SendMessage")
