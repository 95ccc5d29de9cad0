"""Error answers shaped as AWS sends them, in the protocol of the request's service.

moto raises ``NotImplementedError`` for an operation it does not serve and answers an HTML 404
for a path it does not route; any other exception inside moto would reach the client as an
HTML 500 that SDKs cannot parse and retry. Here they become what an AWS SDK reads as a
service error: JSON for the JSON protocols (``__type``) and REST-JSON (``X-Amzn-ErrorType``),
an ``<ErrorResponse>`` document for the query protocol and an ``<Error>`` one for S3.

An unsupported operation is 501 ``NotImplemented`` (as S3 names it), which SDKs do not retry;
a failure inside moto is AWS's 500 ``InternalFailure``.
"""

from __future__ import annotations

import json
import re
import uuid
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from localaws.moto_glue.protocol import action_name, credential_scope

Answer = tuple[str, list[tuple[str, str]], bytes]

#: Signing names that differ from the SDK's service name.
SERVICE_BY_SIGNING_NAME = {"monitoring": "cloudwatch", "states": "stepfunctions"}
REST_JSON_PATH = re.compile(r"^/20\d\d-\d\d-\d\d/")
_STATUS_TEXT = {400: "Bad Request", 403: "Forbidden", 404: "Not Found"}
_STATUS_TEXT[500] = "Internal Server Error"
_STATUS_TEXT.update({501: "Not Implemented", 503: "Service Unavailable"})


def signing_service(environ: dict[str, Any]) -> str | None:
    """The service named in the request's SigV4 credential scope (header or presigned URL)."""
    scope = credential_scope(environ)
    if scope is None:
        return None
    return SERVICE_BY_SIGNING_NAME.get(scope[1], scope[1])


def request_protocol(environ: dict[str, Any]) -> str:
    """``json``, ``query``, ``rest-json`` or ``rest-xml``: how the service answers."""
    if environ.get("HTTP_X_AMZ_TARGET") or "amz-json" in str(environ.get("CONTENT_TYPE", "")):
        return "json"
    service = signing_service(environ)
    if service == "s3":
        return "rest-xml"
    if action_name(environ):
        return "query"
    if service == "lambda" or REST_JSON_PATH.match(environ.get("PATH_INFO", "")):
        return "rest-json"
    return "rest-xml"


class _Route(NamedTuple):
    method: str
    path: re.Pattern[str]
    query: frozenset[str]  # names the operation's request URI requires in the query string
    operation: str


@lru_cache(maxsize=16)
def _rest_routes(service: str) -> tuple[_Route, ...]:
    """Every REST operation of ``service``; those with query literals first."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path, _, query = str(http.get("requestUri", "/")).partition("?")
        pattern = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(path))
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        names = frozenset(part.split("=", 1)[0] for part in query.split("&") if part)
        method = str(http.get("method", "GET"))
        routes.append(_Route(method, re.compile(f"^{pattern}/?$"), names, name))
    return tuple(sorted(routes, key=lambda route: -len(route.query)))


def operation_name(environ: dict[str, Any]) -> str:
    """The AWS operation a request asks for, as the SDK names it, or ``METHOD /path``."""
    action = action_name(environ)
    if action:
        return action
    method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
    service = signing_service(environ)
    if service and service != "s3":
        try:
            routes = _rest_routes(service)
        except Exception:  # an unknown service name: fall back to the request line
            routes = ()
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        for route in routes:
            if route.method == method and route.path.match(path) and route.query <= query.keys():
                return route.operation
    return f"{method} {path}"


def error_answer(environ: dict[str, Any], status: int, code: str, message: str) -> Answer:
    """A complete WSGI answer for this error in the request's protocol."""
    request_id = str(uuid.uuid4())
    protocol = request_protocol(environ)
    headers = [("x-amzn-RequestId", request_id)]
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": code, "message": message}).encode()
        content_type = "application/x-amz-json-1.1" if protocol == "json" else "application/json"
        headers += [("Content-Type", content_type), ("X-Amzn-ErrorType", code)]
    else:
        fault = "Receiver" if status >= 500 else "Sender"
        error = f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        if protocol == "query":
            document = (
                f"<ErrorResponse><Error><Type>{fault}</Type>{error}</Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            )
        else:
            document = f"<Error>{error}<RequestId>{request_id}</RequestId></Error>"
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + document).encode()
        headers.append(("Content-Type", "application/xml"))
    headers.append(("Content-Length", str(len(body))))
    return f"{status} {_STATUS_TEXT.get(status, 'Error')}", headers, body


def unsupported_operation(environ: dict[str, Any]) -> Answer:
    """501 NotImplemented: localaws (moto) does not serve this operation."""
    operation = operation_name(environ)
    service = signing_service(environ)
    where = f" of {service}" if service else ""
    message = (
        f"localaws does not support {operation}{where} yet. It serves the operations the course "
        "uses; see the README's 'differences from AWS' for what is missing."
    )
    return error_answer(environ, 501, "NotImplemented", message)


def internal_failure(environ: dict[str, Any], error: BaseException) -> Answer:
    """500 InternalFailure: moto failed on this request (the traceback is in the server log)."""
    message = (
        f"localaws failed while serving {operation_name(environ)}: "
        f"{type(error).__name__}: {error}. The traceback is in the localaws log."
    )
    return error_answer(environ, 500, "InternalFailure", message)


def is_unrouted(status: str, body: bytes) -> bool:
    """moto's answer to a path none of its services routes: Werkzeug's HTML "Not Found" page
    (an S3 HEAD of a missing key is also a bodiless 404, and must stay one)."""
    return status.startswith("404") and b"<title>404 Not Found</title>" in body
