"""Payload format 1.0 (REST APIs' Lambda proxy, and HTTP APIs that choose it): the event, and
the answer from the handler's result.

Header names keep the case they were sent in; ``headers`` and ``queryStringParameters`` hold
the last value of each, the ``multiValue`` forms all of them; empty ones are ``null``, as on
AWS. The result must be an object with an integer ``statusCode`` and nothing AWS does not
know, and a ``body`` that is a string, or AWS answers 502 (a malformed proxy response).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest
from localaws.moto_glue.front_doors.payload_v2 import (
    MalformedResponse,
    body_field,
    forwarded_headers,
    request_time,
)

PROXY_RESULT_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
FORWARDED_NAMES = {
    "x-amzn-trace-id": "X-Amzn-Trace-Id",
    "x-forwarded-for": "X-Forwarded-For",
    "x-forwarded-port": "X-Forwarded-Port",
    "x-forwarded-proto": "X-Forwarded-Proto",
}


@dataclass(frozen=True)
class ProxyRoute:
    """Where a request came in, for the 1.0 event."""

    resource_path: str  # "/pets/{id}", or the HTTP API route's path
    resource_id: str
    stage: str
    api_id: str
    account: str
    domain_name: str
    request_id: str
    deployment_id: str
    path_parameters: dict[str, str] | None
    stage_variables: dict[str, str] | None
    stage_in_path: bool = True  # requestContext.path starts with the stage (REST)
    version: str | None = None  # "1.0" for HTTP APIs, which say so in the event
    authorizer: dict[str, Any] | None = None  # what a Lambda authorizer allowed


def _identity(request: HttpRequest) -> dict[str, Any]:
    return {
        "cognitoIdentityPoolId": None,
        "accountId": None,
        "cognitoIdentityId": None,
        "caller": None,
        "accessKey": None,
        "sourceIp": request.source_ip,
        "principalOrgId": None,
        "cognitoAuthenticationType": None,
        "cognitoAuthenticationProvider": None,
        "userArn": None,
        "userAgent": request.header("user-agent"),
        "user": None,
    }


def event_v1(request: HttpRequest, route: ProxyRoute) -> dict[str, Any]:
    """The event a Lambda proxy integration sends, key by key in AWS's order."""
    multi = request.grouped_headers(lower=False)
    present = {name.lower() for name in multi}
    for name, values in forwarded_headers(request).items():
        if name not in present:
            multi[FORWARDED_NAMES[name]] = values
    query = request.query_values()
    path = unquote(request.path)
    event: dict[str, Any] = {"version": route.version} if route.version else {}
    event.update(
        {
            "resource": route.resource_path,
            "path": path,
            "httpMethod": request.method,
            "headers": {k: v[-1] for k, v in multi.items()} or None,
            "multiValueHeaders": multi or None,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": route.path_parameters or None,
            "stageVariables": route.stage_variables or None,
        }
    )
    event["requestContext"] = {
        "accountId": route.account,
        "resourceId": route.resource_id,
        "stage": route.stage,
        "requestId": route.request_id,
        "extendedRequestId": route.request_id,
        "requestTime": request_time(request.received_ms),
        "requestTimeEpoch": request.received_ms,
        "identity": _identity(request),
        "path": f"/{route.stage}{path}" if route.stage_in_path else path,
        "resourcePath": route.resource_path,
        "httpMethod": request.method,
        "apiId": route.api_id,
        "protocol": request.protocol,
        "domainName": route.domain_name,
        "domainPrefix": route.api_id,
        "deploymentId": route.deployment_id,
    }
    if route.authorizer is not None:
        event["requestContext"]["authorizer"] = route.authorizer
    body, encoded = body_field(request)
    event["body"] = body
    event["isBase64Encoded"] = encoded
    return event


def answer_v1(payload: bytes) -> HttpAnswer:
    """The HTTP answer for a proxy result; MalformedResponse when AWS would answer 502."""
    try:
        result = json.loads(payload or b"null")
    except ValueError as error:
        raise MalformedResponse(str(error)) from None
    if not isinstance(result, dict) or set(result) - PROXY_RESULT_KEYS:
        raise MalformedResponse("not an object with only the proxy result's keys")
    status = result.get("statusCode", 200)
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedResponse("body must be a string")
    headers = result.get("headers") or {}
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(headers, dict) or not isinstance(multi, dict):
        raise MalformedResponse("headers must be objects")
    pairs = [(str(k), str(v)) for k, v in headers.items()]
    pairs += [(str(k), str(v)) for k, values in multi.items() for v in _as_list(values)]
    data = (body or "").encode()
    if result.get("isBase64Encoded") is True and body:
        try:
            data = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponse("body is not valid base64") from None
    return HttpAnswer(status, pairs, data)


def _as_list(values: Any) -> list[Any]:
    return values if isinstance(values, list) else [values]
