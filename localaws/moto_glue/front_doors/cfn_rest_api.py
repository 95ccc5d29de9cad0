"""CloudFormation's ``AWS::ApiGateway::RestApi`` with an OpenAPI ``Body``.

moto's CloudFormation creates the API from ``Name`` alone and drops ``Body``; AWS builds the
API's resources, methods and integrations from it (and takes the name from its
``info.title`` when ``Name`` is absent). Here the body goes through moto's own OpenAPI import
(``put_rest_api``, OpenAPI 3), with AWS's ``x-amazon-apigateway-any-method`` read as ``ANY``.
A Swagger 2.0 body (what the SAM transform writes for ``Api`` events) is read the same way:
moto refuses Swagger but reads only paths, methods, responses and integrations, which are
written alike in both versions.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from moto.apigateway.models import RestAPI, apigateway_backends

ANY_METHOD = "x-amazon-apigateway-any-method"
_original_create = RestAPI.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def openapi_document(body: Any) -> dict[str, Any]:
    """The ``Body`` as moto's imports read it: methods only, ``ANY`` for AWS's any-method,
    OpenAPI 3 for Swagger 2.0."""
    document = json.loads(body) if isinstance(body, str) else copy.deepcopy(body)
    if document.pop("swagger", None) is not None:
        document["openapi"] = "3.0.1"
    for path, methods in list((document.get("paths") or {}).items()):
        if isinstance(methods, dict) and ANY_METHOD in methods:
            methods["ANY"] = methods.pop(ANY_METHOD)
        document["paths"][path] = {
            k: v for k, v in (methods or {}).items() if k.upper() != "PARAMETERS"
        }
    return dict(document)


def _create(
    cls: Any,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    properties = cloudformation_json["Properties"]
    body = properties.get("Body")
    document = openapi_document(body) if body else None
    if document is not None and "Name" not in properties:
        properties["Name"] = str((document.get("info") or {}).get("title") or resource_name)
    api = _original_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )
    if document is not None:
        backend = apigateway_backends[account_id][region_name]
        backend.put_rest_api(api.id, document, fail_on_warnings=False, mode="overwrite")
    return api


def install() -> None:
    RestAPI.create_from_cloudformation_json = classmethod(_create)  # type: ignore[method-assign,assignment]
