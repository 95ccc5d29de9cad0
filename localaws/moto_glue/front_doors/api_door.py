"""A request to a REST or HTTP API: find the API, resolve under the lock, invoke, answer."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from moto.apigateway.models import apigateway_backends
from moto.apigatewayv2.models import apigatewayv2_backends

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors import cors, http_door, rest_door
from localaws.moto_glue.front_doors.addresses import DoorAddress
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest
from localaws.moto_glue.front_doors.http_proxy import ProxyTarget, forward
from localaws.moto_glue.front_doors.invoker import invoke
from localaws.moto_glue.front_doors.lambda_target import find_api
from localaws.moto_glue.front_doors.payload_v1 import ProxyRoute, answer_v1, event_v1
from localaws.moto_glue.front_doors.payload_v2 import MalformedResponse, answer_v2, event_v2


def _first_segment(path: str) -> tuple[str, str]:
    parts = path.split("/", 2)
    stage = parts[1] if len(parts) > 1 else ""
    return stage, "/" + (parts[2] if len(parts) > 2 else "")


def serve_api(
    service: InvocationService,
    reading: Callable[[], AbstractContextManager[Any]],
    address: DoorAddress,
    request: HttpRequest,
) -> HttpAnswer:
    """The answer to ``request`` at a REST or HTTP API's stage."""
    request_id = str(uuid.uuid4())
    domain = request.header("host") or ""
    cors_config = None
    with reading():
        found = find_api(apigateway_backends, address.door_id)
        if found is not None:
            is_rest = True
            stage, path = (
                (address.stage, request.path) if address.stage else _first_segment(request.path)
            )
            request = dataclasses.replace(request, path=path)
            resolved: Any = rest_door.resolve_rest(
                service, found, stage, request, request_id, domain
            )
        else:
            is_rest = False
            found = find_api(apigatewayv2_backends, address.door_id)
            if found is None:
                return http_door.not_found(request_id)
            cors_config = found[0].cors_configuration
            split = (
                (address.stage, request.path)
                if address.stage
                else http_door.split_stage(found[0], request.path)
            )
            if split is None:
                return http_door.not_found(request_id)
            request = dataclasses.replace(request, path=split[1])
            resolved = http_door.resolve_http(service, found, split[0], request, request_id, domain)
    if isinstance(resolved, ProxyTarget):
        forwarded = forward(request, resolved)
        if forwarded is None:
            timed_out = rest_door.timed_out if is_rest else http_door.unavailable
            return timed_out(request_id)
        resolved = forwarded
    if isinstance(resolved, HttpAnswer):
        cors.apply(cors_config, request, resolved)
        return resolved
    target, route, timeout = resolved
    is_v1 = isinstance(route, ProxyRoute)
    event = event_v1(request, route) if is_v1 else event_v2(request, route)
    outcome = invoke(service, target, event, str(uuid.uuid4()), timeout)
    answer = _answer(outcome, is_rest, is_v1, request_id)
    cors.apply(cors_config, request, answer)
    return answer


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
