"""A request to a REST API (API Gateway v1) stage: the resource and method, then a Lambda
proxy (``AWS_PROXY``, payload 1.0), ``HTTP_PROXY`` (to this machine) or ``MOCK`` integration.

A path matches the most specific resource that has the method (or ``ANY``). AWS's answers:
no such resource or method 403 ``{"message":"Missing Authentication Token"}``;
no such stage 403 ``{"message":"Forbidden"}``; API Gateway not allowed to invoke the function
500; function error or malformed proxy result 502; integration timeout (29 s unless set) 504.
moto keeps no snapshot per deployment: a stage serves the API's resources as they are now.
MOCK integrations answer with their integration response's static template (no VTL).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from localaws.moto_glue.front_doors import auth_steps
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest
from localaws.moto_glue.front_doors.http_proxy import NotLoopback, ProxyTarget, proxy_target
from localaws.moto_glue.front_doors.invoker import Outcome, Target
from localaws.moto_glue.front_doors.lambda_target import (
    IntegrationFailure,
    lambda_target,
    source_arn,
)
from localaws.moto_glue.front_doors.payload_v1 import ProxyRoute
from localaws.moto_glue.front_doors.routing import best_match

log = logging.getLogger("localaws")


def _error(status: int, message: str, error_type: str, request_id: str) -> HttpAnswer:
    return HttpAnswer.json(
        status,
        {"message": message},
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", error_type),
    )


def missing_token(request_id: str) -> HttpAnswer:
    return _error(
        403, "Missing Authentication Token", "MissingAuthenticationTokenException", request_id
    )


def internal_error(request_id: str) -> HttpAnswer:
    return _error(500, "Internal server error", "InternalServerErrorException", request_id)


def bad_gateway(request_id: str) -> HttpAnswer:
    return _error(502, "Internal server error", "InternalServerErrorException", request_id)


def timed_out(request_id: str) -> HttpAnswer:
    return _error(504, "Endpoint request timed out", "IntegrationTimeout", request_id)


def _mock_answer(integration: Any, request_id: str) -> HttpAnswer:
    """A MOCK integration: the status its request template gives, the matching integration
    response's template as the body, and its static header values."""
    template = (integration.request_templates or {}).get("application/json") or "{}"
    try:
        status = str(json.loads(template).get("statusCode", 200))
    except (ValueError, AttributeError):
        status = "200"
    responses = dict(integration.integration_responses or {})
    chosen = responses.get(status)
    if chosen is None:
        defaults = [r for r in responses.values() if not r.selection_pattern]
        chosen = defaults[0] if defaults else None
    if chosen is None:
        return internal_error(request_id)
    body = ((chosen.response_templates or {}).get("application/json") or "").encode()
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id)]
    for name, value in (chosen.response_parameters or {}).items():
        prefix = "method.response.header."
        if name.startswith(prefix) and str(value).startswith("'"):
            headers.append((name[len(prefix) :], str(value).strip("'")))
    return HttpAnswer(int(chosen.status_code), headers, body)


def resolve_rest(
    service: Any,
    found: tuple[Any, str, str],
    stage_name: str,
    request: HttpRequest,
    request_id: str,
    domain: str,
) -> Any:
    """Under the state lock: an answer already, a ProxyTarget, what to invoke (target, route,
    timeout), or any of these Guarded by the method's authorizer."""
    api, account, region = found
    if not stage_name:
        return missing_token(request_id)
    stage = api.stages.get(stage_name)
    if stage is None:
        return _error(403, "Forbidden", "ForbiddenException", request_id)
    resources = [
        (resource.get_path(), resource)
        for resource in api.resources.values()
        if {request.method, "ANY"} & set(resource.resource_methods)
    ]
    matched = best_match(resources, request.path)
    if matched is None:
        return missing_token(request_id)
    resource, params = matched
    method = resource.resource_methods.get(request.method) or resource.resource_methods["ANY"]
    variables = dict(stage.variables or {})
    route = ProxyRoute(
        resource.get_path(), resource.id, stage_name, api.id, account, domain, request_id,
        stage.deployment_id or "", params or None, variables or None,
    )  # fmt: skip
    outcome = integration_outcome(service, found, method, route, request)
    authorizer = api.authorizers.get(method.authorizer_id or "")
    if method.authorization_type != "CUSTOM" or authorizer is None:
        return outcome
    step = auth_steps.rest_step(service, api, authorizer, (account, region), request, route)
    return auth_steps.Guarded(step, outcome)


def integration_outcome(
    service: Any, found: tuple[Any, str, str], method: Any, route: ProxyRoute, request: HttpRequest
) -> HttpAnswer | ProxyTarget | tuple[Target, ProxyRoute, float]:
    """Under the state lock: the method's integration as an answer, a ProxyTarget, or the
    function to invoke (target, route, timeout)."""
    api, account, region = found
    integration = getattr(method, "method_integration", None)
    if integration is None:
        return internal_error(route.request_id)
    kind = str(integration.integration_type or "").upper()  # OpenAPI imports write "aws_proxy"
    if kind == "MOCK":
        return _mock_answer(integration, route.request_id)
    timeout = int(integration.timeout_in_millis or 29000) / 1000
    if kind == "HTTP_PROXY":
        try:
            return proxy_target(integration.uri, route.path_parameters or {}, timeout)
        except NotLoopback as error:
            log.warning("localaws: API %s: %s", api.id, error)
            return internal_error(route.request_id)
    if kind != "AWS_PROXY":
        log.warning("localaws: %s integrations do not run yet (API %s)", kind, api.id)
        return internal_error(route.request_id)
    rest = f"{request.method}{route.resource_path}"
    arn = source_arn(region, account, api.id, route.stage, rest)
    try:
        target = lambda_target(service, integration.uri, route.stage_variables or {}, arn)
    except IntegrationFailure as error:
        log.warning("localaws: API %s: %s", api.id, error)
        return internal_error(route.request_id)
    return target, route, timeout


def rest_answer(outcome: Outcome, request_id: str) -> HttpAnswer | None:
    """The answer for an invocation that did not succeed (None when it did)."""
    if outcome.kind == "timeout":
        return timed_out(request_id)
    if outcome.kind == "error":
        return bad_gateway(request_id)
    if outcome.kind != "ok":
        return internal_error(request_id)
    return None
