"""A function's asynchronous invocation settings, replaced and updated as on AWS.

moto appended every ``PutFunctionEventInvokeConfig`` to a list and read only the first, so a
second Put changed nothing that ``Get`` or the asynchronous invoker saw; ``Update`` was a Put
that dropped the settings it did not name, and made a config where there was none. On AWS, Put
replaces the whole configuration, Update changes only the settings it names (404 when the
function has none yet).
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.exceptions import UnknownEventConfig
from moto.awslambda.models import EventInvokeConfig, LambdaBackend


def install() -> None:
    def put(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
        function = self.get_function(function_name)
        settings = EventInvokeConfig(function.function_arn, function.last_modified, config)
        function.event_invoke_config = [settings]
        return dict(settings.response())

    def update(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
        function = self.get_function(function_name)
        if not function.event_invoke_config:
            raise UnknownEventConfig(function.function_arn)
        merged = {**function.event_invoke_config[0].config, **config}
        return put(self, function_name, merged)

    LambdaBackend.put_function_event_invoke_config = put  # type: ignore[method-assign]
    LambdaBackend.update_function_event_invoke_config = update  # type: ignore[method-assign]
