"""Driver for scripts/bench-server: starts the release server, signs one GetUser with botocore,
replays it with wrk, then loads users and reads the server's resident memory.

With TRAIL=compare it instead runs the same load against a server with a data directory twice,
the audit trail on and off (PORTCULLIS_TRAIL), and prints both figures."""
import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT_KEY, ROOT_SECRET = "AKIAIOSFODNN7BENCH01", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYBENCHKEY01"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_server(binary, users, storage, trail="on"):
    """Starts `portcullis serve` (`storage` is "--in-memory" or a data directory); returns (process, url)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PORTCULLIS_ROOT_ACCESS_KEY_ID=ROOT_KEY, PORTCULLIS_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET,
               PORTCULLIS_QUOTAS=f"users={users + 1000}", PORTCULLIS_TRAIL=trail)
    where = ["--in-memory"] if storage == "--in-memory" else ["--data-dir", storage]
    server = subprocess.Popen([binary, "serve", *where, "--listen", f"127.0.0.1:{port}", "--log-level", "warning"],
                              env=env, stdout=subprocess.DEVNULL, stderr=tempfile.TemporaryFile())
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server, url


def wrk_script(url):
    """A wrk Lua script replaying one signed GetUser of a user allowed to call it."""
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
    iam.create_user(UserName="bench")
    iam.put_user_policy(UserName="bench", PolicyName="get", PolicyDocument=
                        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}')
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    body = "Action=GetUser&Version=2010-05-08&UserName=bench"
    request = AWSRequest(method="POST", url=url + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(key["AccessKeyId"], key["SecretAccessKey"]), "iam", "us-east-1").add_auth(request)
    headers = "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in request.headers.items())
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write(f'wrk.method = "POST"\nwrk.body = "{body}"\n{headers}'
              'done = function(summary, latency, requests)\n'
              '  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout\n'
              '  io.write(string.format("non-2xx/errors %d\\n", errors))\nend\n')
    lua.close()
    return lua.name


def run_wrk(url, lua, connections, duration):
    cmd = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{duration}s", "--latency", "-s", lua, url + "/"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    pct = dict(re.findall(r"\s+(50|90|99)%\s+([\d.]+\w+)", out))
    errors = re.search(r"non-2xx/errors (\d+)", out).group(1)
    print(f"  $ {' '.join(cmd)}\n    {connections:>2} connections: {float(rps):>9,.0f} requests/s  "
          f"p50 {pct.get('50')}  p90 {pct.get('90')}  p99 {pct.get('99')}  errors {errors}")
    return float(rps)


def compare_trail(binary, duration):
    """The same load with a data directory, the audit trail on and then off."""
    figures = {}
    for trail in ("on", "off"):
        with tempfile.TemporaryDirectory() as data:
            server, url = start_server(binary, 0, data, trail)
            try:
                print(f"server: {binary} serve --data-dir (release), PORTCULLIS_TRAIL={trail}; request: signed GetUser")
                lua = wrk_script(url)
                figures[trail] = run_wrk(url, lua, 64, duration)
            finally:
                server.terminate()
                server.wait(timeout=60)
            if trail == "on":
                segments = os.path.join(data, "trail", "segments")
                size = sum(os.path.getsize(os.path.join(segments, f)) for f in os.listdir(segments))
                print(f"    trail written: {size / 2**20:,.0f} MiB in {len(os.listdir(segments))} segment(s)")
    print(f"  trail on: {figures['on']:,.0f} requests/s, off: {figures['off']:,.0f} requests/s "
          f"({(figures['on'] / figures['off'] - 1) * 100:+.1f}%)")


def main(binary, duration, users):
    server, url = start_server(binary, users, "--in-memory")
    try:
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
        lua = wrk_script(url)
        print(f"server: {binary} serve --in-memory (release); request: signed GetUser; wrk {duration}s per run")
        for connections in (1, 16, 64):
            run_wrk(url, lua, connections, duration)
        print(f"  RSS after the load runs: {rss_mib(server.pid):.0f} MiB")
        start = time.time()
        def create(i):
            client = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                                  aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
            for j in range(i, users, 16):
                client.create_user(UserName=f"user-{j:06d}", Path=f"/team-{j % 50}/",
                                   Tags=[{"Key": "team", "Value": str(j % 50)}])
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(create, range(16)))
        elapsed = time.time() - start
        print(f"  created {users:,} users through CreateUser in {elapsed:.0f} s ({users / elapsed:,.0f}/s); "
              f"RSS with them loaded: {rss_mib(server.pid):.0f} MiB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    if os.environ.get("TRAIL") == "compare":
        compare_trail(sys.argv[1], int(sys.argv[2]))
    else:
        main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
