#!/usr/bin/env python3
"""Signs a set of requests with botocore's own SigV4 signer and writes them as test vectors.

The AWSWire target verifies SigV4; the only convincing proof that it agrees with what clients
send is a signature made by a client. botocore is the signer behind the AWS CLI and boto3, so
each vector here is a request exactly as botocore would put it on the wire, with the signature
it computed:

    {"generator": "...", "vectors": [
      {"name", "accessKeyID", "secretAccessKey", "sessionToken"?, "region", "service",
       "timestamp" (yyyyMMddTHHmmssZ), "presigned", "expires"?,
       "method", "path" (raw, percent-encoded), "query" (raw, without '?'),
       "headers" ([[name, value], ...] in wire order, Host included),
       "body" (UTF-8 text) or "bodyBase64",
       "canonicalRequest", "stringToSign", "signature",
       "expectedError"? (the AWS error code verification must end in, for a request that is
                         signed correctly but still refused)}]}

Two kinds of vectors:

- Service calls made through a real botocore client (IAM and STS Query calls, S3 REST calls,
  presigned URLs from `generate_presigned_url`). A `before-send` hook captures the prepared
  request and stops it, so nothing touches the network.
- Hand-built `AWSRequest`s signed with `SigV4Auth` / `SigV4QueryAuth`, for the corners a client
  call rarely reaches: odd paths, raw query strings, folded header whitespace, repeated headers,
  a `Date` header instead of `X-Amz-Date`.

Determinism: the signing clock is pinned by patching `botocore.auth.get_current_datetime`, the
per-call `amz-sdk-invocation-id` by patching `uuid.uuid4`, and the (unsigned) User-Agent is
replaced in the record, since it names the machine's Python and OS. Re-running with the same
botocore version rewrites the same file byte for byte.

Usage: scripts/generate-sigv4-vectors.py [--output PATH]
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import sys
import uuid
from unittest import mock

os.environ.setdefault("AWS_CONFIG_FILE", os.devnull)
os.environ.setdefault("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID",
             "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(name, None)

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

OUTPUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "PortcullisTests", "Fixtures",
    "sigv4-vectors.json")

# AWS's documentation example keys, and a second pair whose secret has the '/' and '+' that real
# secrets often carry.
AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
AK2 = "AKIAIOSFODNN7EXAMPLE"
SK2 = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY+/=="
SESSION_KEY = "ASIAQNZGKIQYEXAMPLE1"
SESSION_SECRET = "Q3Vyc29yeSBzZWNyZXQ/dGhhdCBpcyBub3QgcmVhbA+EXAMPLE"
TOKEN = ("IQoJb3JpZ2luX2VjEBsaCXVzLWVhc3QtMSJHMEUCIQDexample+token/with=padding"
         "//////////wEaDEXAMPLEuQ==")

FIXED_USER_AGENT = "botocore (sigv4 vector generator)"


class Captured(Exception):
    """Raised from the before-send hook: the request is recorded and never sent."""

    def __init__(self, request):
        super().__init__("captured")
        self.request = request


class SignerRecorder:
    """Records the canonical request and string to sign of the last SigV4 signature.

    Every SigV4 signer botocore has (header, query, S3 variants) inherits these two methods from
    `SigV4Auth`, so wrapping them there sees them all.
    """

    def __init__(self):
        self.canonical_request = None
        self.string_to_sign = None
        self._canonical = botocore.auth.SigV4Auth.canonical_request
        self._sts = botocore.auth.SigV4Auth.string_to_sign

    def __enter__(self):
        recorder = self

        def canonical_request(signer, request):
            recorder.canonical_request = recorder._canonical(signer, request)
            return recorder.canonical_request

        def string_to_sign(signer, request, canonical):
            recorder.string_to_sign = recorder._sts(signer, request, canonical)
            return recorder.string_to_sign

        botocore.auth.SigV4Auth.canonical_request = canonical_request
        botocore.auth.SigV4Auth.string_to_sign = string_to_sign
        return self

    def __exit__(self, *exc):
        botocore.auth.SigV4Auth.canonical_request = self._canonical
        botocore.auth.SigV4Auth.string_to_sign = self._sts


def pinned(timestamp):
    """Patches the signing clock to `timestamp` (yyyyMMddTHHmmssZ) and the invocation id."""
    moment = datetime.datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ")
    clock = mock.patch("botocore.auth.get_current_datetime", return_value=moment)
    ids = mock.patch("uuid.uuid4", return_value=uuid.UUID(int=int(timestamp[:8] + timestamp[9:15])))
    return clock, ids


def split_url(url):
    """The raw path and query of `url`, exactly as an HTTP client puts them on the request line."""
    rest = url.split("://", 1)[1]
    slash = rest.find("/")
    target = rest[slash:] if slash >= 0 else "/"
    path, _, query = target.partition("?")
    return path or "/", query


class MultiHeaders:
    """Headers in wire order that may repeat a name, with the lookups `vector` needs."""

    def __init__(self, items):
        self._items = []
        self.names = set()
        for key, value in items:
            self.append(key, value)

    def append(self, key, value):
        self._items.append((key, value))
        self.names.add(text(key).lower())

    def items(self):
        return list(self._items)

    def get(self, name):
        return next((v for k, v in self._items if text(k).lower() == name.lower()), None)


def text(value):
    """A header name or value as text: botocore keeps some of them as bytes."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def wire_headers(url, headers):
    """Headers as the HTTP client sends them: the signed ones plus Host, as botocore derives it."""
    items = [(text(k), text(v)) for k, v in headers.items()]
    if not any(k.lower() == "host" for k, _ in items):
        items.insert(0, ("Host", botocore.auth._host_from_url(url)))
    return [[k, FIXED_USER_AGENT if k.lower() == "user-agent" else v] for k, v in items]


