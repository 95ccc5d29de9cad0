"""Who a function's resource-based policy lets in through a front door.

- A function URL with AuthType ``NONE``: the policy must allow the public principal (``*``)
  both ``lambda:InvokeFunctionUrl`` and ``lambda:InvokeFunction``, as AWS asks of function URLs
  created since October 2025 (conditions ``lambda:FunctionUrlAuthType`` = ``NONE`` and
  ``lambda:InvokedViaFunctionUrl`` = true are honoured when present).
- API Gateway: the policy must allow ``apigateway.amazonaws.com`` ``lambda:InvokeFunction``,
  for a ``SourceArn`` condition that matches the method's ``execute-api`` ARN when present.
"""

from __future__ import annotations

import fnmatch
from typing import Any

APIGATEWAY = "apigateway.amazonaws.com"


def _statements(function: Any) -> list[dict[str, Any]]:
    policy = getattr(function, "policy", None)
    return list(getattr(policy, "statements", None) or [])


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _allows_action(statement: dict[str, Any], action: str) -> bool:
    if statement.get("Effect", "Allow") != "Allow":
        return False
    return any(fnmatch.fnmatchcase(action, a) for a in _as_list(statement.get("Action", "")))


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal", "")
    if isinstance(principal, dict):
        return [p for values in principal.values() for p in _as_list(values)]
    return _as_list(principal)


def _conditions(statement: dict[str, Any]) -> dict[str, str]:
    """Condition keys (lower-cased) and their values, whatever the operator."""
    found: dict[str, str] = {}
    for clauses in (statement.get("Condition") or {}).values():
        if isinstance(clauses, dict):
            found.update({str(k).lower(): str(v) for k, v in clauses.items()})
    for key, name in (
        ("FunctionUrlAuthType", "lambda:functionurlauthtype"),
        ("InvokedViaFunctionUrl", "lambda:invokedviafunctionurl"),
    ):
        if key in statement:
            found[name] = str(statement[key])
    return found


def allows_public_url(function: Any) -> bool:
    """True when the policy lets anyone invoke the function through its URL (AuthType NONE)."""
    granted = set()
    for statement in _statements(function):
        if "*" not in _principals(statement):
            continue
        conditions = _conditions(statement)
        if conditions.get("lambda:functionurlauthtype", "NONE") != "NONE":
            continue
        if conditions.get("lambda:invokedviafunctionurl", "true").lower() != "true":
            continue
        for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"):
            if _allows_action(statement, action):
                granted.add(action)
    return len(granted) == 2


def allows_api_gateway(function: Any, source_arn: str) -> bool:
    """True when API Gateway may invoke the function for the method ``source_arn``."""
    for statement in _statements(function):
        if not _allows_action(statement, "lambda:InvokeFunction"):
            continue
        if not {APIGATEWAY, "*"} & set(_principals(statement)):
            continue
        pattern = _conditions(statement).get("aws:sourcearn")
        if pattern is None or fnmatch.fnmatchcase(source_arn, pattern):
            return True
    return False
