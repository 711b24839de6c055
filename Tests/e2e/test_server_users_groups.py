"""Users and groups over the IAM API: lifecycle, unique names, validation, delete conflicts,
membership, tags, pagination and path prefixes."""
import datetime

import pytest

from portcullis_e2e import ACCOUNT_ID, allow, arn, collect_pages, doc, expect_error, unique


# ----- users -----------------------------------------------------------------------------------


def test_create_get_list_delete_user(iam):
    name = unique("alice")
    created = iam.create_user(UserName=name, Path="/engineering/")["User"]
    assert created["UserName"] == name
    assert created["Path"] == "/engineering/"
    assert created["Arn"] == arn("user", name, path="/engineering/")
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert isinstance(created["CreateDate"], datetime.datetime)

    got = iam.get_user(UserName=name)["User"]
    assert {k: got[k] for k in ("UserName", "UserId", "Arn", "Path")} == {
        k: created[k] for k in ("UserName", "UserId", "Arn", "Path")}

    listed = iam.list_users(PathPrefix="/engineering/")["Users"]
    assert name in [u["UserName"] for u in listed]

    iam.delete_user(UserName=name)
    message = expect_error("NoSuchEntity", iam.get_user, UserName=name, status=404)
    assert message == f"The user with name {name} cannot be found."
    expect_error("NoSuchEntity", iam.delete_user, UserName=name)


def test_get_user_without_name_is_the_caller(iam, make_user):
    root = iam.get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    user = make_user(inline=[allow("iam:GetUser", arn("user", "${aws:username}"))])
    me = user.client.get_user()["User"]
    assert me["UserName"] == user.name
    assert me["Arn"] == user.arn


def test_user_names_are_unique_case_insensitively_and_keep_their_case(iam):
    name = unique("CaseUser")
    created = iam.create_user(UserName=name)["User"]
    message = expect_error("EntityAlreadyExists", iam.create_user, UserName=name.lower(), status=409)
    assert message == f"User with name {name.lower()} already exists."
    expect_error("EntityAlreadyExists", iam.create_user, UserName=name.upper())
    # Lookups ignore case; the ARN and name keep the case given at creation.
    got = iam.get_user(UserName=name.lower())["User"]
    assert got["UserName"] == name
    assert got["Arn"] == created["Arn"] == arn("user", name)
    iam.delete_user(UserName=name.upper())
    expect_error("NoSuchEntity", iam.get_user, UserName=name)


@pytest.mark.parametrize(
    "bad, constraint",
    [
        ("bad name!", r"Member must satisfy regular expression pattern: [\w+=,.@-]+"),
        ("x" * 65, "Member must have length less than or equal to 64"),
    ],
)
def test_invalid_user_name_is_a_validation_error(iam, bad, constraint):
    message = expect_error("ValidationError", iam.create_user, UserName=bad, status=400)
    assert message == f"1 validation error detected: Value '{bad}' at 'userName' failed to satisfy constraint: {constraint}"
    expect_error("NoSuchEntity", iam.get_user, UserName="x" * 64)


def test_invalid_path_is_a_validation_error(iam):
    message = expect_error("ValidationError", iam.create_user, UserName=unique("path"), Path="noslash")
    assert "Value 'noslash' at 'path' failed to satisfy constraint" in message


