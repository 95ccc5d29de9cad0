"""API Gateway's ``TestInvokeMethod`` (the console's *Test* button), which moto does not serve.

The request described in the call (``pathWithQueryString``, ``body``, ``headers``,
``multiValueHeaders``, ``stageVariables``) goes through the method's integration exactly as a
request to a stage would, in the stage ``test-invoke-stage`` and without the method's
authorizer, as on AWS; the answer carries the status, body, headers, an execution log and the
latency.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import quote

from moto.apigateway.models import apigateway_backends

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest
from localaws.moto_glue.front_doors.lambda_target import find_api
from localaws.moto_glue.front_doors.payload_v1 import ProxyRoute
from localaws.moto_glue.front_doors.rest_door import integration_outcome
from localaws.moto_glue.front_doors.routing import match_template

TEST_STAGE = "test-invoke-stage"
PATH = re.compile(
    r"^/restapis/(?P<api>[^/]+)/resources/(?P<resource>[^/]+)/methods/(?P<method>[^/]+)/?$"
)


def is_test_invoke(environ: dict[str, Any]) -> bool:
    return environ.get("REQUEST_METHOD") == "POST" and bool(
        PATH.match(environ.get("PATH_INFO", ""))
    )


def _not_found(message: str) -> HttpAnswer:
    return HttpAnswer.json(404, {"message": message}, ("x-amzn-ErrorType", "NotFoundException"))


def _request(spec: dict[str, Any], method: str, resource_path: str) -> HttpRequest:
    path, _, query = str(spec.get("pathWithQueryString") or resource_path).partition("?")
    pairs = [(str(k), str(v)) for k, v in (spec.get("headers") or {}).items()]
    for name, values in (spec.get("multiValueHeaders") or {}).items():
        pairs += [(str(name), str(v)) for v in values if (str(name), str(v)) not in pairs]
    body = str(spec.get("body") or "").encode()
    return HttpRequest(
        method, quote(path, safe="/%"), query, tuple(pairs), body, "test-invoke-source-ip"
    )


def answer_test_invoke(
    service: InvocationService,
    reading: Callable[[], AbstractContextManager[Any]],
    environ: dict[str, Any],
    run: Callable[[Any, HttpRequest, str], HttpAnswer],
) -> HttpAnswer:
    """TestInvokeMethod's answer; ``run`` runs a resolved integration (api_door's)."""
    match = PATH.match(environ.get("PATH_INFO", ""))
    assert match is not None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        spec = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
    except ValueError:
        return HttpAnswer.json(400, {"message": "The request body is not JSON"})
    started = time.perf_counter()
    request_id = str(uuid.uuid4())
    with reading():
        found = find_api(apigateway_backends, match["api"])
        if found is None:
            return _not_found("Invalid API identifier specified")
        api, account, _ = found
        resource = api.resources.get(match["resource"])
        method = resource.resource_methods.get(match["method"]) if resource else None
        if resource is None or method is None:
            return _not_found("Invalid Method identifier specified")
        request = _request(spec, match["method"], resource.get_path())
        matched = match_template(resource.get_path(), request.path)
        variables = {str(k): str(v) for k, v in (spec.get("stageVariables") or {}).items()}
        route = ProxyRoute(
            resource.get_path(), resource.id, TEST_STAGE, api.id, account,
            "testPrefix.testDomainName", request_id, "test-invoke-deployment-id",
            matched[1] if matched else None, variables or None,
        )  # fmt: skip
        outcome = integration_outcome(service, found, method, route, request)
    answer = run(outcome, request, request_id)
    latency = int((time.perf_counter() - started) * 1000)
    headers: dict[str, list[str]] = {}
    for name, value in answer.headers:
        headers.setdefault(name, []).append(value)
    log = "\n".join([
        f"Execution log for request {request_id}",
        f"Starting execution for request: {request_id}",
        f"HTTP Method: {request.method}, Resource Path: {request.path}",
        f"Method request body before transformations: {request.body.decode(errors='replace')}",
        f"Method response body after transformations: {answer.body.decode(errors='replace')}",
        f"Method completed with status: {answer.status}",
    ])  # fmt: skip
    return HttpAnswer.json(200, {
        "status": answer.status,
        "body": answer.body.decode(errors="replace"),
        "headers": {k: v[-1] for k, v in headers.items()},
        "multiValueHeaders": headers,
        "log": log,
        "latency": latency,
    })  # fmt: skip
