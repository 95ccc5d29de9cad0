"""Which authorizer guards a REST method or an HTTP API route, and the event it gets
(read under the state lock; ``authorizers`` runs it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors.authorizers import AuthStep
from localaws.moto_glue.front_doors.http import HttpRequest
from localaws.moto_glue.front_doors.lambda_target import IntegrationFailure, lambda_target
from localaws.moto_glue.front_doors.payload_v1 import ProxyRoute, event_v1
from localaws.moto_glue.front_doors.payload_v2 import RouteInfo, event_v2

REST_DEFAULT_TTL = 300
TOKEN_SOURCE = "method.request.header.Authorization"


@dataclass(frozen=True)
class Guarded:
    """An integration to run once the authorizer allows the request."""

    step: AuthStep
    then: Any  # what the integration resolved to (see api_door)


def _identity(source: str, request: HttpRequest, variables: dict[str, str]) -> str | None:
    """One identity source's value (``method.request.header.X``, ``$request.querystring.q``,
    ``stageVariables.s``...), or None when the request lacks it."""
    name = source.strip().lstrip("$")
    for prefix in ("method.request.header.", "request.header."):
        if name.startswith(prefix):
            return request.header(name[len(prefix) :])
    for prefix in ("method.request.querystring.", "request.querystring."):
        if name.startswith(prefix):
            values = request.query_values().get(name[len(prefix) :])
            return ",".join(values) if values else None
    if name.startswith("stageVariables."):
        return variables.get(name.split(".", 1)[1])
    return None


def _function(service: InvocationService, uri: str, variables: dict[str, str], arn: str) -> Any:
    try:
        return lambda_target(service, uri, variables, arn)
    except IntegrationFailure:
        return None  # API Gateway may not invoke it: 500


def rest_step(
    service: InvocationService,
    api: Any,
    authorizer: Any,
    account_region: tuple[str, str],
    request: HttpRequest,
    route: ProxyRoute,
) -> AuthStep:
    """The step for a REST method whose authorization type is CUSTOM."""
    account, region = account_region
    variables = route.stage_variables or {}
    method_arn = (
        f"arn:aws:execute-api:{region}:{account}:{api.id}/{route.stage}/{request.method}"
        f"{request.path}"
    )
    source_arn = f"arn:aws:execute-api:{region}:{account}:{api.id}/authorizers/{authorizer.id}"
    target = _function(service, authorizer.authorizer_uri, variables, source_arn)
    ttl = (
        REST_DEFAULT_TTL
        if authorizer.authorizer_result_ttl is None
        else int(authorizer.authorizer_result_ttl)
    )
    if authorizer.type == "TOKEN":
        token = _identity(authorizer.identity_source or TOKEN_SOURCE, request, variables)
        event: dict[str, Any] = {
            "type": "TOKEN",
            "authorizationToken": token,
            "methodArn": method_arn,
        }
        key: tuple[str, ...] | None = None if not token else (authorizer.id, token)
        return AuthStep(target, key, ttl, event, method_arn, True, False)
    sources = [s for s in str(authorizer.identity_source or "").split(",") if s.strip()]
    values = [_identity(source, request, variables) for source in sources]
    full = event_v1(request, route)
    event = {"type": "REQUEST", "methodArn": method_arn}
    event.update({k: v for k, v in full.items() if k not in ("body", "isBase64Encoded")})
    key, ttl = _cache_key(authorizer.id, values, ttl)
    return AuthStep(target, key, ttl, event, method_arn, True, False)


def _cache_key(
    authorizer_id: str, values: list[str | None], ttl: int
) -> tuple[tuple[str, ...] | None, int]:
    """(the key answers are cached by, or None when an identity source is missing; the TTL,
    0 when there is no identity to cache by)."""
    if any(value is None for value in values):
        return None, ttl
    if not values:
        return (authorizer_id, str(uuid.uuid4())), 0
    return (authorizer_id, *[str(v) for v in values]), ttl


def http_step(
    service: InvocationService,
    api: Any,
    authorizer: Any,
    account_region: tuple[str, str],
    request: HttpRequest,
    route: RouteInfo | ProxyRoute,
) -> AuthStep:
    """The step for an HTTP API route whose authorization type is CUSTOM."""
    account, region = account_region
    variables = route.stage_variables or {}
    stage = route.stage
    route_arn = (
        f"arn:aws:execute-api:{region}:{account}:{api.api_id}/{stage}/"
        f"{request.method}{request.path}"
    )
    source_arn = f"arn:aws:execute-api:{region}:{account}:{api.api_id}/authorizers/{authorizer.id}"
    target = _function(service, authorizer.authorizer_uri, variables, source_arn)
    ttl = int(authorizer.auth_result_ttl or 0)
    sources = list(authorizer.identity_source or [])
    if isinstance(authorizer.identity_source, str):
        sources = [s for s in authorizer.identity_source.split(",") if s.strip()]
    values = [_identity(source, request, variables) for source in sources]
    version = str(authorizer.auth_payload_format_version or "2.0")
    if version == "2.0":
        info = route if isinstance(route, RouteInfo) else _as_route_info(route, request)
        event: dict[str, Any] = {
            "version": "2.0", "type": "REQUEST", "routeArn": route_arn,
            "identitySource": [str(v) for v in values if v is not None],
        }  # fmt: skip
        skipped = ("version", "body", "isBase64Encoded")
        event.update({k: v for k, v in event_v2(request, info).items() if k not in skipped})
    else:
        event = {"version": "1.0", "type": "REQUEST", "methodArn": route_arn,
                 "identitySource": ",".join(str(v) for v in values if v is not None)}  # fmt: skip
    key, ttl = _cache_key(authorizer.id, values, ttl)
    simple = bool(authorizer.enable_simple_response) and version == "2.0"
    return AuthStep(target, key, ttl, event, route_arn, False, simple)


def _as_route_info(route: ProxyRoute, request: HttpRequest) -> RouteInfo:
    """A 2.0 view of a route whose integration takes payload 1.0 (for its authorizer)."""
    return RouteInfo(
        f"{request.method} {route.resource_path}", route.stage, route.api_id, route.account,
        route.domain_name, route.api_id, route.request_id, route.path_parameters,
        route.stage_variables,
    )  # fmt: skip
