"""A localaws belongs to its owner: signed requests only, with the keys it made for them.

What AWS answers to a wrong key, a wrong secret or no signature, in each protocol; what it
serves unsigned (public-read objects, CORS preflights, the health check); presigned URLs of
both kinds; streaming uploads; the keys the account and the functions get; the admin API.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers import ServerProcess, admin_json, aws_client, eventually, run_localaws
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server


def client_with(server: ServerProcess, service: str, key: str, secret: str, **extra: Any) -> Any:
    return boto3.client(
        service, endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}), **extra,
    )  # fmt: skip


def refusal(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], str(raised.value)


def http(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def bucket(server: ServerProcess) -> Iterator[str]:
    s3 = aws_client(server.endpoint, "s3")
    s3.create_bucket(Bucket="owner-only")
    s3.put_object(Bucket="owner-only", Key="private.txt", Body=b"mine")
    yield "owner-only"


def test_the_credentials_are_made_once_and_private(server: ServerProcess) -> None:
    path = server.state_dir / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert server.client_env["AWS_ACCESS_KEY_ID"].startswith("AKIA")
    assert (server.state_dir / "port").read_text().strip() == str(server.port)


@pytest.mark.parametrize(
    ("service", "call", "unknown_key", "bad_secret"),
    [
        ("s3", "list_buckets", "InvalidAccessKeyId", "SignatureDoesNotMatch"),
        ("sts", "get_caller_identity", "InvalidClientTokenId", "SignatureDoesNotMatch"),
        ("lambda", "list_functions", "UnrecognizedClientException", "InvalidSignatureException"),
    ],
)
def test_other_keys_get_the_services_own_error(
    server: ServerProcess, service: str, call: str, unknown_key: str, bad_secret: str
) -> None:
    dummy = client_with(server, service, "testing", "testing")
    status, code, message = refusal(getattr(dummy, call))
    assert (status, code) == (403, unknown_key)
    assert 'eval "$(localaws env)"' in message  # what changed, and what to do
    owner_key = server.client_env["AWS_ACCESS_KEY_ID"]
    wrong = client_with(server, service, owner_key, "not-the-secret")
    assert refusal(getattr(wrong, call))[:2] == (403, bad_secret)


def test_unsigned_requests_are_refused_except_what_aws_serves_to_anyone(
    server: ServerProcess, bucket: str
) -> None:
    status, body = http(f"{server.endpoint}/{bucket}/private.txt")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    status, body = http(f"{server.endpoint}/2015-03-31/functions/")
    assert status == 403 and b"MissingAuthenticationToken" in body

    s3 = aws_client(server.endpoint, "s3")
    s3.put_object(Bucket=bucket, Key="public.txt", Body=b"for all", ACL="public-read")
    assert http(f"{server.endpoint}/{bucket}/public.txt") == (200, b"for all")
    preflight = {"Origin": "http://localhost:8888", "Access-Control-Request-Method": "PUT"}
    answered = http(f"{server.endpoint}/{bucket}/private.txt", "OPTIONS", preflight)[1]
    assert b"<Code>" not in answered  # S3's CORS answer (moto's), not a refusal
    assert http(f"{server.endpoint}/_localaws/health")[0] == 200


def test_presigned_urls_of_both_signature_versions(server: ServerProcess, bucket: str) -> None:
    url = f"{server.endpoint}/{bucket}/private.txt"
    params = {"Bucket": bucket, "Key": "private.txt"}
    expired = []
    for version in ("s3v4", "s3"):  # boto3's default for S3 in us-east-1 is still version 2
        s3 = aws_client(server.endpoint, "s3", signature_version=version)
        signed = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=60)
        assert http(signed) == (200, b"mine"), version
        assert http(signed.replace("private.txt", "public.txt"))[0] == 403, version  # tampered
        expired.append(s3.generate_presigned_url("get_object", Params=params, ExpiresIn=1))
    assert eventually(lambda: all(b"Request has expired" in http(u)[1] for u in expired), 5)
    assert http(url)[0] == 403


def test_the_aws_cli_uploads_in_parts_and_presigns(
    server: ServerProcess, bucket: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(9 * 1024 * 1024))  # over the CLI's 8 MB multipart threshold
    env = {**os.environ, **server.client_env}
    copied = subprocess.run(
        ["aws", "s3", "cp", str(big), f"s3://{bucket}/big.bin"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert copied.returncode == 0, copied.stderr
    head = aws_client(server.endpoint, "s3").head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == big.stat().st_size
    presigned = subprocess.run(
        ["aws", "s3", "presign", f"s3://{bucket}/private.txt"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert http(presigned.stdout.strip()) == (200, b"mine")


def test_keys_the_account_issues_are_accepted_until_they_expire(server: ServerProcess) -> None:
    iam = aws_client(server.endpoint, "iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}  # fmt: skip
    role = iam.create_role(RoleName="Deployer", AssumeRolePolicyDocument=json.dumps(trust))
    sts = aws_client(server.endpoint, "sts")
    keys = sts.assume_role(RoleArn=role["Role"]["Arn"], RoleSessionName="cdk")["Credentials"]
    assumed = client_with(
        server, "sts", keys["AccessKeyId"], keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    )  # fmt: skip
    assert assumed.get_caller_identity()["Arn"].endswith(":assumed-role/Deployer/cdk")
    no_token = client_with(server, "sts", keys["AccessKeyId"], keys["SecretAccessKey"])
    assert refusal(no_token.get_caller_identity)[:2] == (403, "InvalidClientTokenId")


def test_a_handler_calls_localaws_with_its_own_session_keys(server: ServerProcess) -> None:
    source = (
        "import os, boto3\n"
        "def lambda_handler(event, context):\n"
        "    who = boto3.client('sts').get_caller_identity()['Account']\n"
        "    return {'account': who, 'key': os.environ['AWS_ACCESS_KEY_ID'],\n"
        "            'token': bool(os.environ.get('AWS_SESSION_TOKEN'))}\n"
    )
    lam = aws_client(server.endpoint, "lambda")
    deploy(lam, aws_client(server.endpoint, "iam"), "whoami", source)
    answer = json.loads(lam.invoke(FunctionName="whoami")["Payload"].read())
    assert answer["account"] == "123456789012" and answer["token"]
    assert answer["key"].startswith("ASIA")
    assert answer["key"] != server.client_env["AWS_ACCESS_KEY_ID"]


def test_the_admin_api_is_the_owners(server: ServerProcess) -> None:
    for path, method in (("status", "GET"), ("reset", "POST"), ("checkpoints/x", "POST")):
        status, body = http(f"{server.endpoint}/_localaws/{path}", method)
        assert status == 403 and "X-Localaws-Token" in json.loads(body)["message"]
    assert admin_json(server.endpoint, "status")[0] == 200


def test_the_opt_out_accepts_any_credentials(tmp_path: Path) -> None:
    laptop = ServerProcess(tmp_path / "state", None, "--allow-any-credentials").start()
    try:
        dummy = client_with(laptop, "s3", "testing", "testing")
        dummy.create_bucket(Bucket="anything-goes")
        assert [b["Name"] for b in dummy.list_buckets()["Buckets"]] == ["anything-goes"]
    finally:
        laptop.stop()


def test_port_auto_is_chosen_recorded_and_reported(tmp_path: Path) -> None:
    state_dir = tmp_path / "auto"
    started = run_localaws("start", "--port", "auto", "--state-dir", str(state_dir))
    try:
        assert started.returncode == 0, started.stderr
        port = int((state_dir / "port").read_text())
        assert f"at http://127.0.0.1:{port} " in started.stdout
        exports = run_localaws("env", "--state-dir", str(state_dir)).stdout
        assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}\n" in exports
        status = run_localaws("status", "--state-dir", str(state_dir)).stdout
        assert f"endpoint:      http://127.0.0.1:{port}" in status
    finally:
        run_localaws("stop", "--state-dir", str(state_dir))
