"""The requests AWS answers without a signature, and so localaws does too.

Each entry of ``SERVED_UNSIGNED`` is a predicate over the WSGI environ; an unsigned request
any of them accepts goes on to moto (a signed one is always checked). Front doors that AWS
serves to anyone (function URLs with AuthType NONE, API Gateway stages without an IAM
authorizer) belong here too: add a predicate for each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from localaws.moto_glue.s3_public import is_public_object

Predicate = Callable[[dict[str, Any]], bool]


def is_cors_preflight(environ: dict[str, Any]) -> bool:
    """A browser's ``OPTIONS`` before a cross-origin request: never signed, on AWS either."""
    return (
        environ.get("REQUEST_METHOD") == "OPTIONS"
        and bool(environ.get("HTTP_ORIGIN"))
        and bool(environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"))
    )


def is_public_s3_object(environ: dict[str, Any]) -> bool:
    """A path-style GET or HEAD of an object that is public-read (its ACL or bucket policy)."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
        return False
    bucket, _, key = unquote(environ.get("PATH_INFO", "")).lstrip("/").partition("/")
    return bool(bucket and key) and is_public_object(bucket, key)


SERVED_UNSIGNED: list[Predicate] = [is_cors_preflight, is_public_s3_object]


def served_unsigned(environ: dict[str, Any]) -> bool:
    return any(predicate(environ) for predicate in SERVED_UNSIGNED)
