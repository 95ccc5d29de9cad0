"""Layers that carry Lambda extensions are refused when a function is given them.

An external extension is an executable in a layer's ``extensions/`` folder: on AWS Lambda
starts it beside the runtime and it follows the Extensions API (register, then INVOKE and
SHUTDOWN events). localaws does not run extensions, so a function with such a layer would
behave differently from AWS without a word. CreateFunction and UpdateFunctionConfiguration
answer ``InvalidParameterValueException`` instead, naming the layer and what to do.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from moto.awslambda.exceptions import InvalidParameterValueException
from moto.awslambda.models import LambdaFunction, lambda_backends

MESSAGE = (
    "localaws does not run Lambda extensions, and layer {arn} has an extensions/ folder. "
    "Remove that layer to test the function offline (its extension will not run), or test "
    "it with the extension on AWS."
)


def has_extensions(package: bytes) -> bool:
    """Whether a layer's zip holds anything under ``extensions/`` (where Lambda finds them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            return any(name.startswith("extensions/") for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


def _checked(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_layers_data(self: LambdaFunction, layers_versions_arns: list[str]) -> Any:
        data = original(self, layers_versions_arns)
        backend = lambda_backends[self.account_id][self.region]
        for arn in layers_versions_arns:
            layer = backend.layers_versions_by_arn(arn)
            if layer is not None and has_extensions(bytes(layer.code_bytes)):
                raise InvalidParameterValueException(MESSAGE.format(arn=arn))
        return data

    get_layers_data.localaws_extensions = True  # type: ignore[attr-defined]
    return get_layers_data


def install() -> None:
    """Patch moto (once)."""
    if not getattr(LambdaFunction._get_layers_data, "localaws_extensions", False):
        LambdaFunction._get_layers_data = _checked(LambdaFunction._get_layers_data)  # type: ignore[method-assign]
