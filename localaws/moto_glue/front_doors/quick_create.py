"""HTTP API quick create: ``CreateApi`` with ``Target`` (and optionally ``RouteKey``).

moto ignores ``Target``. As on AWS, quick create adds an integration to the target (a Lambda
function ARN: ``AWS_PROXY`` with payload 2.0; a URL: ``HTTP_PROXY``), a route (``RouteKey``,
or the catch-all ``$default``) and a ``$default`` stage that deploys automatically. The
function's resource-based policy must still let API Gateway invoke it.
"""

from __future__ import annotations

import json
from typing import Any

from moto.apigatewayv2.responses import ApiGatewayV2Response

_original_create_api = ApiGatewayV2Response.create_api


def quick_create(api: Any, target: str, route_key: str | None) -> None:
    """The integration, route and stage quick create adds to a new HTTP API."""
    is_lambda = ":lambda:" in target or target.startswith("arn:")
    integration = api.create_integration(
        connection_type="INTERNET",
        description="",
        integration_method="POST" if is_lambda else "ANY",
        integration_type="AWS_PROXY" if is_lambda else "HTTP_PROXY",
        integration_uri=target,
        payload_format_version="2.0" if is_lambda else "1.0",
    )
    api.create_route(
        api_key_required=False,
        authorization_scopes=[],
        route_key=route_key or "$default",
        target=f"integrations/{integration.id}",
    )
    api.create_stage({"stageName": "$default", "autoDeploy": True})


def _create_api(self: Any) -> Any:
    status, headers, body = _original_create_api(self)
    params = json.loads(self.body or "{}")
    target = params.get("target")
    if target and params.get("protocolType") == "HTTP":
        api_id = json.loads(body)["apiId"]
        quick_create(self.apigatewayv2_backend.get_api(api_id), str(target), params.get("routeKey"))
    return status, headers, body


def install() -> None:
    ApiGatewayV2Response.create_api = _create_api  # type: ignore[method-assign]
