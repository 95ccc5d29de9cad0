"""Function URL configurations in moto: the ``FunctionUrl`` localaws returns, checks at
create, and finding a URL's function.

moto returns ``https://<id>.lambda-url.<region>.on.aws`` (no trailing slash), which does not
resolve offline. Here ``FunctionUrl`` is localaws's path-style address for the same id, with
AWS's trailing slash, built when it is read (so it follows the server's port). moto accepts
any ``AuthType`` and ``InvokeMode``; AWS refuses an ``AuthType`` other than ``NONE`` or
``AWS_IAM``. ``InvokeMode: RESPONSE_STREAM`` is refused here with a message that says why:
localaws's Python runtime answers only once the handler has returned (on AWS, Python's managed
runtime cannot stream either).
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import FunctionUrlConfig, LambdaFunction, lambda_backends

from localaws.moto_glue.front_doors.addresses import function_url

AUTH_TYPES = ("NONE", "AWS_IAM")
INVOKE_MODES = ("BUFFERED", "RESPONSE_STREAM")
_original_to_dict = FunctionUrlConfig.to_dict
_original_create = LambdaFunction.create_url_config
_original_update = LambdaFunction.update_url_config
_endpoint = ""


class ValidationException(LambdaClientError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


class InvalidParameterValueException(LambdaClientError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterValueException", message)


def url_id(config: Any) -> str:
    """The URL's id: the first label of the host name moto made up."""
    return str(config.url).split("://", 1)[-1].split(".", 1)[0]


def _check(config: dict[str, Any]) -> None:
    auth = config.get("AuthType")
    if auth is not None and auth not in AUTH_TYPES:
        raise ValidationException(
            f"1 validation error detected: Value '{auth}' at 'authType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [NONE, AWS_IAM]"
        )
    mode = config.get("InvokeMode")
    if mode is not None and mode not in INVOKE_MODES:
        raise ValidationException(
            f"1 validation error detected: Value '{mode}' at 'invokeMode' failed to satisfy "
            "constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]"
        )
    if mode == "RESPONSE_STREAM":
        raise InvalidParameterValueException(
            "localaws does not support InvokeMode RESPONSE_STREAM: its functions answer once "
            "the handler returns. Use BUFFERED (the default); Python handlers on AWS answer "
            "that way too."
        )


def _to_dict(self: Any) -> dict[str, Any]:
    answer: dict[str, Any] = _original_to_dict(self)
    answer["FunctionUrl"] = function_url(_endpoint, url_id(self))
    answer["InvokeMode"] = self.config.get("InvokeMode") or "BUFFERED"
    return answer


def _create(self: Any, config: dict[str, Any]) -> Any:
    _check(config)
    return _original_create(self, config)


def _update(self: Any, config: dict[str, Any]) -> Any:
    _check(config)
    return _original_update(self, config)


def install(endpoint: str) -> None:
    global _endpoint
    _endpoint = endpoint.rstrip("/")
    FunctionUrlConfig.to_dict = _to_dict  # type: ignore[method-assign]
    LambdaFunction.create_url_config = _create  # type: ignore[method-assign]
    LambdaFunction.update_url_config = _update  # type: ignore[method-assign]


def find_url(wanted: str) -> Any | None:
    """The function URL config with this id, in any account and region (caller holds the
    state lock), or None."""
    for by_region in list(lambda_backends.values()):
        for backend in list(by_region.values()):
            for function in backend.list_functions():
                config = getattr(function, "url_config", None)
                if config is not None and url_id(config) == wanted:
                    return config
    return None
