"""The pieces of owner-only access: settings, the signature check, the peer's uid."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from localaws.config import resolve_settings
from localaws.errors import SettingError
from localaws.peer_uid import peer_uid
from localaws.server.sigv4 import Refusal, Secret, verify
from localaws.state.owner import load_or_create, read_credentials


def test_the_opt_out_and_port_auto_settings_are_validated() -> None:
    assert resolve_settings(None, None, None, {}).allow_any_credentials is False
    on = {"LOCALAWS_ALLOW_ANY_CREDENTIALS": "true"}
    assert resolve_settings(None, None, None, on).allow_any_credentials is True
    assert resolve_settings(None, None, None, {}, allow_any_credentials=True).allow_any_credentials
    with pytest.raises(SettingError, match="LOCALAWS_ALLOW_ANY_CREDENTIALS: 'maybe'"):
        resolve_settings(None, None, None, {"LOCALAWS_ALLOW_ANY_CREDENTIALS": "maybe"})
    assert resolve_settings(None, None, None, {"LOCALAWS_PORT": "auto"}).port == 0


def test_credentials_are_made_once_private_and_kept(tmp_path: Path) -> None:
    made = load_or_create(tmp_path)
    assert (tmp_path / "credentials.json").stat().st_mode & 0o777 == 0o600
    assert load_or_create(tmp_path) == made == read_credentials(tmp_path)
    assert made.access_key_id.startswith("AKIA") and len(made.secret_access_key) == 40


def signed_environ(secret: str, body: bytes = b"Action=GetCallerIdentity") -> dict[str, Any]:
    """The WSGI environ of a request botocore signed, as the server receives it."""
    request = AWSRequest("POST", "http://127.0.0.1:4566/?Version=1", data=body)
    request.headers["Content-Type"] = "application/x-www-form-urlencoded"
    SigV4Auth(Credentials("AKIAEXAMPLE", secret), "sts", "us-east-1").add_auth(request)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "RAW_URI": "/?Version=1",
        "QUERY_STRING": urlsplit(request.url).query,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_HOST": "127.0.0.1:4566",
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def test_a_signature_is_checked_against_the_keys_secret() -> None:
    keys = {"AKIAEXAMPLE": Secret("right")}
    environ = signed_environ("right")
    assert verify(environ, keys.get).service == "sts"
    assert environ["wsgi.input"].read() == b"Action=GetCallerIdentity"  # still there for moto
    for environ, kind in (
        (signed_environ("wrong"), "bad-signature"),
        ({**signed_environ("right"), "wsgi.input": io.BytesIO(b"Action=Other")}, "bad-signature"),
        ({"REQUEST_METHOD": "GET", "QUERY_STRING": ""}, "unsigned"),
    ):
        with pytest.raises(Refusal) as refused:
            verify(environ, keys.get)
        assert refused.value.kind == kind
    with pytest.raises(Refusal, match="unknown-key"):
        verify(signed_environ("right"), {}.get)


def test_a_streaming_upload_is_checked_on_its_seed_signature() -> None:
    """``aws-chunked`` uploads sign the headers with this payload hash, then each chunk."""
    body = b"5;chunk-signature=...\r\nhello\r\n0;chunk-signature=...\r\n\r\n"
    request = AWSRequest("PUT", "http://127.0.0.1:4566/bucket/a%20key", data=body)
    request.headers["X-Amz-Content-SHA256"] = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    request.headers["Content-Encoding"] = "aws-chunked"
    S3SigV4Auth(Credentials("AKIAEXAMPLE", "right"), "s3", "us-east-1").add_auth(request)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "PUT", "PATH_INFO": "/bucket/a key", "RAW_URI": "/bucket/a%20key",
        "QUERY_STRING": "", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
        "HTTP_HOST": "127.0.0.1:4566",
    }  # fmt: skip
    for name, value in request.headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    assert verify(environ, {"AKIAEXAMPLE": Secret("right")}.get).service == "s3"
    with pytest.raises(Refusal, match="bad-signature"):
        verify({**environ, "HTTP_CONTENT_ENCODING": "gzip"}, {"AKIAEXAMPLE": Secret("right")}.get)


def test_the_peer_of_a_loopback_connection_is_found_in_the_kernels_table() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert peer_uid(accepted) == os.geteuid()  # sock_diag
                assert peer_uid(accepted, netlink=False) == os.geteuid()  # /proc/net/tcp
                assert peer_uid(accepted, ("/nonexistent",), netlink=False) is None
            assert client.fileno() >= 0
