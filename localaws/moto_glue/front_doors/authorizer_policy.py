"""A Lambda authorizer's answer: an IAM policy for ``execute-api:Invoke`` on method ARNs, or
(HTTP APIs with simple responses) ``isAuthorized``."""

from __future__ import annotations

import fnmatch
from typing import Any


class BadAuthorizerAnswer(ValueError):
    """The authorizer returned something API Gateway cannot use."""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_effect(answer: Any, method_arn: str) -> str:
    """``allow``, ``deny`` (an explicit Deny matches) or ``none`` (no Allow matches)."""
    if not isinstance(answer, dict) or "principalId" not in answer:
        raise BadAuthorizerAnswer("the answer has no principalId")
    document = answer.get("policyDocument")
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list | dict):
        raise BadAuthorizerAnswer("the answer has no policyDocument with a Statement")
    allowed = False
    for statement in _as_list(document["Statement"]):
        if not isinstance(statement, dict):
            raise BadAuthorizerAnswer("a Statement is not an object")
        actions = [str(a) for a in _as_list(statement.get("Action", ""))]
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions):
            continue
        resources = [str(r) for r in _as_list(statement.get("Resource", ""))]
        if not any(fnmatch.fnmatchcase(method_arn, r) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return "deny"
        allowed = allowed or statement.get("Effect") == "Allow"
    return "allow" if allowed else "none"


def context_of(answer: dict[str, Any]) -> dict[str, Any]:
    """The authorizer's ``context`` (string, number and boolean values only, as AWS keeps)."""
    context = answer.get("context") or {}
    if not isinstance(context, dict):
        raise BadAuthorizerAnswer("context is not an object")
    return {str(k): v for k, v in context.items() if isinstance(v, str | int | float | bool)}
