"""Durability: what the server acknowledged survives a graceful restart and a SIGKILL."""
import json
import threading
import time

import pytest
from botocore.exceptions import BotoCoreError, ClientError

from portcullis_e2e import (
    EC2_TRUST, READ_ONLY_ACCESS, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, expect_error, make_iam_client,
)


@pytest.fixture
def own_server(server_factory):
    """A server of this test's own (so restarting it disturbs no one), stopped afterwards."""
    s = server_factory("durability").start()
    yield s
    s.stop()


def root_client(server, **config):
    return make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, **config)


def test_data_survives_a_graceful_restart(own_server):
    iam = root_client(own_server)
    user = iam.create_user(UserName="Durable-Alice", Path="/d/", Tags=[{"Key": "team", "Value": "blue"}])["User"]
    iam.create_group(GroupName="durable-group")
    iam.add_user_to_group(GroupName="durable-group", UserName="Durable-Alice")
    iam.put_user_policy(UserName="Durable-Alice", PolicyName="self", PolicyDocument=json.dumps(allow("iam:GetUser")))
    policy = iam.create_policy(PolicyName="durable-policy", PolicyDocument=json.dumps(allow("iam:ListUsers")))["Policy"]
    iam.create_policy_version(PolicyArn=policy["Arn"], PolicyDocument=json.dumps(allow("iam:ListGroups")), SetAsDefault=True)
    iam.attach_user_policy(UserName="Durable-Alice", PolicyArn=policy["Arn"])
    iam.attach_user_policy(UserName="Durable-Alice", PolicyArn=READ_ONLY_ACCESS)
    role = iam.create_role(RoleName="durable-role", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))["Role"]
    iam.create_instance_profile(InstanceProfileName="durable-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="durable-profile", RoleName="durable-role")
    key = iam.create_access_key(UserName="Durable-Alice")["AccessKey"]
    inactive = iam.create_access_key(UserName="Durable-Alice")["AccessKey"]
    iam.update_access_key(UserName="Durable-Alice", AccessKeyId=inactive["AccessKeyId"], Status="Inactive")
    iam.create_account_alias(AccountAlias="durable-corp")
    # Renames rewrite keys and memberships: they must persist as well.
    iam.create_user(UserName="before-rename")
    iam.add_user_to_group(GroupName="durable-group", UserName="before-rename")
    renamed_key = iam.create_access_key(UserName="before-rename")["AccessKey"]
    iam.update_user(UserName="before-rename", NewUserName="after-rename", NewPath="/renamed/")
    iam.create_group(GroupName="group-before")
    iam.add_user_to_group(GroupName="group-before", UserName="after-rename")
    iam.update_group(GroupName="group-before", NewGroupName="group-after")
    iam.create_user(UserName="deleted-user")
    iam.delete_user(UserName="deleted-user")

    assert own_server.stop() == 0  # SIGTERM: a clean exit
    own_server.start()
    iam = root_client(own_server)

    got = iam.get_user(UserName="durable-alice")["User"]
    assert (got["UserName"], got["UserId"], got["Arn"]) == ("Durable-Alice", user["UserId"], user["Arn"])
    assert got["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="Durable-Alice")["Groups"]] == ["durable-group"]
    assert iam.get_user_policy(UserName="Durable-Alice", PolicyName="self")["PolicyDocument"] == allow("iam:GetUser")
    got_policy = iam.get_policy(PolicyArn=policy["Arn"])["Policy"]
    assert (got_policy["PolicyId"], got_policy["DefaultVersionId"], got_policy["AttachmentCount"]) == (policy["PolicyId"], "v2", 1)
    assert sorted(p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="Durable-Alice")["AttachedPolicies"]) == sorted(
        [policy["Arn"], READ_ONLY_ACCESS])
    got_role = iam.get_role(RoleName="durable-role")["Role"]
    assert (got_role["RoleId"], got_role["AssumeRolePolicyDocument"]) == (role["RoleId"], EC2_TRUST)
    profile = iam.get_instance_profile(InstanceProfileName="durable-profile")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["durable-role"]
    assert iam.list_account_aliases()["AccountAliases"] == ["durable-corp"]
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="Durable-Alice")["AccessKeyMetadata"]}
    assert statuses == {key["AccessKeyId"]: "Active", inactive["AccessKeyId"]: "Inactive"}

    # Secrets survive too: the key still signs, with its policies (v2 of the managed policy) in force.
    alice = make_iam_client(own_server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    assert alice.get_user()["User"]["Arn"] == user["Arn"]
    alice.list_groups()
    expect_error("AccessDenied", alice.create_user, UserName="nope")
    stale = make_iam_client(own_server.endpoint, inactive["AccessKeyId"], inactive["SecretAccessKey"])
    expect_error("InvalidClientTokenId", stale.get_user)

    expect_error("NoSuchEntity", iam.get_user, UserName="before-rename")
    expect_error("NoSuchEntity", iam.get_user, UserName="deleted-user")
    expect_error("NoSuchEntity", iam.get_group, GroupName="group-before")
    assert iam.get_user(UserName="after-rename")["User"]["Path"] == "/renamed/"
    assert sorted(g["GroupName"] for g in iam.list_groups_for_user(UserName="after-rename")["Groups"]) == [
        "durable-group", "group-after"]
    assert [u["UserName"] for u in iam.get_group(GroupName="group-after")["Users"]] == ["after-rename"]
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName="after-rename")["AccessKeyMetadata"]] == [
        renamed_key["AccessKeyId"]]
    renamed = make_iam_client(own_server.endpoint, renamed_key["AccessKeyId"], renamed_key["SecretAccessKey"])
    expect_error("AccessDenied", renamed.list_users)  # authenticates as the renamed user, who has no policy

    # The root credentials from the environment are not re-created or duplicated.
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 2 and summary["AccountAccessKeysPresent"] == 1


