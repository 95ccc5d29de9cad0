"""Checks a request's AWS Signature Version 4, in its Authorization header or a presigned URL.

The expected signature is computed by botocore's own signer (the code every boto3 and AWS CLI
request was signed with) over the request as it arrived: the raw path and query string, the
headers the client listed as signed, and the payload hash. A streaming (``aws-chunked``) S3
upload is checked on its seed signature, whose payload hash is the ``x-amz-content-sha256``
header; the chunk signatures that follow are not checked (AWS checks them). Nor is a signed
body hash compared with the body, or the request time with the clock (AWS refuses more than
15 minutes of skew): a client without the secret can sign neither way.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import time
from calendar import timegm
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


@dataclass(frozen=True)
class Secret:
    """What a key id stands for: its secret, and the session token it must come with."""

    secret_access_key: str
    session_token: str | None = None


@dataclass(frozen=True)
class SignedRequest:
    """The signature parts of a request; ``presigned`` when they came in the query string."""

    access_key_id: str
    date: str  # 20261130
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str  # 20261130T041500Z
    session_token: str | None
    presigned: bool
    expires: int | None = None


class Refusal(Exception):
    """Why a request is refused: ``kind`` is unsigned, unknown-key, bad-token, expired or
    bad-signature; callers turn it into the service's own error."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _header(environ: dict[str, Any], name: str) -> str | None:
    key = name.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = "HTTP_" + key
    value = environ.get(key)
    return None if value is None else str(value)


def parse(environ: dict[str, Any]) -> SignedRequest:
    """The signature parts, or Refusal("unsigned") when the request carries none."""
    authorization = _header(environ, "authorization") or ""
    if authorization.startswith(ALGORITHM + " "):
        fields = dict(
            part.strip().split("=", 1)
            for part in authorization[len(ALGORITHM) :].split(",")
            if "=" in part
        )
        credential, timestamp = fields.get("Credential", ""), _header(environ, "x-amz-date")
        signed, token = fields.get("SignedHeaders", ""), _header(environ, "x-amz-security-token")
        signature, presigned, expires = fields.get("Signature", ""), False, None
    else:
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if query.get("X-Amz-Algorithm", [""])[0] != ALGORITHM:
            raise Refusal("unsigned")
        first = {name: values[0] for name, values in query.items()}
        credential, timestamp = first.get("X-Amz-Credential", ""), first.get("X-Amz-Date")
        signed, token = first.get("X-Amz-SignedHeaders", ""), first.get("X-Amz-Security-Token")
        signature, presigned = first.get("X-Amz-Signature", ""), True
        expires_text = first.get("X-Amz-Expires", "")
        expires = int(expires_text) if expires_text.isdigit() else None
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not timestamp or not signature:
        raise Refusal("bad-signature")
    return SignedRequest(
        scope[0], scope[1], scope[2], scope[3], tuple(signed.split(";")), signature,
        timestamp, token, presigned, expires,
    )  # fmt: skip


def _body(environ: dict[str, Any]) -> bytes:
    """The request body, read once and put back for moto to read."""
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        length = environ.get("CONTENT_LENGTH") or "0"
        body = stream.read(int(length)) if length.isdigit() else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _payload_hash(environ: dict[str, Any], signed: SignedRequest) -> str:
    declared = _header(environ, "x-amz-content-sha256")
    if declared:
        return declared
    if signed.presigned and signed.service == "s3":
        return UNSIGNED_PAYLOAD
    return hashlib.sha256(_body(environ)).hexdigest()


def expected_signature(environ: dict[str, Any], signed: SignedRequest, secret: str) -> str:
    """The signature botocore computes for this request with ``secret``."""
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.compat import HTTPHeaders
    from botocore.credentials import Credentials

    auth_class = S3SigV4Auth if signed.service == "s3" else SigV4Auth
    auth = auth_class(Credentials(signed.access_key_id, secret), signed.service, signed.region)
    headers = HTTPHeaders()
    for name in signed.signed_headers:
        value = _header(environ, name)
        if value is not None:
            headers[name] = value
    raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
    path = raw_uri.split("?", 1)[0] or environ.get("PATH_INFO", "/")
    query = environ.get("QUERY_STRING", "")
    if signed.presigned:
        query = "&".join(p for p in query.split("&") if not p.startswith("X-Amz-Signature="))
    canonical = "\n".join(
        [
            environ.get("REQUEST_METHOD", "GET").upper(),
            auth._normalize_url_path(path),
            auth._canonical_query_string_url(_Parts(query)),
            auth.canonical_headers(headers) + "\n",
            ";".join(signed.signed_headers),
            _payload_hash(environ, signed),
        ]
    )
    request = _Request(signed.timestamp)
    string_to_sign = auth.string_to_sign(request, canonical)
    return str(auth.signature(string_to_sign, request))


@dataclass
class _Parts:
    query: str


class _Request:
    """The little of botocore's AWSRequest its string-to-sign and signature steps read."""

    def __init__(self, timestamp: str) -> None:
        self.context = {"timestamp": timestamp}


def _expired(signed: SignedRequest, now: float) -> bool:
    if signed.expires is None:
        return False
    try:
        signed_at = timegm(time.strptime(signed.timestamp, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return True
    return now > signed_at + signed.expires


def verify(
    environ: dict[str, Any],
    find_secret: Callable[[str], Secret | None],
    now: Callable[[], float] = time.time,
) -> SignedRequest:
    """The request's signature parts when it is signed by a known key; Refusal otherwise."""
    signed = parse(environ)
    secret = find_secret(signed.access_key_id)
    if secret is None:
        raise Refusal("unknown-key")
    if secret.session_token is not None and signed.session_token != secret.session_token:
        raise Refusal("bad-token")
    expected = expected_signature(environ, signed, secret.secret_access_key)
    if not hmac.compare_digest(expected, signed.signature):
        raise Refusal("bad-signature")
    if signed.presigned and _expired(signed, now()):
        raise Refusal("expired")
    return signed
