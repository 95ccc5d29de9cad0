"""The event layer's ``FunctionDirectory`` in moto: a function version and its settings."""

from __future__ import annotations

from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import lambda_backends

from localaws.events.ports import FunctionTarget
from localaws.executor.config import FunctionConfig
from localaws.moto_glue.dead_letter_config import dead_letter_target
from localaws.moto_glue.recursion_config import recursive_loop


def function_config(function: Any) -> FunctionConfig:
    """Read what the executor needs from moto's model (the caller holds the state lock)."""
    backend = lambda_backends[function.account_id][function.region]
    layer_arns = tuple(layer["Arn"] for layer in function.layers or [])
    layers = [backend.layers_versions_by_arn(arn) for arn in layer_arns]
    layer_zips = tuple(bytes(layer.code_bytes) for layer in layers if layer is not None)
    latest = backend.get_function(function.function_name)
    reserved = latest.reserved_concurrency
    return FunctionConfig(
        name=function.function_name,
        version=str(function.version),
        arn=function.function_arn,
        account=function.account_id,
        region=function.region,
        runtime=function.run_time or "",
        handler=function.handler or "",
        memory_mb=int(function.memory_size),
        timeout_seconds=int(function.timeout),
        ephemeral_mb=int(getattr(function, "ephemeral_storage", 512)),
        variables=tuple(sorted((function.environment_vars or {}).items())),
        code_sha=function.code_sha_256,
        layer_arns=layer_arns,
        reserved_concurrency=None if reserved is None else int(reserved),
        code_zip=bytes(function.code_bytes),
        layer_zips=layer_zips,
        log_group=str((getattr(function, "logging_settings", None) or {}).get("LogGroup", "")),
        tracing_active=(function.tracing_config or {}).get("Mode") == "Active",
    )


def function_target(function: Any) -> FunctionTarget:
    """What the event layer needs of moto's function model (caller holds the state lock)."""
    settings = dict(function.event_invoke_config[0].config) if function.event_invoke_config else {}
    return FunctionTarget(
        config=function_config(function),
        arn=str(function.function_arn),
        invoke_settings=settings,
        dead_letter_target=dead_letter_target(function),
        recursive_loop=recursive_loop(function),
    )


class MotoFunctionDirectory:
    """Functions in moto's Lambda backends."""

    def find(
        self, account: str, region: str, name: str, qualifier: str | None = None
    ) -> FunctionTarget | None:
        try:
            function = lambda_backends[account][region].get_function(name, qualifier)
        except LambdaClientError:  # no such function, version or alias
            return None
        return function_target(function)
