"""Helpers for the end-to-end server suite: the server process, names, policy documents,
clients and errors. Fixtures over these live in conftest.py."""
import itertools
import json
import os
import signal
import socket
import subprocess
import time
import uuid

ACCOUNT_ID = "123456789012"
ROOT_ACCESS_KEY_ID = "AKIAE2EROOTKEY000001"
ROOT_SECRET_ACCESS_KEY = "e2eRootSecretKey/0000000000000000000000000"
REGION = "us-east-1"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `portcullis serve` process over a data directory; can be stopped, killed and started
    again on the same directory (and port)."""

    def __init__(self, binary, data_dir, log_path, account_id=ACCOUNT_ID):
        self.binary = binary
        self.data_dir = str(data_dir)
        self.log_path = str(log_path)
        self.account_id = account_id
        self.port = None
        self.process = None
        self._log = None
        self.starts = 0

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        assert self.process is None, "already running"
        self.port = self.port or free_port()
        # Only the settings given here: no PORTCULLIS_* from the caller's environment (in-memory mode...).
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTCULLIS_")}
        env["PORTCULLIS_ROOT_ACCESS_KEY_ID"] = ROOT_ACCESS_KEY_ID
        env["PORTCULLIS_ROOT_SECRET_ACCESS_KEY"] = ROOT_SECRET_ACCESS_KEY
        self._log = open(self.log_path, "ab")
        self._log.write(f"\n===== start #{self.starts + 1} on port {self.port} =====\n".encode())
        self._log.flush()
        self.process = subprocess.Popen(
            [self.binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data-dir", self.data_dir,
             "--account-id", self.account_id],
            stdout=self._log, stderr=self._log, stdin=subprocess.DEVNULL, env=env)
        self.starts += 1
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout):
        import requests

        http = requests.Session()
        http.trust_env = False  # no proxy for 127.0.0.1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                self._closed()
                raise RuntimeError(f"portcullis serve exited with {code}:\n{self.log_tail()}")
            try:
                r = http.get(f"{self.endpoint}/health", timeout=1)
                if r.status_code == 200 and r.text.strip() == "OK":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"portcullis serve not healthy after {timeout}s:\n{self.log_tail()}")

    def stop(self, timeout=15):
        """SIGTERM and wait: a graceful shutdown. Returns the exit code."""
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"portcullis serve ignored SIGTERM for {timeout}s")
        finally:
            self._closed()
        return code

    def kill(self):
        """SIGKILL: a crash."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self._closed()

    def restart(self):
        self.stop()
        return self.start()

    def _closed(self):
        self.process = None
        if self._log:
            self._log.close()
            self._log = None

    def log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def log_tail(self, since=0, lines=150):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(since)
                text = f.read().decode(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


_BOTO_SESSION = None


def boto_session():
    global _BOTO_SESSION
    if _BOTO_SESSION is None:
        import boto3

        _BOTO_SESSION = boto3.session.Session()
    return _BOTO_SESSION


def make_iam_client(endpoint, access_key_id, secret_access_key, **config):
    """A boto3 IAM client for `endpoint` that never retries (failures show at once)."""
    from botocore.config import Config

    settings = {"retries": {"max_attempts": 1, "mode": "standard"}, "connect_timeout": 5, "read_timeout": 30}
    settings.update(config)
    cfg = Config(**settings)
    return boto_session().client(
        "iam", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key, config=cfg)


_COUNTER = itertools.count()


def unique(prefix="e2e"):
    """A name no other test uses (valid for users, groups, roles, policies...)."""
    return f"{prefix}-{next(_COUNTER)}-{uuid.uuid4().hex[:8]}"


def allow(actions, resources="*", **extra):
    statement = {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}
    return {"Version": "2012-10-17", "Statement": [statement]}


def deny(actions, resources="*", **extra):
    statement = {"Effect": "Deny", "Action": actions, "Resource": resources, **extra}
    return {"Version": "2012-10-17", "Statement": [statement]}


def doc(policy):
    return policy if isinstance(policy, str) else json.dumps(policy)


def error_of(excinfo):
    """(code, message) of a botocore ClientError captured by pytest.raises."""
    err = excinfo.value.response["Error"]
    return err.get("Code"), err.get("Message", "")


def expect_error(code, call, *args, status=None, **kwargs):
    """Calls `call(*args, **kwargs)`, asserts it fails with AWS error `code` (and HTTP `status`),
    and returns the error message."""
    from botocore.exceptions import ClientError

    try:
        result = call(*args, **kwargs)
    except ClientError as e:
        err = e.response.get("Error", {})
        assert err.get("Code") == code, f"expected {code}, got {err}"
        if status is not None:
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == status, e.response
        return err.get("Message", "")
    raise AssertionError(f"expected {code}, but the call succeeded: {result}")


def arn(kind, name, path="/", account=ACCOUNT_ID):
    """`arn("user", "bob")` -> arn:aws:iam::123456789012:user/bob."""
    return f"arn:aws:iam::{account}:{kind}{path}{name}"


EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}

READ_ONLY_ACCESS = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def collect_pages(call, member, max_pages=20, **kwargs):
    """Follows IsTruncated/Marker by hand (a paginator gives up on a repeated marker) and returns
    every item of `member` in order, at most `max_pages` pages."""
    items, marker = [], None
    for _ in range(max_pages):
        page = call(**kwargs, **({"Marker": marker} if marker else {}))
        items += page[member]
        if not page["IsTruncated"]:
            return items
        marker = page["Marker"]
    raise AssertionError(f"still truncated after {max_pages} pages; first items: {items[:4]}")