def body_fields(body):
    if body is None:
        return {"body": ""}
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"bodyBase64": base64.b64encode(body).decode("ascii")}


def signature_of(url, headers):
    auth = headers.get("Authorization")
    if auth:
        return text(auth).rsplit("Signature=", 1)[1]
    return url.rsplit("X-Amz-Signature=", 1)[1]


def vector(name, *, ak, sk, token, region, service, timestamp, method, url, headers, body,
           recorder, presigned=False, expires=None, expected_error=None):
    path, query = split_url(url)
    record = {
        "name": name,
        "accessKeyID": ak,
        "secretAccessKey": sk,
    }
    if token:
        record["sessionToken"] = token
    record.update({
        "region": region,
        "service": service,
        "timestamp": timestamp,
        "presigned": presigned,
    })
    if expires is not None:
        record["expires"] = expires
    record.update({
        "method": method,
        "path": path,
        "query": query,
        "headers": wire_headers(url, headers),
    })
    record.update(body_fields(body))
    record.update({
        "canonicalRequest": recorder.canonical_request,
        "stringToSign": recorder.string_to_sign,
        "signature": signature_of(url, headers),
    })
    if expected_error:
        record["expectedError"] = expected_error
    return record


def client(service, region, endpoint, ak, sk, token=None, config=None):
    session = botocore.session.get_session()
    c = session.create_client(
        service, region_name=region, endpoint_url=endpoint, aws_access_key_id=ak,
        aws_secret_access_key=sk, aws_session_token=token,
        config=config or Config(retries={"max_attempts": 1, "mode": "standard"}))

    def capture(request, **_):
        raise Captured(request)

    c.meta.events.register("before-send", capture)
    return c


