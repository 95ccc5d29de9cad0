"""Lambda authorizers: REST ``TOKEN`` and ``REQUEST`` authorizers, and HTTP API Lambda
authorizers (simple responses or IAM policies), with results cached by their identity for the
authorizer's TTL.

As on AWS: an identity source missing from the request 401 ``{"message":"Unauthorized"}``
(the authorizer does not run); the authorizer failing with the message ``Unauthorized`` 401;
an explicit Deny 403 (``User is not authorized to access this resource with an explicit
deny``), no matching Allow 403; ``isAuthorized: false`` 403 ``{"message":"Forbidden"}``;
anything else that goes wrong (no permission to invoke it, a malformed answer) 500. REST
authorizers' ``identityValidationExpression`` is not applied (moto does not keep it).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from localaws.executor.service import InvocationService
from localaws.moto_glue.front_doors.authorizer_policy import (
    BadAuthorizerAnswer,
    context_of,
    policy_effect,
)
from localaws.moto_glue.front_doors.http import HttpAnswer
from localaws.moto_glue.front_doors.invoker import Target, invoke

AUTHORIZER_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class AuthStep:
    """An authorizer to run before the integration, resolved under the state lock."""

    target: Target | None  # None: API Gateway may not invoke it (500)
    cache_key: tuple[str, ...] | None  # None: an identity source is missing (401)
    ttl_seconds: int
    event: dict[str, Any]
    method_arn: str
    is_rest: bool
    simple: bool  # HTTP API simple responses: {"isAuthorized": ..., "context": ...}


@dataclass
class Allowed:
    """What the integration's event carries of the authorizer's answer."""

    principal_id: str | None
    context: dict[str, Any] = field(default_factory=dict)


class AuthorizerCache:
    """Authorizer answers by identity, kept for their TTL."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Any | None:
        with self._lock:
            found = self._answers.get(key)
            if found is None or found[0] < time.monotonic():
                self._answers.pop(key, None)
                return None
            return found[1]

    def put(self, key: tuple[str, ...], ttl: int, answer: Any) -> None:
        if ttl > 0:
            with self._lock:
                self._answers[key] = (time.monotonic() + ttl, answer)


def _message(status: int, text: str, error_type: str, is_rest: bool) -> HttpAnswer:
    key = "Message" if status == 403 and is_rest else "message"
    return HttpAnswer.json(status, {key: text}, ("x-amzn-ErrorType", error_type))


def unauthorized(is_rest: bool) -> HttpAnswer:
    return _message(401, "Unauthorized", "UnauthorizedException", is_rest)


def configuration_error(is_rest: bool) -> HttpAnswer:
    if is_rest:
        return HttpAnswer.json(
            500, {"message": None}, ("x-amzn-ErrorType", "AuthorizerConfigurationException")
        )
    return HttpAnswer.json(500, {"message": "Internal Server Error"})


def _answer_of(service: InvocationService, step: AuthStep) -> Any:
    """The authorizer's answer; HttpAnswer when it failed."""
    assert step.target is not None
    outcome = invoke(
        service, step.target, step.event, str(uuid.uuid4()), AUTHORIZER_TIMEOUT_SECONDS
    )
    try:
        answer = json.loads(outcome.payload or b"null")
    except ValueError:
        return configuration_error(step.is_rest)
    if outcome.kind == "error":
        if isinstance(answer, dict) and answer.get("errorMessage") == "Unauthorized":
            return unauthorized(step.is_rest)
        return configuration_error(step.is_rest)
    if outcome.kind != "ok":
        return configuration_error(step.is_rest)
    return answer


def authorize(service: InvocationService, step: AuthStep, cache: AuthorizerCache) -> Any:
    """``Allowed`` when the request may go on; otherwise the HttpAnswer to send."""
    if step.cache_key is None:
        return unauthorized(step.is_rest)
    if step.target is None:
        return configuration_error(step.is_rest)
    answer = cache.get(step.cache_key)
    if answer is None:
        answer = _answer_of(service, step)
        if isinstance(answer, HttpAnswer):
            return answer
        cache.put(step.cache_key, step.ttl_seconds, answer)
    try:
        if step.simple:
            if not isinstance(answer, dict) or not isinstance(answer.get("isAuthorized"), bool):
                raise BadAuthorizerAnswer("a simple response needs isAuthorized: true or false")
            if not answer["isAuthorized"]:
                return _message(403, "Forbidden", "AccessDeniedException", False)
            return Allowed(None, context_of(answer))
        effect = policy_effect(answer, step.method_arn)
    except BadAuthorizerAnswer:
        return configuration_error(step.is_rest)
    if effect == "deny":
        text = "User is not authorized to access this resource with an explicit deny"
        return _message(403, text, "AccessDeniedException", step.is_rest)
    if effect == "none":
        text = "User is not authorized to access this resource"
        return _message(403, text, "AccessDeniedException", step.is_rest)
    return Allowed(str(answer["principalId"]), context_of(answer))