def test_acknowledged_writes_survive_sigkill(own_server):
    writers = 4
    acknowledged = [[] for _ in range(writers)]
    failures = []
    stop = threading.Event()
    clients = [root_client(own_server, read_timeout=10, connect_timeout=2) for _ in range(writers)]

    def burst(index):
        n = 0
        while not stop.is_set():
            name = f"burst-{index}-{n:05d}"
            n += 1
            try:
                response = clients[index].create_user(UserName=name, Path="/burst/")
            except (ClientError, BotoCoreError, OSError) as e:
                failures.append((name, repr(e)))
                return
            if response["ResponseMetadata"]["HTTPStatusCode"] == 200:
                acknowledged[index].append(name)

    threads = [threading.Thread(target=burst, args=(i,), daemon=True) for i in range(writers)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while sum(map(len, acknowledged)) < 300 and time.monotonic() < deadline:
        time.sleep(0.02)
    own_server.kill()  # SIGKILL mid-burst
    stop.set()
    for t in threads:
        t.join(timeout=15)
    acked = [name for names in acknowledged for name in names]
    print(f"{len(acked)} acknowledged, {len(failures)} writers cut off: {failures[:2]}")
    assert len(acked) >= 300, f"only {len(acked)} writes acknowledged before the deadline"

    own_server.start()
    iam = root_client(own_server)
    present = {
        u["UserName"]
        for page in iam.get_paginator("list_users").paginate(PathPrefix="/burst/")
        for u in page["Users"]
    }
    missing = [name for name in acked if name not in present]
    assert not missing, f"{len(missing)} acknowledged users lost after SIGKILL: {missing[:10]}"
    # Whatever was not acknowledged may or may not be there, but nothing else is.
    assert all(name.startswith("burst-") for name in present)
    # The store is consistent: every present user can be read and deleted.
    for name in sorted(present)[:5]:
        iam.get_user(UserName=name)
        iam.delete_user(UserName=name)
    expect_error("EntityAlreadyExists", iam.create_user, UserName=sorted(present)[-1])
