"""``AddPermission``'s function URL parameters become conditions, as AWS writes them.

moto copies ``FunctionUrlAuthType`` and ``InvokedViaFunctionUrl`` into the statement as they
are; AWS turns them into ``"Condition": {"StringEquals": {"lambda:FunctionUrlAuthType":
"NONE"}}`` and ``{"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}``, which is what
``GetPolicy`` shows and what ``permissions`` reads.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.policy import Policy

_original_condition_merge = Policy.condition_merge


def _condition_merge(self: Any, obj: dict[str, Any]) -> None:
    _original_condition_merge(self, obj)
    if "FunctionUrlAuthType" in obj:
        condition = obj.setdefault("Condition", {}).setdefault("StringEquals", {})
        condition["lambda:FunctionUrlAuthType"] = str(obj.pop("FunctionUrlAuthType"))
    if "InvokedViaFunctionUrl" in obj:
        value = obj.pop("InvokedViaFunctionUrl")
        if value is True or str(value).lower() == "true":
            condition = obj.setdefault("Condition", {}).setdefault("Bool", {})
            condition["lambda:InvokedViaFunctionUrl"] = "true"


def install() -> None:
    Policy.condition_merge = _condition_merge  # type: ignore[method-assign]
