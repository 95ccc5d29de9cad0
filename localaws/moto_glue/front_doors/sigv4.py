"""Checking a request's AWS Signature Version 4, for function URLs with AuthType AWS_IAM.

The secret is the one IAM issued for the request's access key, or that of a key localaws
itself accepts (its owner's, an execution environment's: ``accept_keys``, set by the server),
or, only when localaws accepts any credentials, the dummy key's. localaws does not evaluate the
signer's IAM policies: a valid signature by a known key is enough (see the README's table).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from botocore.utils import normalize_url_path
from moto.iam.models import iam_backends

from localaws.moto_glue.front_doors.http import HttpRequest

#: The dummy credentials of a single-user localaws (``--allow-any-credentials``).
DUMMY_KEYS = {"testing": "testing"}
_known_secret: Callable[[str], str | None] = lambda access_key: None  # noqa: E731
_any_credentials = False


def accept_keys(known_secret: Callable[[str], str | None], any_credentials: bool) -> None:
    """The secrets of the keys this localaws accepts besides IAM's, and whether it takes the
    dummy key too (set once by the server)."""
    global _known_secret, _any_credentials
    _known_secret, _any_credentials = known_secret, any_credentials


_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<scope>[^,]+),\s*"
    r"SignedHeaders=(?P<headers>[^,]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Signer:
    """Who signed a request: the access key and the account it belongs to."""

    access_key: str
    account: str


def _secret(access_key: str) -> tuple[str, str] | None:
    """(secret, account) for a key IAM issued (any account) or the dummy key."""
    for account, by_partition in list(iam_backends.items()):
        backend = by_partition.get("aws") if hasattr(by_partition, "get") else None
        if backend is None:
            continue
        for key in backend.get_all_access_keys_for_all_users():
            if key.access_key_id == access_key and key.status == "Active":
                return str(key.secret_access_key), str(account)
    known = _known_secret(access_key)
    if known is not None:
        return known, "123456789012"
    if _any_credentials and access_key in DUMMY_KEYS:
        return DUMMY_KEYS[access_key], "123456789012"
    return None


def _canonical_request(request: HttpRequest, signed: list[str]) -> str:
    pairs = sorted(pair.partition("=")[::2] for pair in request.query.split("&") if pair)
    query = "&".join(f"{key}={value}" for key, value in pairs)
    headers = "".join(
        f"{name}:{','.join(' '.join(v.split()) for v in request.grouped_headers(True)[name])}\n"
        for name in signed
    )
    payload = request.header("x-amz-content-sha256") or hashlib.sha256(request.body).hexdigest()
    path = quote(normalize_url_path(request.path), safe="/~")
    return "\n".join([request.method, path, query, headers, ";".join(signed), payload])


def _sign(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def verify(request: HttpRequest, full_path: str, service: str = "lambda") -> Signer | None:
    """The signer when the request carries a valid SigV4 signature for ``service``;
    ``full_path`` is the path as the client signed it (with the front door's prefix)."""
    match = _AUTHORIZATION.match(request.header("authorization") or "")
    timestamp = request.header("x-amz-date") or ""
    if match is None or len(timestamp) != 16:
        return None
    date, region, scoped_service, terminator = [*match["scope"].split("/"), "", "", ""][:4]
    if scoped_service != service or terminator != "aws4_request" or date != timestamp[:8]:
        return None
    signed = match["headers"].split(";")
    if "host" not in signed or any(name not in request.grouped_headers(True) for name in signed):
        return None
    found = _secret(match["key"])
    if found is None:
        return None
    secret, account = found
    as_signed = HttpRequest(
        request.method, full_path, request.query, request.headers, request.body, ""
    )
    canonical = _canonical_request(as_signed, signed)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = "\n".join(["AWS4-HMAC-SHA256", timestamp, match["scope"], digest])
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = _sign(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match["signature"]):
        return None
    return Signer(match["key"], account)
