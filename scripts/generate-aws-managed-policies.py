#!/usr/bin/env python3
"""Extracts AWS managed policies from the `moto` package into the Directory target's resource.

AWS managed policies exist in every account under `arn:aws:iam::aws:policy/...`. moto carries a
periodically refreshed copy of their documents (public AWS data) in
`moto/iam/aws_managed_policies.py` as a JSON string:

    {PolicyName: {CreateDate, DefaultVersionId, Document, Path,
                  PermissionsBoundaryUsageCount, UpdateDate}}

Some fields are not in that data and are filled in here:

- `arn` is `arn:aws:iam::aws:policy` + path + name, as AWS builds it.
- `policyId` is synthesised: "ANPA" (AWS's prefix for managed policy ids) followed by 17
  characters of base32 (AWS's alphabet for unique ids) from SHA-256 of the ARN. AWS's real ids
  are not in moto; a hash keeps ours stable across regenerations, so clients that cache ids see
  no churn.
- `description` is copied when the source has one (moto's data currently has none).

Dates are normalised from `2015-02-06T18:39:46+00:00` to `2015-02-06T18:39:46Z`, the form IAM
puts on the wire. The output is deterministic: sorted by name, one compact policy per line, and
each document a compact JSON string with keys in source order.

Usage: scripts/generate-aws-managed-policies.py [--output PATH]
"""

import argparse
import base64
import collections
import datetime
import hashlib
import json
import os
import sys

DEFAULT_OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..",
    "Sources",
    "Directory",
    "Resources",
    "aws-managed-policies.json",
)


def load_source():
    """Returns moto's managed policy data, keeping key order as written."""
    try:
        from moto.iam.aws_managed_policies import aws_managed_policies_data
    except ImportError:
        sys.exit("moto is not installed: pip install moto")
    return json.loads(
        aws_managed_policies_data, object_pairs_hook=collections.OrderedDict
    )


def field(source, name, key):
    """Returns a field that every policy must have, failing loudly when the data changes shape."""
    if key not in source:
        sys.exit(f"policy `{name}` has no `{key}`; moto's data changed shape")
    return source[key]


def normalise_date(name, text):
    """Converts an ISO 8601 timestamp to UTC with whole seconds and a `Z` suffix."""
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        sys.exit(f"policy `{name}` has an unreadable date `{text}`")
    if parsed.tzinfo is None:
        sys.exit(f"policy `{name}` has a date without a time zone `{text}`")
    utc = parsed.astimezone(datetime.timezone.utc).replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def policy_id(arn):
    """A stable stand-in for AWS's policy id: `ANPA` and 17 base32 characters."""
    digest = hashlib.sha256(arn.encode("utf-8")).digest()
    return "ANPA" + base64.b32encode(digest).decode("ascii")[:17]


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def convert(name, source):
    path = field(source, name, "Path")
    if not (path.startswith("/") and path.endswith("/")):
        sys.exit(f"policy `{name}` has a path `{path}` that does not start and end with `/`")
    arn = source.get("Arn") or f"arn:aws:iam::aws:policy{path}{name}"
    entry = collections.OrderedDict()
    entry["name"] = source.get("PolicyName", name)
    entry["path"] = path
    entry["arn"] = arn
    entry["policyId"] = source.get("PolicyId") or policy_id(arn)
    entry["defaultVersionId"] = field(source, name, "DefaultVersionId")
    entry["createDate"] = normalise_date(name, field(source, name, "CreateDate"))
    entry["updateDate"] = normalise_date(name, field(source, name, "UpdateDate"))
    if source.get("Description"):
        entry["description"] = source["Description"]
    document = field(source, name, "Document")
    # Documents are occasionally stored as a JSON string rather than an object.
    if isinstance(document, str):
        document = json.loads(document, object_pairs_hook=collections.OrderedDict)
    entry["document"] = compact(document)
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=DEFAULT_OUTPUT)
    arguments = parser.parse_args()

    source = load_source()
    entries = [convert(name, source[name]) for name in sorted(source)]
    names = [entry["name"] for entry in entries]
    if len(set(names)) != len(names):
        sys.exit("moto's data has duplicate policy names")
    arns = [entry["arn"] for entry in entries]
    if len(set(arns)) != len(arns):
        sys.exit("moto's data has duplicate policy ARNs")

    text = "[\n" + ",\n".join(compact(entry) for entry in entries) + "\n]\n"
    output = os.path.normpath(arguments.output)
    with open(output, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    size = len(text.encode("utf-8"))
    print(f"wrote {len(entries)} policies, {size} bytes, to {output}")


if __name__ == "__main__":
    main()