def call(name, service, region, endpoint, operation, params, timestamp, *, ak=AK, sk=SK, token=None,
         config=None):
    """A real client call, captured on its way out."""
    c = client(service, region, endpoint, ak, sk, token, config)
    clock, ids = pinned(timestamp)
    with clock, ids, SignerRecorder() as recorder:
        try:
            getattr(c, operation)(**params)
        except Captured as captured:
            request = captured.request
        else:
            sys.exit(f"{name}: the request was not captured")
    return vector(name, ak=ak, sk=sk, token=token, region=region, service=service,
                  timestamp=timestamp, method=request.method, url=request.url,
                  headers=request.headers, body=request.body, recorder=recorder)


def presign(name, service, region, endpoint, operation, params, timestamp, expires, *, ak=AK, sk=SK,
            token=None):
    """A presigned URL from `generate_presigned_url`, fetched with a plain GET."""
    # botocore would presign S3 with SigV2 by default against a custom endpoint.
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"}) if service == "s3" else None
    c = client(service, region, endpoint, ak, sk, token, config)
    clock, ids = pinned(timestamp)
    with clock, ids, SignerRecorder() as recorder:
        url = c.generate_presigned_url(operation, Params=params, ExpiresIn=expires)
    # botocore presigns with the operation's own method: POST for the Query services.
    method = recorder.canonical_request.split("\n", 1)[0]
    return vector(name, ak=ak, sk=sk, token=token, region=region, service=service,
                  timestamp=timestamp, method=method, url=url, headers={}, body=None,
                  recorder=recorder, presigned=True, expires=expires)


def sign(name, method, url, timestamp, *, service="iam", region="us-east-1", headers=None,
         data=None, params=None, ak=AK, sk=SK, token=None, extra_headers=(),
         signer=botocore.auth.SigV4Auth, expires=None, expected_error=None):
    """A hand-built request signed with a low-level signer, then prepared as it would be sent."""
    request = AWSRequest(method=method, url=url, headers=headers or {}, data=data, params=params)
    for key, value in extra_headers:
        # HTTPHeaders appends on assignment, so this is how a header is sent twice.
        request.headers[key] = value
    credentials = Credentials(ak, sk, token)
    if expires is None:
        auth = signer(credentials, service, region)
    else:
        auth = signer(credentials, service, region, expires=expires)
    clock, ids = pinned(timestamp)
    with clock, ids, SignerRecorder() as recorder:
        auth.add_auth(request)
    prepared = request.prepare()
    # The prepared request keeps one value per name; the original keeps a repeated header twice.
    sent = MultiHeaders(request.headers.items())
    for key, value in prepared.headers.items():
        if key.lower() not in sent.names:
            sent.append(key, value)
    return vector(name, ak=ak, sk=sk, token=token, region=region, service=service,
                  timestamp=timestamp, method=prepared.method, url=prepared.url,
                  headers=sent, body=prepared.body, recorder=recorder,
                  presigned=expires is not None, expires=expires, expected_error=expected_error)


