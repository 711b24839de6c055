"""The audit trail end to end: every request becomes a CloudTrail record, `LookupEvents` finds it
(boto3 and `aws cloudtrail lookup-events`), `portcullis trail verify` proves the files untouched and
names the one that was changed, and no secret reaches the trail."""
import base64
import json
import pathlib
import subprocess
import time

import pytest

from portcullis_e2e import (
    REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, boto_session, expect_error, make_iam_client, unique,
)


@pytest.fixture
def trail_server(server_factory):
    s = server_factory("trail").start()
    yield s
    if s.process is not None:
        s.stop()


def cloudtrail(server, key=ROOT_ACCESS_KEY_ID, secret=ROOT_SECRET_ACCESS_KEY):
    return boto_session().client(
        "cloudtrail", endpoint_url=server.endpoint, region_name=REGION,
        aws_access_key_id=key, aws_secret_access_key=secret)


def seed_denied_call(server):
    """alice may only read herself; her CreateUser is denied. Returns (alice's name, her key)."""
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    name = unique("alice")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="read", PolicyDocument=json.dumps(allow("iam:GetUser")))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    alice = make_iam_client(server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    expect_error("AccessDenied", alice.create_user, UserName=unique("mallory"))
    return name, key


def test_lookup_events_finds_a_denied_call_by_user_and_event_name(trail_server):
    name, key = seed_denied_call(trail_server)
    events = cloudtrail(trail_server).lookup_events(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": name}])["Events"]
    denied = [e for e in events if e["EventName"] == "CreateUser"]
    assert len(denied) == 1, events
    record = json.loads(denied[0]["CloudTrailEvent"])
    assert record["errorCode"] == "AccessDenied"
    assert record["userIdentity"]["type"] == "IAMUser"
    assert record["userIdentity"]["userName"] == name
    assert record["userIdentity"]["accessKeyId"] == key["AccessKeyId"]
    assert record["eventSource"] == "iam.amazonaws.com"
    assert record["readOnly"] is False
    assert denied[0]["AccessKeyId"] == key["AccessKeyId"]

    by_name = cloudtrail(trail_server).lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}])["Events"]
    assert {e["Username"] for e in by_name} >= {name, "root"}


def test_aws_cli_lookup_events_pages_through_results(trail_server, aws_cli_for):
    for _ in range(3):
        seed_denied_call(trail_server)
    out = aws_cli_for(trail_server)(
        "cloudtrail", "lookup-events", "--lookup-attributes", "AttributeKey=EventName,AttributeValue=CreateUser",
        "--max-items", "4", "--page-size", "2")
    assert out.returncode == 0, out.stderr
    page = json.loads(out.stdout)
    assert len(page["Events"]) == 4
    assert "NextToken" in page


def test_lookup_rejects_two_attributes(trail_server):
    expect_error(
        "InvalidLookupAttributesException", cloudtrail(trail_server).lookup_events,
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "A"},
                          {"AttributeKey": "Username", "AttributeValue": "B"}])


def test_no_secret_reaches_the_trail(trail_server):
    iam = make_iam_client(trail_server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    name = unique("keeper")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    seed = seed.decode() if isinstance(seed, bytes) else seed
    trail_server.stop()
    trail = pathlib.Path(trail_server.data_dir) / "trail"
    text = b"".join(p.read_bytes() for p in trail.rglob("*") if p.is_file())
    assert b"CreateAccessKey" in text and b"CreateVirtualMFADevice" in text
    for secret in (key["SecretAccessKey"], ROOT_SECRET_ACCESS_KEY, seed):
        for form in (secret.encode(), base64.b64encode(secret.encode())):
            assert form not in text


def test_verify_passes_on_an_untouched_trail_and_names_a_modified_segment(trail_server, run):
    seed_denied_call(trail_server)
    trail_server.stop()
    ok = run("trail", "verify", "--data-dir", trail_server.data_dir)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Trail is valid." in ok.stdout

    segments = sorted((pathlib.Path(trail_server.data_dir) / "trail" / "segments").glob("*.json"))
    data = bytearray(segments[-1].read_bytes())
    at = data.index(b"CreateUser")
    data[at] = ord("X")
    segments[-1].write_bytes(bytes(data))
    bad = run("trail", "verify", "--data-dir", trail_server.data_dir)
    assert bad.returncode == 1
    assert f"segment {segments[-1].name} was modified" in bad.stdout


def test_trail_lookup_prints_a_table(trail_server, run):
    name, _ = seed_denied_call(trail_server)
    trail_server.stop()
    out = run("trail", "lookup", "--data-dir", trail_server.data_dir, "--attribute", f"Username={name}")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["TIME", "EVENT", "USER", "SOURCE", "IP", "RESULT"]
    assert any("CreateUser" in l and "AccessDenied" in l for l in lines[1:])


def test_a_crash_loses_at_most_the_last_second_and_the_next_start_completes_the_segment(trail_server, run):
    name, _ = seed_denied_call(trail_server)
    # The writer syncs at least every second; give it that long, then kill without warning.
    time.sleep(1.5)
    trail_server.kill()
    interrupted = run("trail", "verify", "--data-dir", trail_server.data_dir)
    assert interrupted.returncode == 0, interrupted.stdout
    assert "still open" in interrupted.stdout

    trail_server.start()
    events = cloudtrail(trail_server).lookup_events(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": name}])["Events"]
    assert any(e["EventName"] == "CreateUser" for e in events)
    trail_server.stop()
    after = run("trail", "verify", "--data-dir", trail_server.data_dir)
    assert after.returncode == 0, after.stdout
    assert "Trail is valid." in after.stdout and "still open" not in after.stdout