def test_update_user_renames_and_moves_and_keeps_keys_working(iam, make_user, iam_factory):
    user = make_user(inline=[allow("iam:GetUser", arn("user", "${aws:username}", path="/*"))])
    new_name = unique("renamed")
    iam.update_user(UserName=user.name, NewUserName=new_name, NewPath="/moved/")
    expect_error("NoSuchEntity", iam.get_user, UserName=user.name)
    got = iam.get_user(UserName=new_name)["User"]
    assert got["Path"] == "/moved/"
    assert got["Arn"] == arn("user", new_name, path="/moved/")
    keys = iam.list_access_keys(UserName=new_name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [user.access_key_id]
    assert keys[0]["UserName"] == new_name
    # The key now signs as the renamed user.
    assert user.client.get_user()["User"]["Arn"] == got["Arn"]
    # Renaming onto an existing name (in another case) is refused.
    other = unique("Other")
    iam.create_user(UserName=other)
    expect_error("EntityAlreadyExists", iam.update_user, UserName=new_name, NewUserName=other.lower())


def test_delete_user_conflicts_until_keys_policies_and_groups_are_gone(iam, make_policy):
    name = unique("conflict")
    group = unique("conflict-group")
    iam.create_user(UserName=name)
    iam.create_group(GroupName=group)
    policy_arn = make_policy(allow("iam:GetUser"))

    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    message = expect_error("DeleteConflict", iam.delete_user, UserName=name, status=409)
    assert message == "Cannot delete entity, must delete access keys first."
    iam.delete_access_key(UserName=name, AccessKeyId=key)

    iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=doc(allow("iam:GetUser")))
    assert expect_error("DeleteConflict", iam.delete_user, UserName=name) == "Cannot delete entity, must delete policies first."
    iam.delete_user_policy(UserName=name, PolicyName="inline")

    iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    assert expect_error("DeleteConflict", iam.delete_user, UserName=name) == (
        "Cannot delete entity, must detach all policies first.")
    iam.detach_user_policy(UserName=name, PolicyArn=policy_arn)

    iam.add_user_to_group(UserName=name, GroupName=group)
    assert expect_error("DeleteConflict", iam.delete_user, UserName=name) == (
        "Cannot delete entity, must remove user from all groups first.")
    iam.remove_user_from_group(UserName=name, GroupName=group)

    iam.delete_user(UserName=name)
    expect_error("NoSuchEntity", iam.get_user, UserName=name)


def test_user_tags(iam):
    name = unique("tagged")
    created = iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": "blue"}])["User"]
    assert created["Tags"] == [{"Key": "team", "Value": "blue"}]
    iam.tag_user(UserName=name, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "red"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName=name)["Tags"]}
    assert tags == {"team": "red", "env": "dev"}
    assert {t["Key"]: t["Value"] for t in iam.get_user(UserName=name)["User"]["Tags"]} == tags
    iam.untag_user(UserName=name, TagKeys=["team"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "env", "Value": "dev"}]

    expect_error("InvalidInput", iam.tag_user, UserName=name, Tags=[{"Key": "aws:reserved", "Value": "x"}])
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    expect_error("LimitExceeded", iam.tag_user, UserName=name, Tags=too_many)
    expect_error("NoSuchEntity", iam.tag_user, UserName=unique("ghost"), Tags=[{"Key": "a", "Value": "b"}])


# ----- groups ----------------------------------------------------------------------------------


def test_group_lifecycle_members_and_groups_for_user(iam):
    group = unique("devs")
    created = iam.create_group(GroupName=group, Path="/teams/")["Group"]
    assert created["Arn"] == arn("group", group, path="/teams/")
    assert created["GroupId"].startswith("AGPA")
    users = sorted(unique("member") for _ in range(2))
    for u in users:
        iam.create_user(UserName=u)
        iam.add_user_to_group(GroupName=group, UserName=u)
    iam.add_user_to_group(GroupName=group, UserName=users[0])  # again: no-op

    got = iam.get_group(GroupName=group)
    assert got["Group"]["GroupName"] == group
    assert [u["UserName"] for u in got["Users"]] == users

    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=users[0])["Groups"]] == [group]
    assert group in [g["GroupName"] for g in iam.list_groups(PathPrefix="/teams/")["Groups"]]

    message = expect_error("DeleteConflict", iam.delete_group, GroupName=group)
    assert message == "Cannot delete entity, must remove users from group first."

    iam.remove_user_from_group(GroupName=group, UserName=users[0])
    expect_error("NoSuchEntity", iam.remove_user_from_group, GroupName=group, UserName=users[0])
    assert iam.list_groups_for_user(UserName=users[0])["Groups"] == []
    assert [u["UserName"] for u in iam.get_group(GroupName=group)["Users"]] == users[1:]

    iam.remove_user_from_group(GroupName=group, UserName=users[1])
    iam.delete_group(GroupName=group)
    expect_error("NoSuchEntity", iam.get_group, GroupName=group)
    assert expect_error("NoSuchEntity", iam.add_user_to_group, GroupName=group, UserName=users[1]) == (
        f"The group with name {group} cannot be found.")


