"""Helpers for the front-door tests: a handler that answers by path, HTTP with urllib, and
comparing an event with AWS's sample events key by key.

``tests/data/sam_events/*.json`` are AWS's sample events as SAM CLI ships them
(``sam local generate-event apigateway aws-proxy`` and ``... http-api-proxy``, SAM CLI 1.170.0).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

SAM_EVENTS = Path(__file__).resolve().parent / "data" / "sam_events"

#: Answers by the request's path: the event itself, or each of the answer shapes AWS maps.
ECHO_SOURCE = r"""
import base64, json, time

def lambda_handler(event, context):
    path = event.get("rawPath") or event.get("path") or ""
    if path.endswith("/string"):
        return "plain words"
    if path.endswith("/object"):
        return {"fruit": "apple", "count": 3}
    if path.endswith("/structured"):
        return {"statusCode": 201, "headers": {"x-custom": "yes", "content-type": "text/plain"},
                "cookies": ["a=1; Path=/", "b=2"], "body": "made"}
    if path.endswith("/binary"):
        return {"statusCode": 200, "headers": {"content-type": "application/octet-stream"},
                "body": base64.b64encode(bytes(range(256))).decode(), "isBase64Encoded": True}
    if path.endswith("/html"):
        return {"statusCode": 200, "headers": {"content-type": "text/html; charset=utf-8"},
                "body": "<html><head><title>Offline</title></head><body><h1 id='greeting'>"
                        "Hello from Lambda</h1><p>" + context.aws_request_id + "</p></body></html>"}
    if path.endswith("/error"):
        raise ValueError("broken on purpose")
    if path.endswith("/malformed"):
        return {"statusCode": 200, "body": {"not": "a string"}, "extra": 1}
    if path.endswith("/slow"):
        time.sleep(3)
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"event": event, "request_id": context.aws_request_id})}
"""


def http(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, bytes]:
    """(status, headers, body) with Python's urllib, errors included."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def echoed(body: bytes) -> dict[str, Any]:
    """The event the echo handler returned."""
    event: dict[str, Any] = json.loads(body)["event"]
    return event


def sam_event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAM_EVENTS / f"{name}.json").read_text())
    return loaded


#: Objects whose keys are the request's own (header names, parameters): types only.
FREE_FORM = {
    "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
    "pathParameters", "stageVariables", "claims",
}  # fmt: skip


def shape_differences(
    ours: Any, reference: Any, where: str = "event", optional: frozenset[str] = frozenset()
) -> list[str]:
    """Where ``ours`` differs from ``reference`` in keys or types (None matches anything
    in the reference, which uses null for absent values; keys in ``optional`` may be absent)."""
    if reference is None or (ours is None and where.rsplit(".", 1)[-1] in optional):
        return []
    if type(ours) is not type(reference):
        return [f"{where}: {type(ours).__name__} where AWS has {type(reference).__name__}"]
    if not isinstance(reference, dict):
        return []
    if where.rsplit(".", 1)[-1] in FREE_FORM:
        return [
            f"{where}.{key}: {type(value).__name__}"
            for key, value in ours.items()
            if not isinstance(value, (str, list))
        ]
    found = [f"{where}.{key}: missing" for key in reference if key not in ours
             and key not in optional]  # fmt: skip
    for key, value in reference.items():
        if key in ours:
            found += shape_differences(ours[key], value, f"{where}.{key}", optional)
    return found
