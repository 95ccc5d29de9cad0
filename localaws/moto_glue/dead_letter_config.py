"""Lambda functions keep their DeadLetterConfig.

moto accepts ``DeadLetterConfig`` on create and update but drops it: GetFunctionConfiguration
never shows it. AWS stores the target (an SQS queue or SNS topic) and sends events that fail
every asynchronous attempt there. This keeps it on the function and reports it; the
asynchronous invoker sends failed events to it.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaFunction

_original_init = LambdaFunction.__init__
_original_update = LambdaFunction.update_configuration
_original_get = LambdaFunction.get_configuration


def dead_letter_target(function: Any) -> str | None:
    target = (getattr(function, "dead_letter_config", None) or {}).get("TargetArn")
    return str(target) if target else None


def _init(self: Any, account_id: str, spec: dict[str, Any], region: str, version: Any = 1) -> None:
    _original_init(self, account_id, spec, region, version)
    self.dead_letter_config = spec.get("DeadLetterConfig") or {}


def _update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
    if "DeadLetterConfig" in config_updates:
        self.dead_letter_config = config_updates["DeadLetterConfig"] or {}
    result: dict[str, Any] = _original_update(self, config_updates)
    return result


def _get_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
    config: dict[str, Any] = _original_get(self, on_create)
    target = dead_letter_target(self)
    if target:
        config["DeadLetterConfig"] = {"TargetArn": target}
    return config


def install() -> None:
    LambdaFunction.__init__ = _init  # type: ignore[method-assign]
    LambdaFunction.update_configuration = _update_configuration  # type: ignore[method-assign]
    LambdaFunction.get_configuration = _get_configuration  # type: ignore[method-assign]
