"""Downloadable ``Code.Location`` for functions and ``Content.Location`` for layers.

moto returns an address on AWS's S3 (function code) or just ``s3://`` (layers), which no client
can download from offline. AWS returns a presigned URL, valid for 10 minutes, that serves the
deployment package zip. Here the URL points at localaws itself
(``/_localaws/code/function/...`` and ``/_localaws/code/layer/...``) and needs no signature.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from moto.awslambda.models import LambdaFunction, LayerVersion, lambda_backends

CODE_PATH_PREFIX = "/_localaws/code/"

_original_get_code = LambdaFunction.get_code
_original_get_layer_version = LayerVersion.get_layer_version
_endpoint = ""


def function_code_url(function: Any) -> str:
    parts = (function.account_id, function.region, function.function_name, str(function.version))
    return f"{_endpoint}{CODE_PATH_PREFIX}function/" + "/".join(quote(p, safe="") for p in parts)


def layer_content_url(layer_version: Any) -> str:
    parts = (
        layer_version.account_id,
        layer_version.region,
        layer_version.name,
        str(layer_version.version),
    )
    return f"{_endpoint}{CODE_PATH_PREFIX}layer/" + "/".join(quote(p, safe="") for p in parts)


def _get_code(self: Any) -> dict[str, Any]:
    response: dict[str, Any] = _original_get_code(self)
    code = response.get("Code")
    if code and code.get("RepositoryType") == "S3":
        code["Location"] = function_code_url(self)
    return response


def _get_layer_version(self: Any) -> dict[str, Any]:
    response: dict[str, Any] = _original_get_layer_version(self)
    response["Content"]["Location"] = layer_content_url(self)
    return response


def install(endpoint: str) -> None:
    global _endpoint
    _endpoint = endpoint.rstrip("/")
    LambdaFunction.get_code = _get_code  # type: ignore[method-assign]
    LayerVersion.get_layer_version = _get_layer_version  # type: ignore[method-assign]


def find_package(path: str) -> bytes | None:
    """The zip a code URL path refers to, or None when there is no such function or layer."""
    parts = [unquote(p) for p in path[len(CODE_PATH_PREFIX) :].split("/")]
    if len(parts) != 5:
        return None
    kind, account, region, name, version = parts
    try:
        backend = lambda_backends[account][region]
        if kind == "function":
            qualifier = None if version == "$LATEST" else version
            return bytes(backend.get_function(name, qualifier).code_bytes)
        if kind == "layer":
            return bytes(backend.get_layer_version(name, version).code_bytes)
    except Exception:  # moto raises its own not-found types per resource
        return None
    return None
