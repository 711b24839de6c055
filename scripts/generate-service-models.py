#!/usr/bin/env python3
"""Extracts an AWS Query or JSON service model from botocore into the AWSWire target's resources.

botocore ships the AWS service models (`data/<service>/<version>/service-2.json`, sometimes
gzipped) as public data. The Query protocol layer is driven by them: operation names, input and
output shapes, result wrappers, constraints AWS validates, and error codes. This script keeps only
what the wire layer reads, so the resource stays small and a regenerated model shows up as a
readable diff:

    {"metadata":   {"apiVersion", "protocol", "xmlNamespace" | "jsonVersion", "targetPrefix"},
     "operations": {Name: {"input"?, "output"?, "resultWrapper"?, "errors"}},
     "shapes":     {Name: {"type", "members"?, "memberOrder"?, "required"?, "min"?, "max"?,
                           "pattern"?, "enum"?, "member"?, "key"?, "value"?, "flattened"?,
                           "timestampFormat"?, "sensitive"?, "error"?}}}

- Only shapes reachable from an operation's input, output or errors are kept.
- Keys are sorted for determinism, which would lose the order of a structure's members; IAM
  writes XML in that order, so it is kept separately as `memberOrder`.
- `sensitive` is kept (beyond the wire shape) because AWS leaves a sensitive member's value out of
  validation messages ("Value at 'password' failed to satisfy constraint: ..."), and the audit
  trail must never record it.
- `error` is written for every exception shape, with `code` defaulting to the shape's name as
  botocore does when the model gives none.
- Anything the wire layer would have to understand but this script does not know (a new trait
  on a member, say) stops the script rather than being dropped silently.

Each shape and operation is one line: still compact, and a model update reads as a line diff.

Usage: scripts/generate-service-models.py --service iam|sts|organizations|cloudtrail [--botocore-data DIR] [--output PATH]
"""

import argparse
import gzip
import json
import os
import sys

SERVICES = {"iam": "2010-05-08", "sts": "2011-06-15", "organizations": "2016-11-28", "cloudtrail": "2013-11-01"}

RESOURCES = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "AWSWire", "Resources"
)

# Shape keys copied as they are.
SHAPE_KEYS = {
    "type", "required", "min", "max", "pattern", "enum", "flattened", "timestampFormat",
    "sensitive",
}
# Shape keys that carry documentation or SDK-only hints: nothing on the wire depends on them.
IGNORED_SHAPE_KEYS = {"documentation", "box", "deprecated", "deprecatedMessage", "exception",
                      "error", "members", "member", "key", "value", "retryable",
                      "synthetic", "wrapper", "document", "union", "fault"}
# Member (shape reference) keys copied as they are.
MEMBER_KEYS = {"shape", "locationName", "flattened"}
IGNORED_MEMBER_KEYS = {"documentation", "deprecated", "deprecatedMessage", "box",
                       "idempotencyToken", "contextParam", "hostLabel"}


def botocore_data_dir():
    import botocore  # imported here so --botocore-data works without botocore installed

    return os.path.join(os.path.dirname(botocore.__file__), "data")


def load_model(data_dir, service):
    base = os.path.join(data_dir, service, SERVICES[service], "service-2.json")
    if os.path.exists(base):
        with open(base, "rb") as f:
            return json.load(f)
    if os.path.exists(base + ".gz"):
        with gzip.open(base + ".gz", "rb") as f:
            return json.load(f)
    sys.exit(f"no model at {base} or {base}.gz")


def reference(ref, where):
    """A shape reference (structure member, list member, map key or value), trimmed."""
    unknown = set(ref) - MEMBER_KEYS - IGNORED_MEMBER_KEYS
    if unknown:
        sys.exit(f"{where}: unsupported member traits {sorted(unknown)}")
    return {k: ref[k] for k in sorted(ref) if k in MEMBER_KEYS}


