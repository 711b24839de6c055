"""Service last accessed data from the audit trail: GenerateServiceLastAccessedDetails,
GetServiceLastAccessedDetails (SERVICE_LEVEL and ACTION_LEVEL) and
GetServiceLastAccessedDetailsWithEntities, with boto3 and the AWS CLI. A report lists every
service the entity's policies allow, with the newest authenticated attempt (denied ones
included) where there was one; it is ready as soon as it is generated, and survives a restart
because the index is rebuilt from the trail's segment files."""
import datetime
import json

import pytest
from botocore.config import Config

from portcullis_e2e import (
    REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, arn, boto_session, doc, expect_error, make_iam_client,
    unique,
)


def sts_client(server, access_key_id, secret_access_key):
    return boto_session().client(
        "sts", endpoint_url=server.endpoint, region_name=REGION, aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key, config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def services_of(report):
    return {s["ServiceNamespace"]: s for s in report["ServicesLastAccessed"]}


def report_for(iam, entity_arn, **kwargs):
    job = iam.generate_service_last_accessed_details(Arn=entity_arn, **kwargs)["JobId"]
    assert len(job) == 36
    report = iam.get_service_last_accessed_details(JobId=job)
    assert report["JobStatus"] == "COMPLETED"
    return job, report


def test_a_user_report_shows_used_and_unused_services(server, iam, make_user):
    user = make_user(inline=[allow(["iam:ListUsers", "sts:GetCallerIdentity", "organizations:List*"])])
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=2)
    user.client.list_users()
    sts_client(server, user.access_key_id, user.secret_access_key).get_caller_identity()

    _, report = report_for(iam, user.arn)
    assert report["JobType"] == "SERVICE_LEVEL"
    services = services_of(report)
    assert sorted(services) == ["iam", "organizations", "sts"]
    used = services["iam"]
    assert used["ServiceName"] == "AWS Identity and Access Management"
    assert used["LastAuthenticated"] >= before
    assert used["LastAuthenticatedEntity"] == user.arn
    assert used["LastAuthenticatedRegion"] == REGION
    assert used["TotalAuthenticatedEntities"] == 1
    assert services["sts"]["LastAuthenticated"] >= before
    unused = services["organizations"]
    assert "LastAuthenticated" not in unused and "LastAuthenticatedEntity" not in unused
    assert all("TrackedActionsLastAccessed" not in s for s in services.values())


def test_a_denied_attempt_counts_as_an_access(iam, make_user):
    user = make_user(inline=[allow("iam:GetUser")])
    with pytest.raises(Exception):
        user.client.list_users()  # AccessDenied, but authenticated: AWS reports it
    _, report = report_for(iam, user.arn)
    assert services_of(report)["iam"]["LastAuthenticatedEntity"] == user.arn


def test_action_level_with_the_cli(iam, make_user, aws_cli):
    user = make_user(inline=[allow(["iam:ListUsers", "iam:GetUser"])])
    user.client.list_users()
    generated = aws_cli(
        "iam", "generate-service-last-accessed-details", "--arn", user.arn, "--granularity", "ACTION_LEVEL")
    assert generated.returncode == 0, generated.stderr
    job = json.loads(generated.stdout)["JobId"]
    shown = aws_cli("iam", "get-service-last-accessed-details", "--job-id", job)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["JobStatus"] == "COMPLETED" and report["JobType"] == "ACTION_LEVEL"
    actions = {a["ActionName"]: a for a in services_of(report)["iam"]["TrackedActionsLastAccessed"]}
    assert sorted(actions) == ["GetUser", "ListUsers"]
    assert actions["ListUsers"]["LastAccessedEntity"] == user.arn
    assert actions["ListUsers"]["LastAccessedTime"] and actions["ListUsers"]["LastAccessedRegion"] == REGION
    assert "LastAccessedTime" not in actions["GetUser"]


def test_a_group_report_lists_its_members_with_boto3_and_the_cli(iam, make_user, aws_cli):
    group = unique("lastaccess-group")
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName="read", PolicyDocument=doc(allow("iam:List*")))
    active = make_user(groups=[group])
    idle = make_user(groups=[group])
    active.client.list_users()
    group_arn = arn("group", group)

    job, report = report_for(iam, group_arn)
    service = services_of(report)["iam"]
    assert service["LastAuthenticatedEntity"] == active.arn
    assert service["TotalAuthenticatedEntities"] == 1

    details = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
    assert details["JobStatus"] == "COMPLETED"
    listed = [(e["EntityInfo"]["Name"], "LastAuthenticated" in e) for e in details["EntityDetailsList"]]
    assert listed == [(active.name, True), (idle.name, False)]
    info = details["EntityDetailsList"][0]["EntityInfo"]
    assert info["Type"] == "USER" and info["Arn"] == active.arn and info["Path"] == "/" and info["Id"].startswith("AIDA")

    shown = aws_cli("iam", "get-service-last-accessed-details-with-entities", "--job-id", job, "--service-namespace", "iam")
    assert shown.returncode == 0, shown.stderr
    names = [e["EntityInfo"]["Name"] for e in json.loads(shown.stdout)["EntityDetailsList"]]
    assert names == [active.name, idle.name]


def test_a_policy_report_covers_attached_entities(iam, make_user, make_policy):
    policy = make_policy(allow("iam:Get*"))
    user = make_user(managed=[policy])
    user.client.get_user()
    job, report = report_for(iam, policy)
    assert services_of(report)["iam"]["LastAuthenticatedEntity"] == user.arn
    details = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="iam")
    assert [e["EntityInfo"]["Arn"] for e in details["EntityDetailsList"]] == [user.arn]


def test_errors(iam, aws_cli):
    expect_error("NoSuchEntity", iam.get_service_last_accessed_details, JobId="00000000-0000-4000-8000-000000000000")
    expect_error(
        "NoSuchEntity", iam.get_service_last_accessed_details_with_entities,
        JobId="00000000-0000-4000-8000-000000000000", ServiceNamespace="iam")
    expect_error("InvalidInput", iam.generate_service_last_accessed_details, Arn="arn:aws:s3:::a-bucket-of-mine")
    expect_error("NoSuchEntity", iam.generate_service_last_accessed_details, Arn=arn("user", unique("missing")))
    failed = aws_cli("iam", "generate-service-last-accessed-details", "--arn", arn("role", unique("missing")))
    assert failed.returncode != 0 and "NoSuchEntity" in failed.stderr


def test_the_report_survives_a_restart(server_factory):
    own = server_factory("last-accessed").start()
    try:
        iam = make_iam_client(own.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
        name = unique("restart")
        user_arn = iam.create_user(UserName=name)["User"]["Arn"]
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(allow("iam:ListUsers")))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        make_iam_client(own.endpoint, key["AccessKeyId"], key["SecretAccessKey"]).list_users()
        _, before = report_for(iam, user_arn)
        own.restart()
        iam = make_iam_client(own.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
        _, after = report_for(iam, user_arn)
        assert services_of(after)["iam"]["LastAuthenticated"] == services_of(before)["iam"]["LastAuthenticated"]
    finally:
        own.stop()
