"""`portcullis policy` as a user runs it: validate, eval (flags and JSON lines) and bench."""
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "Tests" / "PolicyEngineTests" / "Conformance"

READ_BUCKET = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
        {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/secret/*"},
    ],
}


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    return str(path)


def test_validate_accepts_a_valid_policy(run, tmp_path):
    result = run("policy", "validate", write(tmp_path, "ok.json", READ_BUCKET))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid managed policy" in result.stdout


def test_validate_reports_aws_message_with_location(run, tmp_path):
    bad = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}\n}\n'
    path = write(tmp_path, "bad.json", bad)
    result = run("policy", "validate", path)
    assert result.returncode == 1
    assert f"{path}:3:" in result.stdout
    assert "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc." in result.stdout


def test_validate_rejects_a_principal_in_an_identity_policy_but_not_in_a_trust_policy(run, tmp_path):
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    path = write(tmp_path, "trust.json", trust)
    identity = run("policy", "validate", path)
    assert identity.returncode == 1
    assert "Policy document should not specify a principal." in identity.stdout
    assert run("policy", "validate", "--kind", "trust", path).returncode == 0


def test_validate_never_crashes_on_garbage(run, tmp_path):
    for i, blob in enumerate([b"", b"{", b"\xff\xfe\x00", b"[" * 10000, b'{"Statement": [' + b"{}," * 500 + b"{}]}"]):
        path = tmp_path / f"garbage{i}.json"
        path.write_bytes(blob)
        result = run("policy", "validate", str(path))
        assert result.returncode == 1, (blob[:20], result.stderr)
        assert "Syntax errors in policy." in result.stdout


def test_eval_allows_and_explains(run, tmp_path):
    policy = write(tmp_path, "p.json", READ_BUCKET)
    result = run(
        "policy", "eval", "--principal", "arn:aws:iam::111122223333:user/alice", "--action", "S3:getobject",
        "--resource", "arn:aws:s3:::reports/q1.csv", "--identity-policy", policy, "--explain",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Allow"
    assert "Sid `Read`" in result.stdout


def test_eval_explicit_deny_names_the_statement(run, tmp_path):
    policy = write(tmp_path, "p.json", READ_BUCKET)
    result = run(
        "policy", "eval", "--principal", "arn:aws:iam::111122223333:user/alice", "--action", "s3:GetObject",
        "--resource", "arn:aws:s3:::reports/secret/plan.txt", "--identity-policy", policy, "--explain",
    )
    assert result.stdout.splitlines()[0] == "ExplicitDeny"
    assert "with an explicit deny in an identity-based policy" in result.stdout
    assert "`NoSecrets`" in result.stdout


def test_eval_boundary_denial_says_so(run, tmp_path):
    admin = write(tmp_path, "admin.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    boundary = write(tmp_path, "b.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    result = run(
        "policy", "eval", "--principal", "arn:aws:iam::111122223333:user/alice", "--action", "iam:CreateUser",
        "--resource", "arn:aws:iam::111122223333:user/bob", "--identity-policy", admin, "--boundary", boundary, "--explain",
    )
    assert result.stdout.splitlines()[0] == "ImplicitDeny"
    assert "permissions boundary" in result.stdout


def test_eval_scp_levels_each_must_allow(run, tmp_path):
    admin = write(tmp_path, "admin.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    full = write(tmp_path, "full.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    s3only = write(tmp_path, "s3.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    args = ["policy", "eval", "--principal", "arn:aws:iam::111122223333:user/alice", "--identity-policy", admin,
            "--scp", full, "--scp", s3only, "--explain"]
    assert run(*args, "--action", "s3:ListBucket").stdout.startswith("Allow")
    denied = run(*args, "--action", "ec2:RunInstances")
    assert denied.stdout.startswith("ImplicitDeny")
    assert "no service control policy at level 1" in denied.stdout


def test_eval_reports_missing_context_keys(run, tmp_path):
    policy = write(tmp_path, "p.json", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                        "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}],
    })
    base = ["policy", "eval", "--principal", "arn:aws:iam::111122223333:user/alice", "--action", "s3:GetObject",
            "--identity-policy", policy, "--explain"]
    missing = run(*base)
    assert missing.stdout.startswith("ImplicitDeny")
    assert "missing context keys: aws:SourceIp" in missing.stdout
    assert run(*base, "--context", "aws:SourceIp=203.0.113.9").stdout.startswith("Allow")


def test_eval_rejects_an_invalid_policy_with_its_message(run, tmp_path):
    policy = write(tmp_path, "p.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]})
    result = run("policy", "eval", "--action", "s3:GetObject", "--identity-policy", policy)
    assert result.returncode != 0
    assert "Policy statement must contain resources." in result.stderr


def test_json_lines_answers_each_line_in_order_and_survives_bad_lines(portcullis):
    proc = subprocess.Popen([portcullis, "policy", "eval", "--json-lines"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        request = {"request": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
                               "resource": "arn:aws:s3:::reports/a"}, "policies": {"identity": [READ_BUCKET]}}
        # One line at a time: each answer must arrive before the next question (flushed per line).
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())
        assert first["decision"] == "Allow"
        assert first["decidedBy"]["sid"] == "Read"
        proc.stdin.write("{not json\n")
        proc.stdin.flush()
        assert "error" in json.loads(proc.stdout.readline())
        request["request"]["resource"] = "arn:aws:s3:::reports/secret/x"
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        third = json.loads(proc.stdout.readline())
        assert third["decision"] == "ExplicitDeny"
        assert third["deniedBy"] == "IdentityPolicy"
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_json_lines_agrees_with_every_conformance_case(run):
    cases = []
    for path in sorted(CONFORMANCE.glob("*.jsonl")):
        cases += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(cases) > 500
    stdin = "".join(json.dumps({k: c[k] for k in ("request", "policies", "resourceAccount") if k in c}) + "\n" for c in cases)
    result = run("policy", "eval", "--json-lines", input=stdin)
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(cases)
    wrong = [(c["name"], c["expect"], o) for c, o in zip(cases, outputs)
             if o.get("decision", "Error" if "error" in o else None) != c["expect"]]
    assert not wrong, wrong[:5]


def test_bench_prints_throughput_latency_and_outcomes(run, tmp_path):
    result = run("policy", "bench", "--workload", "W1", "--seconds", "0.2")
    assert result.returncode == 0, result.stderr
    assert "decisions/s" in result.stdout and "median" in result.stdout and "p99" in result.stdout
    assert "Allow" in result.stdout and "ImplicitDeny" in result.stdout


def test_bench_runs_on_the_users_own_files(run, tmp_path):
    folder = tmp_path / "w"
    assert run("policy", "bench", "--write", str(folder)).returncode == 0
    result = run("policy", "bench", "--policies", str(folder / "W2" / "policies.json"),
                 "--requests", str(folder / "W2" / "requests.jsonl"), "--seconds", "0.2")
    assert result.returncode == 0, result.stderr
    assert "decisions/s" in result.stdout
