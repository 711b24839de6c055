#!/usr/bin/env python3
"""Checks that the Query XML Portcullis writes parses, with botocore's own parser, into what an
SDK user expects.

The golden documents of `Tests/PortcullisTests/Query/QueryResponseEncoderTests.swift` are written
by the Swift tests themselves (when `PORTCULLIS_QUERY_XML_DIR` is set), so this checks exactly
what the encoder produces rather than a copy. Each is parsed with `botocore.parsers.QueryParser`
against the operation's output shape from botocore's IAM model, and the result is compared with
the values the test encoded.

Run by hand (it builds and runs one Swift suite):

    scripts/check-query-xml.py            # run the Swift suite, then check
    scripts/check-query-xml.py --xml-dir DIR   # check documents already written to DIR
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile

import botocore.parsers
import botocore.session

UTC = datetime.timezone.utc
CREATED = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
REQUEST_ID = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"
ALICE = {
    "Path": "/",
    "UserName": "alice",
    "UserId": "AIDAEXAMPLEALICE0001",
    "Arn": "arn:aws:iam::123456789012:user/alice",
    "CreateDate": CREATED,
}

# document name -> (operation, HTTP status, expected parse without ResponseMetadata)
EXPECTED = {
    "GetUser": (
        "GetUser",
        200,
        {
            "User": {
                **ALICE,
                "PermissionsBoundary": {
                    "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                    "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/boundary",
                },
                "Tags": [{"Key": "team", "Value": "R&D <core>"}],
            }
        },
    ),
    "ListUsers": (
        "ListUsers",
        200,
        {
            "Users": [
                ALICE,
                {
                    "Path": "/engineering/",
                    "UserName": "bob",
                    "UserId": "AIDAEXAMPLEBOB000002",
                    "Arn": "arn:aws:iam::123456789012:user/engineering/bob",
                    "CreateDate": CREATED,
                    "PasswordLastUsed": datetime.datetime(2024, 1, 23, 8, 53, 20, tzinfo=UTC),
                },
            ],
            "IsTruncated": True,
            "Marker": "next-page",
        },
    ),
    "ListUsersEmpty": ("ListUsers", 200, {"Users": [], "IsTruncated": False}),
    "ListUserTags": (
        "ListUserTags",
        200,
        {
            "Tags": [{"Key": "team", "Value": "blue"}, {"Key": "cost-center", "Value": ""}],
            "IsTruncated": False,
        },
    ),
    "CreateAccessKey": (
        "CreateAccessKey",
        200,
        {
            "AccessKey": {
                "UserName": "alice",
                "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
                "Status": "Active",
                "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "CreateDate": CREATED,
            }
        },
    ),
    "DeleteUser": ("DeleteUser", 200, {}),
    "Error": (
        "GetUser",
        404,
        {
            "Error": {
                "Type": "Sender",
                "Code": "NoSuchEntity",
                "Message": "The user with name bob cannot be found.",
            }
        },
    ),
}


def write_documents(directory):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    env = dict(os.environ, PORTCULLIS_QUERY_XML_DIR=directory)
    subprocess.run(
        ["swift", "test", "--filter", "QueryResponseEncoderTests"], cwd=root, env=env, check=True
    )


def check(directory):
    model = botocore.session.get_session().get_service_model("iam")
    parser = botocore.parsers.QueryParser()
    failures = 0
    for name, (operation, status, expected) in EXPECTED.items():
        path = os.path.join(directory, f"{name}.xml")
        if not os.path.exists(path):
            print(f"MISSING {name}: {path} was not written")
            failures += 1
            continue
        with open(path, "rb") as f:
            body = f.read()
        output_shape = model.operation_model(operation).output_shape
        parsed = parser.parse(
            {"body": body, "headers": {}, "status_code": status}, output_shape
        )
        metadata = parsed.pop("ResponseMetadata", {})
        request_id_ok = metadata.get("RequestId") in (REQUEST_ID, "req-404")
        if parsed == expected and request_id_ok:
            print(f"ok      {name} ({operation}, {len(body)} bytes)")
        else:
            failures += 1
            print(f"FAILED  {name} ({operation})")
            print(f"  expected: {expected}")
            print(f"  parsed:   {parsed}")
            print(f"  metadata: {metadata}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--xml-dir", help="check documents already written here")
    args = parser.parse_args()
    if args.xml_dir:
        failures = check(args.xml_dir)
    else:
        with tempfile.TemporaryDirectory() as directory:
            write_documents(directory)
            failures = check(directory)
    print(f"{len(EXPECTED) - failures}/{len(EXPECTED)} documents parse as expected")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