def test_group_names_are_unique_case_insensitively(iam):
    group = unique("Admins")
    iam.create_group(GroupName=group)
    message = expect_error("EntityAlreadyExists", iam.create_group, GroupName=group.lower())
    assert message == f"Group with name {group.lower()} already exists."
    expect_error("ValidationError", iam.create_group, GroupName="no spaces allowed")


def test_rename_group_keeps_members(iam):
    group, renamed, user = unique("old"), unique("new"), unique("member")
    iam.create_group(GroupName=group)
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.update_group(GroupName=group, NewGroupName=renamed)
    expect_error("NoSuchEntity", iam.get_group, GroupName=group)
    assert [u["UserName"] for u in iam.get_group(GroupName=renamed)["Users"]] == [user]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [renamed]


# ----- pagination and path prefixes ------------------------------------------------------------


@pytest.fixture(scope="module")
def many_users(iam):
    """25 users under a path of their own."""
    path = f"/{unique('page')}/"
    names = [f"{unique('p')}-{i:02d}" for i in range(25)]
    for n in names:
        iam.create_user(UserName=n, Path=path)
    return path, sorted(names, key=str.lower)


def test_list_users_pages_with_max_items_and_marker(iam, many_users):
    path, names = many_users
    seen = []
    marker = None
    pages = 0
    while True:
        kwargs = {"PathPrefix": path, "MaxItems": 10}
        if marker:
            kwargs["Marker"] = marker
        page = iam.list_users(**kwargs)
        pages += 1
        seen += [u["UserName"] for u in page["Users"]]
        if not page["IsTruncated"]:
            assert "Marker" not in page
            assert len(page["Users"]) == 5
            break
        assert len(page["Users"]) == 10
        marker = page["Marker"]
        assert marker
    assert pages == 3
    assert seen == names


def test_list_users_paginator(iam, many_users):
    path, names = many_users
    paginator = iam.get_paginator("list_users")
    pages = list(paginator.paginate(PathPrefix=path, PaginationConfig={"PageSize": 7}))
    assert [len(p["Users"]) for p in pages] == [7, 7, 7, 4]
    assert [u["UserName"] for p in pages for u in p["Users"]] == names

    first = paginator.paginate(PathPrefix=path, PaginationConfig={"MaxItems": 12, "PageSize": 5}).build_full_result()
    assert [u["UserName"] for u in first["Users"]] == names[:12]
    rest = paginator.paginate(
        PathPrefix=path, PaginationConfig={"StartingToken": first["NextToken"], "PageSize": 5}).build_full_result()
    assert [u["UserName"] for u in rest["Users"]] == names[12:]


def test_path_prefix_filters_users(iam, many_users):
    path, names = many_users
    assert [u["UserName"] for u in iam.list_users(PathPrefix=path)["Users"]] == names
    deeper = f"{path}deeper/"
    inner = unique("inner")
    iam.create_user(UserName=inner, Path=deeper)
    assert [u["UserName"] for u in iam.list_users(PathPrefix=deeper)["Users"]] == [inner]
    assert inner in [u["UserName"] for u in iam.list_users(PathPrefix=path)["Users"]]
    assert iam.list_users(PathPrefix=f"/{unique('nothing')}/")["Users"] == []
    iam.delete_user(UserName=inner)


