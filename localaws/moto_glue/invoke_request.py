"""Invoke's request and answer as AWS handles them: the ``Qualifier``, the ARN as invoked, the
payload as bytes, and AWS's request id.

moto's Invoke reads a lower-case ``qualifier`` parameter while the API (boto3, the AWS CLI)
sends ``Qualifier``: a version or alias given that way ran ``$LATEST``, and an unknown alias
succeeded. Here the qualifier is read as sent, so moto resolves it (404 for an unknown one);
an alias with ``AdditionalVersionWeights`` sends each invocation to one of its versions by
weight; and the qualifier exactly as given is kept, for the handler's
``context.invoked_function_arn`` (``invoked_arn``).

moto decodes every request body as UTF-8 before it is routed, so a payload that is not UTF-8
failed inside moto (500); Invoke's body is kept as bytes here, and the executor's seam refuses
what is not JSON with AWS's 400 ``InvalidRequestContentException``.

An unknown function's 404 names ``:$LATEST``, as AWS's does, when no other version was asked for.

moto also gives every answer a random ``x-amzn-RequestId``. On AWS an invocation's request id
is the one the handler sees as ``context.aws_request_id`` and its START/END/REPORT lines name:
an answer that already names its request id keeps it.
"""

from __future__ import annotations

import random
import threading
from typing import Any
from urllib.parse import urlparse

import moto.core.responses
from moto.awslambda.exceptions import (
    InvalidParameterValueException,
    LambdaClientError,
    UnknownFunctionException,
)
from moto.awslambda.models import LambdaBackend
from moto.awslambda.responses import LambdaResponse

REQUEST_ID_HEADER = "x-amzn-requestid"
_given = threading.local()  # the qualifier of the Invoke call this thread is answering


def invoked_arn(function: Any) -> str | None:
    """The ARN the caller invoked ``function`` by, qualifier as given, during an Invoke call
    (None for invocations from elsewhere: a trigger invokes the function's own ARN)."""
    if not getattr(_given, "active", False):
        return None
    base = str(function.function_arn).split(":")[:7]  # arn:aws:lambda:region:account:function:name
    qualifier = _given.qualifier
    return ":".join(base + ([qualifier] if qualifier else []))


def _qualifier_as_given(function_name: str, qualifier: str | None) -> tuple[str, str | None]:
    """The function's name and the qualifier, from ``name``, ``name:q`` or an ARN (``:q``);
    AWS refuses a qualifier in the name that differs from ``Qualifier``."""
    parts = function_name.split(":")
    if function_name.startswith("arn:"):
        name, embedded = (
            (parts[6] if len(parts) > 6 else function_name),
            (parts[7] if len(parts) > 7 else None),
        )
    elif len(parts) == 2:
        name, embedded = parts[0], parts[1]
    else:
        name, embedded = function_name, None
    if embedded is not None and qualifier is not None and embedded != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier."
        )
    return name, embedded if embedded is not None else qualifier


def _by_weight(backend: Any, name: str, qualifier: str) -> str:
    """The version an alias with a routing configuration sends this invocation to (the
    qualifier itself when it is a version, or not an alias of an existing function)."""
    if qualifier == "$LATEST" or qualifier.isdigit():
        return qualifier
    try:
        alias = backend.get_alias(qualifier, name)
    except LambdaClientError:  # no such function or alias: moto answers that
        return qualifier
    routing = getattr(alias, "routing_config", None) or {}
    draw = random.random()
    for version, weight in (routing.get("AdditionalVersionWeights") or {}).items():
        draw -= float(weight)
        if draw < 0:
            return str(version)
    return str(alias.function_version)


def _unqualified_is_latest(error: UnknownFunctionException, given: str | None) -> Exception:
    """AWS names the version Invoke looked for: "Function not found: <arn>:$LATEST"."""
    message = str(error.message)
    if given not in (None, "$LATEST") or message.endswith(":$LATEST"):
        return error
    return UnknownFunctionException(message.removeprefix("Function not found: ") + ":$LATEST")


def install() -> None:
    original_setup = LambdaResponse.setup_class
    original_response = LambdaResponse.invoke
    original_backend = LambdaBackend.invoke
    original_request_id = moto.core.responses.gen_amzn_requestid_long

    def read_qualifier(self: Any) -> Any:
        sent = self.querystring.get("Qualifier")
        if sent and "qualifier" not in self.querystring:
            self.querystring["qualifier"] = sent
        return original_response(self)

    def invoke(
        self: Any,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> Any:
        name, given = _qualifier_as_given(function_name, qualifier)
        target, chosen = (name, _by_weight(self, name, given)) if given else (function_name, None)
        outer = getattr(_given, "active", False), getattr(_given, "qualifier", None)
        _given.active, _given.qualifier = True, given
        try:
            return original_backend(self, target, chosen, body, headers, response_headers)
        except UnknownFunctionException as error:
            raise _unqualified_is_latest(error, given) from None
        finally:
            _given.active, _given.qualifier = outer

    def keep_or_generate(headerdict: dict[str, Any] | None = None) -> str:
        if isinstance(headerdict, dict) and headerdict.get(REQUEST_ID_HEADER):
            return str(headerdict[REQUEST_ID_HEADER])
        return str(original_request_id(headerdict))

    def setup_class(
        self: Any, request: Any, full_url: str, headers: Any, use_raw_body: bool = False
    ) -> Any:
        invoking = urlparse(full_url).path.endswith("/invocations")
        return original_setup(self, request, full_url, headers, use_raw_body or invoking)

    LambdaResponse.setup_class = setup_class  # type: ignore[method-assign,assignment]
    LambdaResponse.invoke = read_qualifier  # type: ignore[method-assign]
    LambdaBackend.invoke = invoke  # type: ignore[method-assign]
    moto.core.responses.gen_amzn_requestid_long = keep_or_generate
