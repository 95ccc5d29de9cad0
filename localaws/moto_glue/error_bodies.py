"""Lambda's error answers with AWS's body: ``Type`` and the message, as the API model names it.

moto answers every Lambda error (its ``description``) with ``{"__type": code, "message": text}``.
AWS sends ``{"Type": "User", "Message": text}`` (``"message"`` for the errors whose model
spells it so, such as ``InvalidRequestContentException``), and SDKs show those to the caller:
boto3's ``error.response["Type"]`` and ``["Message"]`` were missing. ``Type`` is ``Service``
for AWS's own failures (5xx). The code stays in the ``X-Amzn-ErrorType`` header.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from moto.awslambda.exceptions import LambdaClientError


@lru_cache(maxsize=64)
def message_member(code: str) -> str:
    """``Message`` or ``message``: how Lambda's API model names the error's message."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("lambda")
    try:
        members = model.shape_for(code).members
    except Exception:  # not an error of the model (moto's own): AWS's usual spelling
        return "Message"
    return "message" if "message" in members else "Message"


def body(code: str, message: str, status: int) -> str:
    kind = "Service" if status >= 500 else "User"
    return json.dumps({"Type": kind, message_member(code): message})


def install() -> None:
    original_init = LambdaClientError.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.description = body(str(self.error_type), str(self.message), int(self.code))

    LambdaClientError.__init__ = __init__  # type: ignore[method-assign]