def test_list_groups_for_user_pages_every_group_once(iam):
    user = unique("joiner")
    iam.create_user(UserName=user)
    base = unique("g")
    groups = [f"{base}-c", f"{base}-a", f"{base}-b"]  # joined out of alphabetical order
    for g in groups:
        iam.create_group(GroupName=g)
        iam.add_user_to_group(GroupName=g, UserName=user)
    seen = [g["GroupName"] for g in collect_pages(iam.list_groups_for_user, "Groups", UserName=user, MaxItems=1)]
    assert sorted(seen) == sorted(groups)


def test_tags_with_spaces_plus_and_unicode_round_trip(iam):
    # Form encoding turns spaces into '+' and '+' into %2B: both must come back as sent.
    name = unique("chars")
    tags = [{"Key": "k ey+:/=@", "Value": "a b+c/ü=@ x"}, {"Key": "Ünïcødé", "Value": "ß 漢字"}]
    assert iam.create_user(UserName=name, Tags=tags)["User"]["Tags"] == tags
    assert iam.list_user_tags(UserName=name)["Tags"] == tags


def test_tag_keys_are_case_insensitive(iam):
    name = unique("tagcase")
    iam.create_user(UserName=name, Tags=[{"Key": "Team", "Value": "blue"}])
    iam.tag_user(UserName=name, Tags=[{"Key": "team", "Value": "red"}])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "team", "Value": "red"}]
    message = expect_error(
        "InvalidInput", iam.tag_user, UserName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}])
    assert message == "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    iam.untag_user(UserName=name, TagKeys=["TEAM"])
    assert iam.list_user_tags(UserName=name)["Tags"] == []


def test_concurrent_creates_of_one_name_succeed_once(iam, iam_factory):
    import threading

    from botocore.exceptions import ClientError

    name = unique("Racer")
    clients = [iam_factory() for _ in range(8)]
    outcomes = []
    barrier = threading.Barrier(len(clients))

    def create(client, variant):
        barrier.wait()
        try:
            client.create_user(UserName=variant)
            outcomes.append("created")
        except ClientError as e:
            outcomes.append(e.response["Error"]["Code"])

    variants = [name, name.lower(), name.upper()]
    threads = [threading.Thread(target=create, args=(c, variants[i % 3])) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["EntityAlreadyExists"] * 7 + ["created"]
    assert len([u for u in iam.list_users()["Users"] if u["UserName"].lower() == name.lower()]) == 1


def test_names_with_every_allowed_punctuation(iam, make_user):
    name = f"a+b=c,d@e.f_g-{unique('h')}"
    created = iam.create_user(UserName=name)["User"]
    assert created["Arn"] == arn("user", name)
    assert iam.get_user(UserName=name)["User"]["UserName"] == name
    group = f"g+={unique('x')},@.-_"
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=name)
    assert [u["UserName"] for u in iam.get_group(GroupName=group)["Users"]] == [name]
    # The ARN in a policy matches the name as given.
    reader = make_user(inline=[allow("iam:GetUser", arn("user", name))])
    assert reader.client.get_user(UserName=name)["User"]["Arn"] == created["Arn"]
    iam.remove_user_from_group(GroupName=group, UserName=name)
    iam.delete_user(UserName=name)


def test_max_items_is_bounded(iam):
    message = expect_error("ValidationError", iam.list_users, MaxItems=1001)
    assert message == (
        "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000")


def test_get_group_pages_members(iam):
    group = unique("big-group")
    iam.create_group(GroupName=group)
    base = unique("m")
    members = [f"{base}-{s}" for s in ("c", "a", "d", "b")]
    for m in members:
        iam.create_user(UserName=m)
        iam.add_user_to_group(GroupName=group, UserName=m)
    pages = list(iam.get_paginator("get_group").paginate(GroupName=group, PaginationConfig={"PageSize": 3}))
    assert [len(p["Users"]) for p in pages] == [3, 1]
    assert [u["UserName"] for p in pages for u in p["Users"]] == sorted(members)
    assert all(p["Group"]["GroupName"] == group for p in pages)
