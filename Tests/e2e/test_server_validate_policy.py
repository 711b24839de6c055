"""Access Analyzer's ValidatePolicy on the server (REST-JSON, POST /policy/validation): boto3's
`validate_policy` and `aws accessanalyzer validate-policy` get findings in Access Analyzer's shape,
with its issue codes and locations; the call is authorized by the engine and recorded in the trail."""
import json
import os
import subprocess

import pytest

from portcullis_e2e import (
    REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, allow, boto_session, error_of, make_iam_client, unique,
)


def analyzer(server, key=ROOT_ACCESS_KEY_ID, secret=ROOT_SECRET_ACCESS_KEY):
    return boto_session().client(
        "accessanalyzer", endpoint_url=server.endpoint, region_name=REGION,
        aws_access_key_id=key, aws_secret_access_key=secret)


def codes(findings):
    return sorted((f["findingType"], f["issueCode"]) for f in findings)


PASSROLE_STAR = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*"}],
}


def test_a_clean_identity_policy_has_no_findings(server):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}
    out = analyzer(server).validate_policy(policyDocument=json.dumps(policy), policyType="IDENTITY_POLICY")
    assert out["findings"] == []


def test_an_unknown_action_is_an_invalid_action_error_located_at_the_action(server):
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjekt"], "Resource": "*"}\n  ]\n}'
    out = analyzer(server).validate_policy(policyDocument=text, policyType="IDENTITY_POLICY")
    [finding] = [f for f in out["findings"] if f["issueCode"] == "INVALID_ACTION"]
    assert finding["findingType"] == "ERROR"
    assert finding["learnMoreLink"].startswith("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#")
    [location] = finding["locations"]
    assert location["path"] == [{"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": 1}]
    start, end = location["span"]["start"], location["span"]["end"]
    assert text[start["offset"]:end["offset"]] == '"s3:GetObjekt"'
    assert start["line"] == 4


def test_passrole_on_star_is_a_security_warning(server):
    out = analyzer(server).validate_policy(policyDocument=json.dumps(PASSROLE_STAR), policyType="IDENTITY_POLICY")
    assert ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE") in codes(out["findings"])


def test_invalid_json_is_a_json_syntax_error(server):
    out = analyzer(server).validate_policy(policyDocument='{"Version": "2012-10-17", "Statement": [', policyType="IDENTITY_POLICY")
    assert codes(out["findings"]) == [("ERROR", "JSON_SYNTAX_ERROR")]


def test_a_missing_version_is_a_warning(server):
    policy = {"Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}
    out = analyzer(server).validate_policy(policyDocument=json.dumps(policy), policyType="IDENTITY_POLICY")
    assert codes(out["findings"]) == [("WARNING", "MISSING_VERSION")]


def test_a_principal_in_an_identity_policy_is_unsupported(server):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}
    out = analyzer(server).validate_policy(policyDocument=json.dumps(policy), policyType="IDENTITY_POLICY")
    assert ("ERROR", "UNSUPPORTED_PRINCIPAL") in codes(out["findings"])


def test_a_public_resource_policy_is_a_security_warning(server):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
    out = analyzer(server).validate_policy(
        policyDocument=json.dumps(policy), policyType="RESOURCE_POLICY", validatePolicyResourceType="AWS::S3::Bucket")
    assert [f["findingType"] for f in out["findings"]] == ["SECURITY_WARNING"]


def test_findings_are_paginated_with_max_results_and_next_token(server):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:Nope1", "s3:Nope2", "s3:Nope3"], "Resource": "*"}]}
    client = analyzer(server)
    first = client.validate_policy(policyDocument=json.dumps(policy), policyType="IDENTITY_POLICY", maxResults=2)
    assert len(first["findings"]) == 2 and first["nextToken"]
    second = client.validate_policy(
        policyDocument=json.dumps(policy), policyType="IDENTITY_POLICY", maxResults=2, nextToken=first["nextToken"])
    assert len(second["findings"]) == 1 and "nextToken" not in second
    paginator = client.get_paginator("validate_policy")
    every = [f for page in paginator.paginate(policyDocument=json.dumps(policy), policyType="IDENTITY_POLICY",
                                              PaginationConfig={"PageSize": 1}) for f in page["findings"]]
    assert len(every) == 3


def test_an_unknown_policy_type_is_a_validation_exception(server):
    import botocore.exceptions
    client = analyzer(server)
    # botocore checks enums only for documentation; the server must refuse it itself.
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        client.validate_policy(policyDocument="{}", policyType="BUCKET_POLICY")
    error = excinfo.value.response
    assert error["Error"]["Code"] == "ValidationException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "policyType" in error["Error"]["Message"]


def test_a_user_without_permission_gets_access_denied_exception(server):
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    name = unique("noaa")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        analyzer(server, key["AccessKeyId"], key["SecretAccessKey"]).validate_policy(
            policyDocument=json.dumps(PASSROLE_STAR), policyType="IDENTITY_POLICY")
    assert excinfo.value.response["Error"]["Code"] == "AccessDeniedException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "access-analyzer:ValidatePolicy" in excinfo.value.response["Error"]["Message"]


def test_a_user_allowed_validate_policy_can_call_it(server):
    iam = make_iam_client(server.endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    name = unique("aa")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="aa", PolicyDocument=json.dumps(allow("access-analyzer:ValidatePolicy")))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    out = analyzer(server, key["AccessKeyId"], key["SecretAccessKey"]).validate_policy(
        policyDocument=json.dumps(PASSROLE_STAR), policyType="IDENTITY_POLICY")
    assert ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE") in codes(out["findings"])


def test_a_bad_secret_is_refused(server):
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        analyzer(server, ROOT_ACCESS_KEY_ID, "wrong" * 8).validate_policy(policyDocument="{}", policyType="IDENTITY_POLICY")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert excinfo.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_the_aws_cli_validates_a_policy_file(server, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(PASSROLE_STAR))
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ROOT_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY=ROOT_SECRET_ACCESS_KEY,
               AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        ["aws", "accessanalyzer", "validate-policy", "--endpoint-url", server.endpoint,
         "--policy-document", f"file://{path}", "--policy-type", "IDENTITY_POLICY", "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert [f["issueCode"] for f in findings] == ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]
    assert findings[0]["locations"][0]["path"] == [{"value": "Statement"}, {"index": 0}, {"value": "Resource"}]


def test_the_call_is_recorded_in_the_trail(server):
    analyzer(server).validate_policy(policyDocument=json.dumps(PASSROLE_STAR), policyType="IDENTITY_POLICY")
    trail = boto_session().client(
        "cloudtrail", endpoint_url=server.endpoint, region_name=REGION,
        aws_access_key_id=ROOT_ACCESS_KEY_ID, aws_secret_access_key=ROOT_SECRET_ACCESS_KEY)
    events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ValidatePolicy"}])["Events"]
    assert events, "no ValidatePolicy event"
    record = json.loads(events[0]["CloudTrailEvent"])
    assert record["eventSource"] == "access-analyzer.amazonaws.com"
    assert record["requestParameters"]["policyType"] == "IDENTITY_POLICY"
    assert record["readOnly"] is True
