"""What an AWS API request names, whatever its protocol (JSON, query or REST)."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import parse_qs

_CREDENTIAL_SCOPE = re.compile(
    r"Credential=[^/,\s]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request"
)
ACTION_KEY = "localaws.action_name"


def action_name(environ: dict[str, Any]) -> str | None:
    """The operation named by a JSON (X-Amz-Target) or query (Action=) protocol request.

    Found once and kept in ``environ``: a form body is read here, before moto reads it.
    """
    if ACTION_KEY not in environ:
        environ[ACTION_KEY] = _find_action_name(environ)
    found: str | None = environ[ACTION_KEY]
    return found


def _find_action_name(environ: dict[str, Any]) -> str | None:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target).rsplit(".", 1)[-1]
    query_action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if query_action:
        return query_action[0]
    if not str(environ.get("CONTENT_TYPE", "")).startswith("application/x-www-form-urlencoded"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    form_action = parse_qs(body.decode("utf-8", "replace")).get("Action")
    return form_action[0] if form_action else None


def credential_scope(environ: dict[str, Any]) -> tuple[str, str] | None:
    """(region, signing name) from the request's SigV4 credential scope, in its
    Authorization header or a presigned URL's X-Amz-Credential; None when unsigned."""
    scope = str(environ.get("HTTP_AUTHORIZATION", ""))
    query = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential")
    if query:
        scope = "Credential=" + query[0]
    match = _CREDENTIAL_SCOPE.search(scope)
    return (match["region"], match["service"]) if match else None
