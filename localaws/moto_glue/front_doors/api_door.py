"""A request to a REST or HTTP API: find the API, resolve under the lock, run the
integration, answer, and count the request in ``AWS/ApiGateway``."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from moto.apigateway.models import apigateway_backends
from moto.apigatewayv2.models import apigatewayv2_backends

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors import cors, http_door, rest_door
from localaws.moto_glue.front_doors.addresses import DoorAddress
from localaws.moto_glue.front_doors.api_metrics import ApiMetrics, Measured
from localaws.moto_glue.front_doors.auth_steps import Guarded
from localaws.moto_glue.front_doors.authorizers import (
    Allowed,
    AuthorizerCache,
    authorize,
)
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest
from localaws.moto_glue.front_doors.http_proxy import ProxyTarget, forward
from localaws.moto_glue.front_doors.invoker import invoke
from localaws.moto_glue.front_doors.lambda_target import find_api
from localaws.moto_glue.front_doors.payload_v1 import ProxyRoute, answer_v1, event_v1
from localaws.moto_glue.front_doors.payload_v2 import MalformedResponse, answer_v2, event_v2


@dataclasses.dataclass
class Resolved:
    """What was found under the lock: the API, the stage, and an answer or what to run."""

    request: HttpRequest
    is_rest: bool
    found: tuple[Any, str, str] | None = None
    stage: str = ""
    cors_config: Any = None
    outcome: Any = None  # an HttpAnswer, a ProxyTarget, or (target, route, timeout)


def authorizer_context(allowed: Allowed, is_rest: bool) -> dict[str, Any]:
    """``requestContext.authorizer`` of the integration's event: REST's principal and context
    keys, HTTP APIs' ``{"lambda": context}``."""
    if is_rest:
        return {"principalId": allowed.principal_id, **allowed.context, "integrationLatency": 0}
    return {"lambda": allowed.context}


def _first_segment(path: str) -> tuple[str, str]:
    parts = path.split("/", 2)
    stage = parts[1] if len(parts) > 1 else ""
    return stage, "/" + (parts[2] if len(parts) > 2 else "")


def _resolve(
    service: InvocationService, address: DoorAddress, request: HttpRequest, request_id: str
) -> Resolved:
    domain = request.header("host") or ""
    found = find_api(apigateway_backends, address.door_id)
    if found is not None:
        stage, path = (
            (address.stage, request.path) if address.stage else _first_segment(request.path)
        )
        request = dataclasses.replace(request, path=path)
        rest = rest_door.resolve_rest(service, found, stage, request, request_id, domain)
        return Resolved(request, True, found, stage, None, rest)
    found = find_api(apigatewayv2_backends, address.door_id)
    if found is None:
        return Resolved(request, False, outcome=http_door.not_found(request_id))
    cors_config = found[0].cors_configuration
    split = (
        (address.stage, request.path)
        if address.stage
        else http_door.split_stage(found[0], request.path)
    )
    if split is None:
        return Resolved(request, False, found, "", cors_config, http_door.not_found(request_id))
    request = dataclasses.replace(request, path=split[1])
    outcome = http_door.resolve_http(service, found, split[0], request, request_id, domain)
    return Resolved(request, False, found, split[0], cors_config, outcome)


def serve_api(
    service: InvocationService,
    reading: Callable[[], AbstractContextManager[Any]],
    address: DoorAddress,
    request: HttpRequest,
    metrics: ApiMetrics | None = None,
    cache: AuthorizerCache | None = None,
) -> HttpAnswer:
    """The answer to ``request`` at a REST or HTTP API's stage."""
    started = time.perf_counter()
    request_id = str(uuid.uuid4())
    cache = cache if cache is not None else AuthorizerCache()
    with reading():
        resolved = _resolve(service, address, request, request_id)
    integration_started = time.perf_counter()
    answer = run_resolved(service, resolved, request_id, cache)
    cors.apply(resolved.cors_config, resolved.request, answer)
    if metrics is not None and resolved.found is not None and resolved.stage:
        api, account, region = resolved.found
        now = time.perf_counter()
        metrics.record(
            Measured(
                account, region, resolved.is_rest,
                str(api.name if resolved.is_rest else api.api_id), resolved.stage, answer.status,
                (now - started) * 1000, (now - integration_started) * 1000,
            )
        )  # fmt: skip
    return answer


def run_resolved(
    service: InvocationService, resolved: Resolved, request_id: str, cache: AuthorizerCache
) -> HttpAnswer:
    """Outside the lock: the authorizer if any, then the integration, as an HTTP answer."""
    outcome, is_rest, request = resolved.outcome, resolved.is_rest, resolved.request
    allowed = None
    if isinstance(outcome, Guarded):
        decision = authorize(service, outcome.step, cache)
        if isinstance(decision, HttpAnswer):
            decision.headers.append(
                ("x-amzn-RequestId" if is_rest else "apigw-requestid", request_id)
            )
            return decision
        outcome, allowed = outcome.then, decision
    if isinstance(outcome, ProxyTarget):
        forwarded = forward(request, outcome)
        if forwarded is None:
            return rest_door.timed_out(request_id) if is_rest else http_door.unavailable(request_id)
        return forwarded
    if isinstance(outcome, HttpAnswer):
        return outcome
    target, route, timeout = outcome
    if allowed is not None:
        route = dataclasses.replace(route, authorizer=authorizer_context(allowed, is_rest))
    is_v1 = isinstance(route, ProxyRoute)
    event = event_v1(request, route) if is_v1 else event_v2(request, route)
    ran = invoke(service, target, event, str(uuid.uuid4()), timeout)
    return _answer(ran, is_rest, is_v1, request_id)


def _answer(outcome: Any, is_rest: bool, is_v1: bool, request_id: str) -> HttpAnswer:
    if is_rest:
        failed = rest_door.rest_answer(outcome, request_id)
    elif outcome.kind == "timeout":
        failed = http_door.unavailable(request_id)
    else:
        failed = None if outcome.kind == "ok" else http_door.internal_error(request_id)
    if failed is not None:
        return failed
    try:
        answer = answer_v1(outcome.payload) if is_v1 else answer_v2(outcome.payload)
    except MalformedResponse:
        return (
            rest_door.bad_gateway(request_id) if is_rest else http_door.internal_error(request_id)
        )
    header = "x-amzn-RequestId" if is_rest else "apigw-requestid"
    answer.headers.append((header, request_id))
    return answer
