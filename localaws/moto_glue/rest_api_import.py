"""``ImportRestApi`` with an OpenAPI document whose ``info`` has no ``description``.

The field is optional in OpenAPI, and AWS imports such a document as an API without a
description (as ``CreateRestApi`` without one). moto reads ``info.description`` regardless and
answered 500 (``KeyError``). Here moto imports the document with an empty description, which
validates exactly as an absent one (the schema asks only for a string), and the API then has
none.
"""

from __future__ import annotations

from typing import Any

from moto.apigateway.models import APIGatewayBackend

_original_import_rest_api = APIGatewayBackend.import_rest_api


def _import_rest_api(self: Any, api_doc: dict[str, Any], fail_on_warnings: bool) -> Any:
    info = api_doc.get("info")
    if not isinstance(info, dict) or "description" in info:
        return _original_import_rest_api(self, api_doc, fail_on_warnings)
    api: Any = _original_import_rest_api(
        self, {**api_doc, "info": {**info, "description": ""}}, fail_on_warnings
    )
    api.description = None
    return api


def install() -> None:
    APIGatewayBackend.import_rest_api = _import_rest_api  # type: ignore[method-assign]
