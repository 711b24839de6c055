"""Shared fixtures for the end-to-end suite: the portcullis binary under test, and a running
`portcullis serve` (fresh data directory, fixed root credentials) driven with boto3 and the AWS CLI.
Helpers the tests import (names, policy documents, errors) are in portcullis_e2e.py."""
import os
import pathlib
import shutil
import subprocess

import pytest

from portcullis_e2e import (
    REGION, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY, Server, doc, make_iam_client, unique,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def portcullis():
    """Path to the built binary (PORTCULLIS_BIN, or the debug build)."""
    path = os.environ.get("PORTCULLIS_BIN") or str(ROOT / ".build" / "debug" / "portcullis")
    assert os.access(path, os.X_OK), f"portcullis binary not found at {path}; run swift build first"
    return path


@pytest.fixture
def run(portcullis):
    """Runs `portcullis ARGS...` and returns the completed process (text mode)."""

    def _run(*args, input=None, timeout=60):
        return subprocess.run([portcullis, *args], input=input, capture_output=True, text=True, timeout=timeout)

    return _run


# ---------------------------------------------------------------------------------------------
# The server process
# ---------------------------------------------------------------------------------------------


# Servers running now, for printing their logs when a test fails.
_LIVE_SERVERS = []


@pytest.fixture(scope="session")
def server_factory(portcullis, tmp_path_factory):
    """Makes servers over fresh data directories; every one is stopped at the end of the session."""
    made = []
    base = tmp_path_factory.mktemp("portcullis")

    def make(name="server"):
        data_dir = base / f"{name}-{len(made)}"
        data_dir.mkdir()
        # The log (stdout and stderr) sits next to the data directory, in pytest's temp tree,
        # which keeps the last few sessions.
        s = Server(portcullis, data_dir, base / f"{name}-{len(made)}.log")
        made.append(s)
        _LIVE_SERVERS.append(s)
        return s

    yield make
    unclean = []
    for s in made:
        try:
            code = s.stop()
            if code not in (0, None):
                unclean.append(f"{s.log_path}: exit code {code} after SIGTERM\n{s.log_tail(lines=40)}")
        finally:
            _LIVE_SERVERS.remove(s)
    assert not unclean, "portcullis serve did not shut down cleanly:\n" + "\n".join(unclean)


@pytest.fixture(scope="session")
def server(server_factory):
    """The shared server for the session: fresh data directory, fixed root credentials."""
    return server_factory("shared").start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    item._portcullis_log_offsets = {id(s): s.log_size() for s in _LIVE_SERVERS}
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and not hasattr(report, "wasxfail"):
        offsets = getattr(item, "_portcullis_log_offsets", {})
        for s in _LIVE_SERVERS:
            if s.process is None and id(s) not in offsets:
                continue
            report.sections.append(
                (f"portcullis server log ({s.log_path}, during this test)", s.log_tail(since=offsets.get(id(s), 0))))


# ---------------------------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def iam_factory(server):
    """`iam_factory(key_id, secret)` -> a boto3 IAM client for the shared server."""

    def make(access_key_id=ROOT_ACCESS_KEY_ID, secret_access_key=ROOT_SECRET_ACCESS_KEY, **config):
        return make_iam_client(server.endpoint, access_key_id, secret_access_key, **config)

    return make


@pytest.fixture(scope="session")
def iam(iam_factory):
    """The root user's IAM client on the shared server."""
    return iam_factory()


class TestUser:
    """A user made by `make_user`: name, ARN, access key and a client signed with it."""

    __test__ = False

    def __init__(self, name, arn, access_key_id, secret_access_key, client):
        self.name = name
        self.arn = arn
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.client = client


@pytest.fixture
def make_user(iam, iam_factory):
    """`make_user(inline=[doc...], managed=[arn...], groups=[name...], boundary=arn, path=..., tags=...)`:
    creates a user with one access key and the given policies; returns a TestUser."""

    def make(inline=(), managed=(), groups=(), boundary=None, path="/", tags=(), prefix="user"):
        user_name = unique(prefix)
        kwargs = {"UserName": user_name, "Path": path}
        if tags:
            kwargs["Tags"] = [{"Key": k, "Value": v} for k, v in dict(tags).items()]
        user = iam.create_user(**kwargs)["User"]
        for i, policy in enumerate(inline):
            iam.put_user_policy(UserName=user_name, PolicyName=f"inline{i}", PolicyDocument=doc(policy))
        for arn in managed:
            iam.attach_user_policy(UserName=user_name, PolicyArn=arn)
        for group in groups:
            iam.add_user_to_group(UserName=user_name, GroupName=group)
        if boundary:
            iam.put_user_permissions_boundary(UserName=user_name, PermissionsBoundary=boundary)
        key = iam.create_access_key(UserName=user_name)["AccessKey"]
        client = iam_factory(key["AccessKeyId"], key["SecretAccessKey"])
        return TestUser(user_name, user["Arn"], key["AccessKeyId"], key["SecretAccessKey"], client)

    return make


@pytest.fixture
def make_policy(iam):
    """`make_policy(document, path="/")` -> the ARN of a new customer managed policy."""

    def make(document, path="/", prefix="policy", **kwargs):
        return iam.create_policy(PolicyName=unique(prefix), Path=path, PolicyDocument=doc(document), **kwargs)["Policy"]["Arn"]

    return make


# ---------------------------------------------------------------------------------------------
# The AWS CLI
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def aws_cli(aws_cli_for, server):
    """`aws_cli("iam", "list-users", ..., key=..., secret=...)` -> CompletedProcess (text)."""
    return aws_cli_for(server)


@pytest.fixture(scope="session")
def aws_cli_for(tmp_path_factory):
    """`aws_cli_for(server)` -> the `aws_cli` runner for another server than the shared one."""
    exe = shutil.which("aws")
    if exe is None:
        pytest.skip("the AWS CLI is not installed")
    home = tmp_path_factory.mktemp("awscli-home")
    return lambda server: _aws_cli_runner(exe, home, server)


def _aws_cli_runner(exe, home, server):
    def run(*args, key=ROOT_ACCESS_KEY_ID, secret=ROOT_SECRET_ACCESS_KEY, timeout=60):
        env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(home),
            "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(home / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1",
        }
        for var in ("PYENV_ROOT", "PYENV_VERSION", "LANG", "LC_ALL"):
            if var in os.environ:
                env[var] = os.environ[var]
        return subprocess.run(
            [exe, "--endpoint-url", server.endpoint, *args], capture_output=True, text=True, env=env, timeout=timeout)

    return run