def trim_shape(name, shape):
    unknown = set(shape) - SHAPE_KEYS - IGNORED_SHAPE_KEYS
    if unknown:
        sys.exit(f"shape {name}: unsupported traits {sorted(unknown)}")
    if shape.get("union") or shape.get("document"):
        sys.exit(f"shape {name}: unions and documents are not supported by the Query protocol")
    out = {k: shape[k] for k in SHAPE_KEYS if k in shape}
    if "members" in shape:
        out["members"] = {
            m: reference(ref, f"{name}.{m}") for m, ref in shape["members"].items()
        }
        out["memberOrder"] = list(shape["members"])
    for k in ("member", "key", "value"):
        if k in shape:
            out[k] = reference(shape[k], f"{name}.{k}")
    if shape.get("exception"):
        error = shape.get("error", {})
        out["error"] = {"code": error.get("code", name)}
        if "httpStatusCode" in error:
            out["error"]["httpStatusCode"] = error["httpStatusCode"]
        if "senderFault" in error:
            out["error"]["senderFault"] = error["senderFault"]
        if shape.get("fault"):  # JSON protocols mark server-side errors this way
            out["error"].setdefault("httpStatusCode", 500)
    return out


def referenced_shapes(shape):
    if "members" in shape:
        yield from (ref["shape"] for ref in shape["members"].values())
    for k in ("member", "key", "value"):
        if k in shape:
            yield shape[k]["shape"]


def extract(model):
    meta = model["metadata"]
    if meta.get("protocol") not in ("query", "json"):
        sys.exit(f"protocol {meta.get('protocol')!r} is neither query nor json")
    operations = {}
    roots = []
    for name, op in model["operations"].items():
        entry = {"errors": [e["shape"] for e in op.get("errors", [])]}
        if "input" in op:
            entry["input"] = op["input"]["shape"]
        if "output" in op:
            entry["output"] = op["output"]["shape"]
            if "resultWrapper" in op["output"]:
                entry["resultWrapper"] = op["output"]["resultWrapper"]
        roots += [entry.get("input"), entry.get("output"), *entry["errors"]]
        operations[name] = entry

    # Reachable shapes only, walked iteratively (shapes may be recursive).
    shapes = {}
    pending = [r for r in roots if r]
    while pending:
        name = pending.pop()
        if name in shapes:
            continue
        source = model["shapes"][name]
        shapes[name] = trim_shape(name, source)
        pending.extend(referenced_shapes(source))

    return {
        # Query services name their XML namespace; JSON services their `X-Amz-Target` prefix.
        "metadata": {
            k: meta[k]
            for k in ("apiVersion", "protocol", "xmlNamespace", "jsonVersion", "targetPrefix")
            if k in meta
        },
        "operations": operations,
        "shapes": shapes,
    }


def compact(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def render(extracted):
    """Sorted, compact JSON with one operation or shape per line."""

    def section(items):
        return ",\n".join(f"{compact(k)}:{compact(v)}" for k, v in sorted(items.items()))

    return (
        "{\n"
        f'"metadata":{compact(extracted["metadata"])},\n'
        f'"operations":{{\n{section(extracted["operations"])}\n}},\n'
        f'"shapes":{{\n{section(extracted["shapes"])}\n}}\n'
        "}\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--service", required=True, choices=sorted(SERVICES))
    parser.add_argument("--botocore-data", help="botocore's data directory (default: installed)")
    parser.add_argument("--output", help="output path (default: Sources/AWSWire/Resources)")
    args = parser.parse_args()

    model = load_model(args.botocore_data or botocore_data_dir(), args.service)
    text = render(extract(model))
    json.loads(text)  # the one-line-per-entry layout must still be valid JSON

    output = args.output or os.path.join(RESOURCES, f"{args.service}-model.json")
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)
    counts = json.loads(text)
    print(
        f"wrote {os.path.relpath(output)}: {len(counts['operations'])} operations, "
        f"{len(counts['shapes'])} shapes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
