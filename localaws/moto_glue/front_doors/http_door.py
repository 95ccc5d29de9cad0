"""A request to an HTTP API (API Gateway v2) stage: the route, then a Lambda proxy
integration with payload 2.0 or 1.0, or an ``HTTP_PROXY`` to this machine.

As on AWS: routes are ``METHOD /path`` or ``ANY /path`` (with ``{param}`` and a greedy
``{proxy+}``), then ``$default``; no route 404 ``{"message":"Not Found"}``; a preflight is
answered from the API's CORS configuration; a function error, a malformed result or no
permission for API Gateway 500 ``{"message":"Internal Server Error"}``; the integration's
timeout (30 s unless set) 503. Every stage serves the API's routes as they are now (as with
``AutoDeploy``).
"""

from __future__ import annotations

import logging
from typing import Any

from localaws.moto_glue.front_doors import auth_steps, cors
from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest
from localaws.moto_glue.front_doors.http_proxy import NotLoopback, ProxyTarget, proxy_target
from localaws.moto_glue.front_doors.invoker import Target
from localaws.moto_glue.front_doors.lambda_target import (
    IntegrationFailure,
    lambda_target,
    source_arn,
)
from localaws.moto_glue.front_doors.payload_v1 import ProxyRoute
from localaws.moto_glue.front_doors.payload_v2 import RouteInfo
from localaws.moto_glue.front_doors.routing import best_match

log = logging.getLogger("localaws")


def not_found(request_id: str) -> HttpAnswer:
    return HttpAnswer.json(404, {"message": "Not Found"}, ("apigw-requestid", request_id))


def internal_error(request_id: str) -> HttpAnswer:
    return HttpAnswer.json(
        500, {"message": "Internal Server Error"}, ("apigw-requestid", request_id)
    )


def unavailable(request_id: str) -> HttpAnswer:
    return HttpAnswer.json(503, {"message": "Service Unavailable"}, ("apigw-requestid", request_id))


def split_stage(api: Any, path: str) -> tuple[str, str] | None:
    """(stage, path behind it): a named stage first in the path, else ``$default``."""
    parts = path.split("/", 2)
    if len(parts) > 1 and parts[1] and parts[1] != "$default" and parts[1] in api.stages:
        return parts[1], "/" + (parts[2] if len(parts) > 2 else "")
    if "$default" in api.stages:
        return "$default", path
    return None


def _route(api: Any, request: HttpRequest) -> tuple[Any, dict[str, str]] | None:
    candidates = []
    for route in api.routes.values():
        method, _, template = str(route.route_key).partition(" ")
        if template and method in (request.method, "ANY"):
            exact = 1 if method == request.method else 0
            candidates.append((template, (exact, route)))
    matched = best_match(candidates, request.path)
    if matched is not None:
        return matched[0][1], matched[1]
    default = [r for r in api.routes.values() if r.route_key == "$default"]
    return (default[0], {}) if default else None


def resolve_http(
    service: Any,
    found: tuple[Any, str, str],
    stage_name: str,
    request: HttpRequest,
    request_id: str,
    domain: str,
) -> Any:
    """Under the state lock: an answer already, a ProxyTarget, what to invoke (target, route,
    timeout), or any of these Guarded by the route's authorizer."""
    api, account, region = found
    config = api.cors_configuration
    if config and cors.is_preflight(config, request):
        return cors.preflight(config, request)
    stage = api.stages.get(stage_name)
    matched = _route(api, request) if stage is not None else None
    if matched is None:
        return not_found(request_id)
    route, params = matched
    integration = api.integrations.get(str(route.target or "").removeprefix("integrations/"))
    variables = dict(stage.stage_variables or {})
    key = str(route.route_key)
    info: RouteInfo | ProxyRoute
    if integration is not None and str(integration.payload_format_version) == "1.0":
        resource = key.partition(" ")[2] or "$default"
        info = ProxyRoute(
            resource, route.route_id, stage_name, api.api_id, account, domain, request_id,
            "", params or None, variables or None, stage_in_path=False, version="1.0",
        )  # fmt: skip
    else:
        info = RouteInfo(
            key, stage_name, api.api_id, account, domain, api.api_id, request_id,
            params or None, variables or None,
        )  # fmt: skip
    outcome = _integration(service, found, integration, info, key)
    authorizer = api.authorizers.get(route.authorizer_id or "")
    if route.authorization_type != "CUSTOM" or authorizer is None:
        return outcome
    step = auth_steps.http_step(service, api, authorizer, (account, region), request, info)
    return auth_steps.Guarded(step, outcome)


def _integration(
    service: Any,
    found: tuple[Any, str, str],
    integration: Any,
    info: RouteInfo | ProxyRoute,
    key: str,
) -> HttpAnswer | ProxyTarget | tuple[Target, RouteInfo | ProxyRoute, float]:
    api, account, region = found
    timeout = int(integration.timeout_in_millis or 30000) / 1000 if integration else 30.0
    kind = str(integration.integration_type or "").upper() if integration is not None else "no"
    if kind == "HTTP_PROXY":
        try:
            return proxy_target(integration.integration_uri, info.path_parameters or {}, timeout)
        except NotLoopback as error:
            log.warning("localaws: API %s: %s", api.api_id, error)
            return internal_error(info.request_id)
    if integration is None or kind != "AWS_PROXY":
        log.warning("localaws: %s integration for route %s does not run", kind, key)
        return internal_error(info.request_id)
    rest = key if key == "$default" else key.replace(" ", "", 1)
    arn = source_arn(region, account, api.api_id, info.stage, rest)
    try:
        target = lambda_target(
            service, integration.integration_uri, info.stage_variables or {}, arn
        )
    except IntegrationFailure as error:
        log.warning("localaws: API %s: %s", api.api_id, error)
        return internal_error(info.request_id)
    return target, info, timeout
