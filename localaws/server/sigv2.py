"""S3's older presigned URLs (Signature Version 2: ``AWSAccessKeyId``, ``Expires``,
``Signature``), which boto3 still makes by default for ``generate_presigned_url`` on S3 in
us-east-1. The expected signature is botocore's own (``HmacV1Auth``); the parts signed as
headers (``x-amz-*``, Content-MD5, Content-Type) come back in the query string, and the
expiry time takes the place of the Date header.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from localaws.server.sigv4 import Refusal, Secret

QUERY_NAMES = ("AWSAccessKeyId", "Signature", "Expires")


def is_presigned_v2(environ: dict[str, Any]) -> bool:
    query = parse_qs(environ.get("QUERY_STRING", ""))
    return all(name in query for name in QUERY_NAMES)


def verify_v2(
    environ: dict[str, Any],
    find_secret: Callable[[str], Secret | None],
    now: Callable[[], float] = time.time,
) -> None:
    """Return when the URL is signed by a known key and not expired; Refusal otherwise."""
    from botocore.auth import HmacV1Auth
    from botocore.compat import HTTPHeaders
    from botocore.credentials import Credentials

    query = {name: values[0] for name, values in parse_qs(environ["QUERY_STRING"]).items()}
    key_id, expires = query["AWSAccessKeyId"], query["Expires"]
    secret = find_secret(key_id)
    if secret is None:
        raise Refusal("unknown-key")
    token = query.get("x-amz-security-token")
    if secret.session_token is not None and token != secret.session_token:
        raise Refusal("bad-token")
    headers = HTTPHeaders()
    for name, value in query.items():
        if name.lower().startswith("x-amz-") or name.lower() in ("content-md5", "content-type"):
            headers[name.lower()] = value
    raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
    split = urlsplit(raw_uri or environ.get("PATH_INFO", "/"))
    auth = HmacV1Auth(Credentials(key_id, secret.secret_access_key))
    auth._get_date = lambda: expires  # signed in Date's place
    string_to_sign = auth.canonical_string(environ.get("REQUEST_METHOD", "GET"), split, headers)
    expected = str(auth.sign_string(string_to_sign))
    if not hmac.compare_digest(expected, query["Signature"]):
        raise Refusal("bad-signature")
    if not expires.isdigit() or now() > int(expires):
        raise Refusal("expired")
