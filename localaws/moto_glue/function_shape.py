"""A function's configuration as AWS sends it (GetFunction, CreateFunction, updates, ...).

moto sends ``Layers: []`` and null members AWS leaves out, drops an empty ``Environment`` AWS
keeps, and has no ``RevisionId``, ``LoggingConfig`` or ``RuntimeVersionConfig``; its
``State`` and ``LastUpdateStatus`` are always Active and Successful. Here they come from the
function's lifecycle (``function_states.py``) and the settings it was given.

``LoggingConfig.LogGroup`` is honoured (the function's logs go there); ``LogFormat: JSON`` is
kept but the logs stay in the text format (see the README's differences table).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from moto.awslambda.models import LambdaFunction

from localaws.executor.entrypoint import is_custom_runtime
from localaws.executor.report import runtime_version_arn
from localaws.executor.runtimes import UnsupportedRuntimeError, choose_interpreter
from localaws.moto_glue.function_states import lifecycle


def default_log_group(function: Any) -> str:
    return f"/aws/lambda/{function.function_name}"


def logging_config(function: Any) -> dict[str, str]:
    """The function's LoggingConfig, with AWS's defaults filled in."""
    config = {"LogFormat": "Text", "LogGroup": default_log_group(function)}
    config.update(getattr(function, "logging_settings", None) or {})
    if config["LogFormat"] == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    return config


@lru_cache(maxsize=64)
def _runtime_arn(runtime: str, region: str) -> str | None:
    if is_custom_runtime(runtime):  # its bootstrap is the function's own: one version here
        return runtime_version_arn(runtime, "", region)
    try:
        interpreter = choose_interpreter(runtime)
    except UnsupportedRuntimeError:
        return None
    return runtime_version_arn(runtime, interpreter.full_version, region)


def shaped(function: Any, config: dict[str, Any]) -> dict[str, Any]:
    """moto's configuration of ``function`` as AWS would send it."""
    status = lifecycle(function)
    shape = {key: value for key, value in config.items() if value is not None}
    for key in (
        "StateReason",
        "StateReasonCode",
        "LastUpdateStatus",
        "LastUpdateStatusReason",
        "LastUpdateStatusReasonCode",
    ):
        shape.pop(key, None)
    shape["State"] = status.state
    if status.state_reason:
        shape["StateReason"] = status.state_reason
        shape["StateReasonCode"] = status.state_reason_code
    if status.last_update:
        shape["LastUpdateStatus"] = status.last_update
    if status.last_update_reason:
        shape["LastUpdateStatusReason"] = status.last_update_reason
        shape["LastUpdateStatusReasonCode"] = status.last_update_reason_code
    shape["RevisionId"] = status.revision_id
    if not shape.get("Layers"):
        shape.pop("Layers", None)
    if "Environment" not in shape and getattr(function, "environment_given", False):
        shape["Environment"] = {"Variables": {}}
    shape["LoggingConfig"] = logging_config(function)
    arn = _runtime_arn(str(function.run_time or ""), str(function.region))
    if arn is not None:
        shape["RuntimeVersionConfig"] = {"RuntimeVersionArn": arn}
    return shape


def _get_configuration(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        return shaped(self, original(self, on_create))

    get_configuration.localaws_shape = True  # type: ignore[attr-defined]
    return get_configuration


def install() -> None:
    """Patch moto (once)."""
    if not getattr(LambdaFunction.get_configuration, "localaws_shape", False):
        LambdaFunction.get_configuration = _get_configuration(LambdaFunction.get_configuration)  # type: ignore[method-assign]
