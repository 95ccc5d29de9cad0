"""Payload format 2.0 (function URLs, HTTP APIs): the event, and the answer from the result.

As AWS sends it: header names lower-cased and repeated values joined with commas, cookies in
their own list (no ``cookie`` header), query values joined with commas, and ``cookies``,
``queryStringParameters``, ``pathParameters``, ``stageVariables`` and ``body`` left out when
there are none. A body that is not UTF-8 text is sent base64-encoded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest


@dataclass(frozen=True)
class RouteInfo:
    """What the event says about where the request came in."""

    route_key: str
    stage: str
    api_id: str
    account: str
    domain_name: str
    domain_prefix: str
    request_id: str
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None
    authorizer: dict[str, Any] | None = None


def request_time(epoch_ms: int) -> str:
    """AWS's ``requestContext.time``: ``12/Mar/2020:19:03:58 +0000``."""
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000))


def body_field(request: HttpRequest) -> tuple[str | None, bool]:
    """(body as the event carries it, isBase64Encoded)."""
    if not request.body:
        return None, False
    try:
        return request.body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(request.body).decode(), True


def forwarded_headers(request: HttpRequest) -> dict[str, list[str]]:
    """The headers AWS's front end adds: the client's address, port and scheme, a trace id."""
    host = request.header("host") or ""
    port = host.rsplit(":", 1)[1] if ":" in host else "80"
    trace = (
        request.header("x-amzn-trace-id")
        or f"Root=1-{request.received_ms // 1000:08x}-"
        + (hashlib.sha256(f"{request.received_ms}{id(request)}".encode()).hexdigest()[:24])
    )
    return {
        "x-amzn-trace-id": [trace],
        "x-forwarded-for": [request.source_ip],
        "x-forwarded-port": [port],
        "x-forwarded-proto": ["http"],
    }


def event_v2(request: HttpRequest, route: RouteInfo) -> dict[str, Any]:
    """The event a handler receives, key by key in AWS's order."""
    grouped = request.grouped_headers(lower=True)
    grouped.update(forwarded_headers(request))
    cookies = [c.strip() for v in grouped.pop("cookie", []) for c in v.split(";") if c.strip()]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": request.path,
        "rawQueryString": request.query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = {name: ",".join(values) for name, values in grouped.items()}
    query = request.query_values()
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    context: dict[str, Any] = {"accountId": route.account, "apiId": route.api_id}
    if route.authorizer is not None:
        context["authorizer"] = route.authorizer
    context.update(
        {
            "domainName": route.domain_name,
            "domainPrefix": route.domain_prefix,
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": request.header("user-agent") or "",
            },
            "requestId": route.request_id,
            "routeKey": route.route_key,
            "stage": route.stage,
            "time": request_time(request.received_ms),
            "timeEpoch": request.received_ms,
        }
    )
    event["requestContext"] = context
    body, encoded = body_field(request)
    if body is not None:
        event["body"] = body
    if route.path_parameters:
        event["pathParameters"] = route.path_parameters
    event["isBase64Encoded"] = encoded
    if route.stage_variables:
        event["stageVariables"] = route.stage_variables
    return event


class MalformedResponse(ValueError):
    """The handler's result cannot be turned into an HTTP answer."""


def answer_v2(payload: bytes) -> HttpAnswer:
    """The HTTP answer for a handler's result, as AWS maps it for format 2.0.

    A JSON object with ``statusCode`` is a structured answer; any other JSON is the body of
    a 200 ``application/json`` answer (a string is the body itself)."""
    try:
        result = json.loads(payload or b"null")
    except ValueError as error:
        raise MalformedResponse(str(error)) from None
    if not (isinstance(result, dict) and "statusCode" in result):
        text = result if isinstance(result, str) else payload.decode()
        return HttpAnswer(200, [("Content-Type", "application/json")], text.encode())
    status = result["statusCode"]
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    headers = result.get("headers") or {}
    cookies = result.get("cookies") or []
    if not isinstance(headers, dict) or not isinstance(cookies, list):
        raise MalformedResponse("headers must be an object and cookies a list")
    pairs = [(str(k), _header_value(v)) for k, v in headers.items()]
    pairs += [("Set-Cookie", str(cookie)) for cookie in cookies]
    return HttpAnswer(status, pairs, _body(result))


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _body(result: dict[str, Any]) -> bytes:
    body = result.get("body")
    if body is None:
        return b""
    text = body if isinstance(body, str) else json.dumps(body)
    if result.get("isBase64Encoded") is True:
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponse("body is not valid base64") from None
    return text.encode()
