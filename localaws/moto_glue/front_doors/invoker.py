"""Running a function for a front door: one ordinary invocation through the executor, so it
logs and counts like any other (START/END/REPORT, AWS/Lambda metrics)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from localaws.executor.config import FunctionConfig
from localaws.executor.packages import BadPackageError
from localaws.executor.pool import ExecutorStopped, Throttled
from localaws.executor.runtimes import UnsupportedRuntimeError
from localaws.executor.service import InvocationService, InvokeResult


@dataclass(frozen=True)
class Target:
    """A function version to run, read under the state lock."""

    config: FunctionConfig
    generation: int  # the state's, when the config was read


@dataclass(frozen=True)
class Outcome:
    """``kind``: ok, error (the function failed), throttled, timeout (the integration's,
    not the function's), unavailable (localaws stopping, bad package or runtime)."""

    kind: str
    payload: bytes = b""
    request_id: str = ""


def _run(service: InvocationService, target: Target, event: bytes, request_id: str) -> Outcome:
    try:
        result: InvokeResult = service.invoke(
            target.config, event, request_id=request_id, generation=target.generation
        )
    except Throttled:
        return Outcome("throttled", request_id=request_id)
    except (ExecutorStopped, BadPackageError, UnsupportedRuntimeError):
        return Outcome("unavailable", request_id=request_id)
    kind = "error" if result.function_error else "ok"
    return Outcome(kind, result.payload, result.request_id)


def invoke(
    service: InvocationService,
    target: Target,
    event: dict[str, Any],
    request_id: str,
    timeout_seconds: float | None = None,
) -> Outcome:
    """Run ``event``; with ``timeout_seconds`` shorter than the function's own timeout, give
    up waiting after it (``timeout``) while the invocation runs on, as on AWS."""
    payload = json.dumps(event).encode()
    if timeout_seconds is None or timeout_seconds >= target.config.timeout_seconds:
        return _run(service, target, payload, request_id)
    box: list[Outcome] = []
    worker = threading.Thread(
        target=lambda: box.append(_run(service, target, payload, request_id)),
        name="front-door-invoke",
        daemon=True,
    )
    worker.start()
    worker.join(timeout_seconds)
    return box[0] if box else Outcome("timeout", request_id=request_id)