def vectors():
    iam = "http://127.0.0.1:9000"
    policy = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::bucket/home/${aws:username}/*"}]})
    search = b'{"query": {"match_all": {}}}'
    unsigned_s3 = Config(retries={"max_attempts": 1, "mode": "standard"},
                         s3={"payload_signing_enabled": False, "addressing_style": "path"},
                         request_checksum_calculation="when_required")
    path_style = Config(retries={"max_attempts": 1, "mode": "standard"},
                        s3={"addressing_style": "path"},
                        request_checksum_calculation="when_required")
    return [
        # IAM and STS Query calls through a real client: POST form bodies.
        call("iam ListUsers, form body", "iam", "us-east-1", iam, "list_users", {},
             "20241103T120000Z"),
        call("iam CreateUser with path and reserved characters in the name", "iam", "us-east-1",
             iam, "create_user",
             {"Path": "/division_abc/subdivision/", "UserName": "Bob+=,.@-_"},
             "20241103T120001Z"),
        call("iam PutUserPolicy with a JSON document in the form", "iam", "us-east-1", iam,
             "put_user_policy",
             {"UserName": "alice", "PolicyName": "home folder", "PolicyDocument": policy},
             "20241103T120002Z", ak=AK2, sk=SK2),
        call("iam ListAccessKeys with a session token, signed for eu-west-1", "iam", "eu-west-1",
             "https://iam.example.test", "list_access_keys", {"UserName": "carol"},
             "20241103T235959Z", ak=SESSION_KEY, sk=SESSION_SECRET, token=TOKEN),
        call("sts GetCallerIdentity", "sts", "us-west-2", "https://sts.us-west-2.amazonaws.com",
             "get_caller_identity", {}, "20240229T000000Z"),
        call("sts AssumeRole with a session token and a session policy", "sts", "ap-southeast-2",
             "http://localhost:9000", "assume_role",
             {"RoleArn": "arn:aws:iam::123456789012:role/Deployer",
              "RoleSessionName": "ci session", "DurationSeconds": 900, "Policy": policy},
             "20241231T235959Z", ak=SESSION_KEY, sk=SESSION_SECRET, token=TOKEN),
        # S3 REST calls: the path is signed as sent, not normalised or encoded again.
        call("s3 ListObjectsV2 with a prefix that needs encoding", "s3", "us-east-1",
             "https://s3.example.test", "list_objects_v2",
             {"Bucket": "photos", "Prefix": "2024 summer/~tilde/ü+plus", "Delimiter": "/",
              "MaxKeys": 5}, "20241103T120003Z", config=path_style),
        call("s3 GetObject, key with spaces, unicode and reserved characters", "s3", "eu-central-1",
             "https://s3.example.test", "get_object",
             {"Bucket": "docs", "Key": "dir/a b+c~ü!$'()*,;=:@/./x..txt"}, "20241103T120004Z",
             config=path_style),
        call("s3 PutObject with UNSIGNED-PAYLOAD", "s3", "us-east-1", "https://s3.example.test",
             "put_object",
             {"Bucket": "uploads", "Key": "blob.bin", "Body": bytes(range(256)),
              "ContentType": "application/octet-stream"}, "20241103T120005Z",
             config=unsigned_s3),
        call("s3 PutObject with a signed payload and x-amz-meta headers", "s3", "us-east-1",
             "http://127.0.0.1:9000", "put_object",
             {"Bucket": "uploads", "Key": "notes.txt", "Body": b"hello, world\n",
              "Metadata": {"owner": "  dave   smith  "}}, "20241103T120006Z",
             config=path_style),
        # Presigned URLs.
        presign("presigned sts GetCallerIdentity", "sts", "us-east-1", "https://sts.amazonaws.com",
                "get_caller_identity", {}, "20241103T120000Z", 900),
        presign("presigned iam ListUsers with a session token", "iam", "us-east-1", iam,
                "list_users", {"PathPrefix": "/ops/", "MaxItems": 10}, "20241103T120000Z", 60,
                ak=SESSION_KEY, sk=SESSION_SECRET, token=TOKEN),
        presign("presigned s3 GetObject, one hour", "s3", "us-east-1", "https://s3.example.test",
                "get_object", {"Bucket": "photos", "Key": "2024/beach day.jpg"},
                "20241103T120000Z", 3600),
        # Hand-built requests for the corners of the canonical form.
        sign("query parameters needing encoding, repeated keys, empty values", "GET",
             "https://iam.example.test/", "20241103T120007Z",
             params=[("Action", "ListUsers"), ("Version", "2010-05-08"),
                     ("Marker", "a b~c/d?e&f=g"), ("Tag", "zeta"), ("Tag", "alpha"),
                     ("Name", "Grüße 日本"), ("Empty", ""), ("Star", "*'()!")]),
        sign("raw query string, unsorted and already encoded", "GET",
             "https://iam.example.test/?b=2&a=3&a=1&c=%7Etilde&Marker=x%2Fy%20z&flag=",
             "20241103T120008Z"),
        sign("path segments encoded twice for a non-S3 service", "GET",
             "https://execute-api.example.test/my%20path/f%C3%BCr/a~b/%21%24%26/x%2Fy",
             "20241103T120009Z", service="execute-api"),
        sign("path with dot segments and repeated slashes", "GET",
             "https://iam.example.test/a/./b/../c//d/", "20241103T120010Z"),
        sign("path with reserved characters left unencoded on the wire", "GET",
             "https://iam.example.test/a:b@c/$x,y;z=1/(q)*", "20241103T120011Z"),
        sign("header values with folded whitespace", "GET", "https://iam.example.test/",
             "20241103T120012Z",
             headers={"My-Header1": "    a   b   c  ", "X-Amz-Meta-Note": "one\t two  \t three",
                      "Content-Type": "text/plain;   charset=utf-8"}),
        sign("a header sent twice is joined with a comma", "GET", "https://iam.example.test/",
             "20241103T120013Z",
             extra_headers=[("X-Amz-Meta-Multi", " first value "), ("X-Amz-Meta-Multi", "second")]),
        sign("Date header instead of X-Amz-Date", "GET", "https://iam.example.test/?Action=ListRoles",
             "20241103T120014Z", headers={"Date": "placeholder"}),
        sign("explicit X-Amz-Content-SHA256 on a JSON body", "POST",
             "https://es.example.test/index/_search", "20241103T120015Z", service="es",
             region="cn-north-1",
             headers={"Content-Type": "application/json",
                      "X-Amz-Content-SHA256": hashlib.sha256(search).hexdigest()},
             data=search),
        sign("unsigned headers beside signed ones", "POST", "https://iam.example.test/",
             "20241103T120016Z",
             headers={"User-Agent": "something/1.0", "Expect": "100-continue",
                      "X-Amzn-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793",
                      "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
             data=b"Action=ListGroups&Version=2010-05-08"),
        sign("empty POST body", "POST", "https://sts.example.test/", "20241103T120017Z",
             service="sts", region="local"),
        sign("non-default port in the Host header", "GET",
             "http://IAM.Example.Test:8443/?Action=GetUser", "20241103T120018Z"),
        sign("secret with slashes and pluses, session token in a header", "POST",
             "https://iam.example.test/", "20241103T120019Z", ak=AK2, sk=SK2, token=TOKEN,
             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
             data=b"Action=GetAccountSummary&Version=2010-05-08"),
        sign("presigned with SigV4QueryAuth, form body moved into the query", "POST",
             "https://sts.example.test/", "20241103T120020Z", service="sts",
             signer=botocore.auth.SigV4QueryAuth, expires=300,
             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
             data={"Action": "GetSessionToken", "Version": "2011-06-15", "DurationSeconds": "900"}),
        # Correctly signed, but the body is aws-chunked with a trailing checksum, which the
        # verifier does not check: it must refuse it rather than trust an unverified body.
        sign("streaming payload declared, refused though the signature is good", "PUT",
             "https://s3.example.test/uploads/stream.bin", "20241103T120022Z", service="s3",
             headers={"X-Amz-Content-SHA256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                      "Content-Encoding": "aws-chunked", "X-Amz-Trailer": "x-amz-checksum-crc32"},
             data=b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
             expected_error="InvalidArgument"),
        sign("presigned GET with an extra signed header, as EKS tokens are", "GET",
             "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
             "20241103T120021Z", service="sts", signer=botocore.auth.SigV4QueryAuth, expires=60,
             headers={"x-k8s-aws-id": "cluster-1"}),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    document = {
        "generator": f"scripts/generate-sigv4-vectors.py with botocore {botocore.__version__}",
        "vectors": vectors(),
    }
    names = [v["name"] for v in document["vectors"]]
    if len(names) != len(set(names)):
        sys.exit("vector names must be unique")
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(names)} vectors to {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
