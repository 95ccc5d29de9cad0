"""A function's asynchronous invocation settings, per qualifier and shaped as on AWS.

moto appended every ``PutFunctionEventInvokeConfig`` to a list and read only the first, so a
second Put changed nothing that ``Get`` or the asynchronous invoker saw; ``Update`` was a Put
that dropped the settings it did not name, and made a config where there was none; the
``Qualifier`` was ignored (every config was ``$LATEST``'s), the answer named the function
without ``:$LATEST`` and left out an empty ``DestinationConfig``. On AWS, Put replaces the
whole configuration, Update changes only the settings it names (404 when there is none yet),
each version and alias has its own, and the answer always carries ``DestinationConfig``.

A version's (or ``$LATEST``'s) config lives on moto's model of that version, where the
asynchronous invoker reads it; an alias's is kept beside the function's aliases. Difference
from AWS: an asynchronous invocation through an alias uses its version's settings.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from moto.awslambda.exceptions import LambdaClientError, UnknownEventConfig
from moto.awslambda.models import EventInvokeConfig, LambdaBackend
from moto.awslambda.responses import LambdaResponse

ALIAS_CONFIGS = "localaws_alias_event_invoke_configs"  # on the $LATEST model: alias -> config
Answer = tuple[int, dict[str, Any], str]


def _split(function_name: str, qualifier: str | None) -> tuple[str, str]:
    """The function's name or unqualified ARN, and the qualifier ($LATEST when none)."""
    parts = function_name.split(":")
    if function_name.startswith("arn:") and len(parts) > 7:
        return ":".join(parts[:7]), qualifier or parts[7]
    if not function_name.startswith("arn:") and len(parts) == 2:
        return parts[0], qualifier or parts[1]
    return function_name, qualifier or "$LATEST"


def _unqualified_arn(backend: Any, name: str) -> str:
    try:
        return str(backend.get_function(name).function_arn)
    except LambdaClientError:  # AWS names the config it looked for, function or not
        if name.startswith("arn:"):
            return name
        return f"arn:aws:lambda:{backend.region_name}:{backend.account_id}:function:{name}"


class _Slot:
    """Where one qualifier's config is kept, and its ARN."""

    def __init__(self, backend: Any, function_name: str, qualifier: str | None) -> None:
        name, self.qualifier = _split(function_name, qualifier)
        self.arn = f"{_unqualified_arn(backend, name)}:{self.qualifier}"
        latest = backend.get_function(name)  # 404 for an unknown function, as on AWS
        self.model = backend.get_function(name, self.qualifier)  # ... and for an unknown alias
        self.aliases: dict[str, Any] | None = None
        if self.qualifier != "$LATEST" and not self.qualifier.isdigit():
            if not hasattr(latest, ALIAS_CONFIGS):
                setattr(latest, ALIAS_CONFIGS, {})
            self.aliases = getattr(latest, ALIAS_CONFIGS)

    def get(self) -> Any | None:
        if self.aliases is not None:
            return self.aliases.get(self.qualifier)
        return self.model.event_invoke_config[0] if self.model.event_invoke_config else None

    def set(self, config: Any | None) -> None:
        if self.aliases is not None:
            if config is None:
                self.aliases.pop(self.qualifier, None)
            else:
                self.aliases[self.qualifier] = config
        else:
            self.model.event_invoke_config = [] if config is None else [config]


def shape(config: Any) -> dict[str, Any]:
    """A config as AWS answers it: ``DestinationConfig`` always, each side ``{}`` when unset."""
    answer = {"FunctionArn": config.arn, "LastModified": config.last_modified, **config.config}
    destinations = dict(answer.get("DestinationConfig") or {})
    answer["DestinationConfig"] = {
        "OnFailure": destinations.get("OnFailure") or {},
        "OnSuccess": destinations.get("OnSuccess") or {},
    }
    return answer


def _found(backend: Any, function_name: str, qualifier: str | None) -> tuple[_Slot, Any]:
    try:
        slot = _Slot(backend, function_name, qualifier)
    except LambdaClientError:
        name, given = _split(function_name, qualifier)
        raise UnknownEventConfig(f"{_unqualified_arn(backend, name)}:{given}") from None
    config = slot.get()
    if config is None:
        raise UnknownEventConfig(slot.arn)
    return slot, config


def put(backend: Any, function_name: str, qualifier: str | None, settings: dict[str, Any]) -> Any:
    slot = _Slot(backend, function_name, qualifier)
    config = EventInvokeConfig(slot.arn, slot.model.last_modified, settings)
    slot.set(config)
    return shape(config)


def update(
    backend: Any, function_name: str, qualifier: str | None, settings: dict[str, Any]
) -> Any:
    _, config = _found(backend, function_name, qualifier)
    return put(backend, function_name, qualifier, {**config.config, **settings})


def listed(backend: Any, function_name: str) -> list[dict[str, Any]]:
    """$LATEST's config, then each version's, then each alias's, as AWS lists them."""
    name, _ = _split(function_name, None)
    latest = backend.get_function(name)
    configs = [latest.event_invoke_config[:1]]
    for version in backend.list_versions_by_function(name)[1:]:
        configs.append(version.event_invoke_config[:1])
    configs.append(list(getattr(latest, ALIAS_CONFIGS, {}).values()))
    return [shape(config) for group in configs for config in group]


def install() -> None:
    def path_name(self: Any, depth: int = 2) -> str:
        return unquote(self.path.rsplit("/", depth)[1])

    def qualifier(self: Any) -> str | None:
        return self.querystring.get("Qualifier", [None])[0]

    def put_answer(self: Any) -> Answer:
        answer = put(self.backend, path_name(self), qualifier(self), self.json_body)
        return 200, {}, json.dumps(answer)

    def update_answer(self: Any) -> Answer:
        answer = update(self.backend, path_name(self), qualifier(self), self.json_body)
        return 200, {}, json.dumps(answer)

    def get_answer(self: Any) -> Answer:
        _, config = _found(self.backend, path_name(self), qualifier(self))
        return 200, {}, json.dumps(shape(config))

    def delete_answer(self: Any) -> Answer:
        slot, _ = _found(self.backend, path_name(self), qualifier(self))
        slot.set(None)
        return 204, {}, ""

    def list_answer(self: Any) -> Answer:
        configs = listed(self.backend, path_name(self, 3))
        return 200, {}, json.dumps({"FunctionEventInvokeConfigs": configs})

    def backend_put(self: Any, function_name: str, config: dict[str, Any]) -> Any:
        return put(self, function_name, None, config)

    def backend_update(self: Any, function_name: str, config: dict[str, Any]) -> Any:
        return update(self, function_name, None, config)

    LambdaBackend.put_function_event_invoke_config = backend_put  # type: ignore[method-assign]
    LambdaBackend.update_function_event_invoke_config = backend_update  # type: ignore[method-assign]
    LambdaResponse.put_function_event_invoke_config = put_answer  # type: ignore[method-assign,assignment]
    LambdaResponse.update_function_event_invoke_config = update_answer  # type: ignore[method-assign,assignment]
    LambdaResponse.get_function_event_invoke_config = get_answer  # type: ignore[method-assign,assignment]
    LambdaResponse.delete_function_event_invoke_config = delete_answer  # type: ignore[method-assign]
    LambdaResponse.list_function_event_invoke_configs = list_answer  # type: ignore[method-assign,assignment]
