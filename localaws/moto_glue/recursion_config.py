"""Get/PutFunctionRecursionConfig, which moto does not serve.

AWS lets each function choose what happens when recursive-loop detection trips:
``Terminate`` (the default: drop the invocation) or ``Allow``. localaws stores the choice on
the function (in moto's default account) and the asynchronous invoker honours it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from moto.awslambda.models import lambda_backends

from localaws.config import DEFAULT_ACCOUNT_ID
from localaws.moto_glue.protocol import credential_scope

PATH = re.compile(r"^/2024-08-31/functions/(?P<name>[^/]+)/recursion-config$")
CHOICES = ("Allow", "Terminate")
StartResponse = Callable[..., Any]


def recursive_loop(function: Any) -> str:
    return str(getattr(function, "recursive_loop", "Terminate"))


def handles(environ: dict[str, Any]) -> bool:
    return bool(PATH.match(environ.get("PATH_INFO", "")))


def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if "__type" in body:
        headers.append(("X-Amzn-ErrorType", body["__type"]))
    start_response(status, headers)
    return [data]


def _function(environ: dict[str, Any]) -> Any:
    match = PATH.match(environ.get("PATH_INFO", ""))
    assert match is not None
    name = unquote(match["name"]).rsplit(":function:", 1)[-1]
    scope = credential_scope(environ)
    backend = lambda_backends[DEFAULT_ACCOUNT_ID][scope[0] if scope else "us-east-1"]
    try:
        return backend.get_function(name)
    except Exception:  # moto's own not-found error
        return None


def serve(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Answer GET or PUT; the caller holds the persistence lock in the right mode."""
    function = _function(environ)
    if function is None:
        body = {"__type": "ResourceNotFoundException", "message": "Function not found"}
        return _reply(start_response, "404 Not Found", body)
    if environ.get("REQUEST_METHOD") == "PUT":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        choice = json.loads(environ["wsgi.input"].read(length) or b"{}").get("RecursiveLoop")
        if choice not in CHOICES:
            body = {"__type": "ValidationException", "message": "RecursiveLoop: Allow|Terminate"}
            return _reply(start_response, "400 Bad Request", body)
        function.recursive_loop = choice
        return _reply(start_response, "200 OK", {"RecursiveLoop": choice})
    body = {"FunctionName": function.function_name, "RecursiveLoop": recursive_loop(function)}
    return _reply(start_response, "200 OK", body)
