"""Telling reads from writes in an AWS API request, whatever the protocol."""

from __future__ import annotations

import re
from typing import Any

from localaws.moto_glue.protocol import action_name

#: Operations with these prefixes change nothing (ReceiveMessage and AssumeRole do, so they count
#: as writes, as do Invoke and every other operation).
READ_ACTION_PREFIXES = ("Get", "List", "Describe", "Head")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
#: Lambda's Invoke changes nothing in moto; the executor makes the invocation's own records
#: (log events, metrics) durable itself, so the request needs no commit of its own.
LAMBDA_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/[^/]+/invocations$")


def is_read_only(environ: dict[str, Any]) -> bool:
    """True when the request cannot change any state (so no commit is needed after it)."""
    if environ.get("REQUEST_METHOD", "GET") in READ_METHODS:
        return True
    if LAMBDA_INVOKE_PATH.match(environ.get("PATH_INFO", "")):
        return True
    action = action_name(environ)
    return action is not None and action.startswith(READ_ACTION_PREFIXES)
