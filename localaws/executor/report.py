"""Lambda's own log lines, in AWS's exact text format (tabs, two decimals, trailing tab)."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timezone


def runtime_version_arn(runtime: str, interpreter_version: str, region: str) -> str:
    """The ARN of the runtime version that runs ``runtime`` here (one per interpreter)."""
    arn_hash = hashlib.sha256(f"{runtime}:{interpreter_version}".encode()).hexdigest()
    return f"arn:aws:lambda:{region}::runtime:{arn_hash}"


def as_logged(events: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Events as CloudWatch keeps them: Lambda's own lines end in a newline, as do the
    function's output lines (already); an error record is one event with no final newline."""
    return [
        (at, text if text.endswith("\n") or text.startswith("[ERROR]") else text + "\n")
        for at, text in events
    ]


def tail_text(init: list[tuple[int, str]], invocation: list[tuple[int, str]], kind: str) -> bytes:
    """The log ``LogType=Tail`` returns: the invocation's START..REPORT, without the init
    phase's lines (as on AWS) unless init failed or ran out of time, when what it printed
    belongs to this invocation."""
    init_counts = kind == "init-error" or any(m.startswith("INIT_REPORT") for _, m in init)
    chosen = [e for e in init if not e[1].startswith("INIT_START")] if init_counts else []
    lines = (text if text.endswith("\n") else text + "\n" for _, text in chosen + invocation)
    return "".join(lines).encode()


def init_start_line(runtime: str, interpreter_version: str, region: str) -> str:
    """``python:3.12.v<patch>`` for a Python runtime; ``provided:al2023.v1`` for a custom one
    (AWS's number counts its own releases of the OS runtime; localaws has one)."""
    family, _, release = runtime.partition(".") if runtime.startswith("provided") else ("", "", "")
    patch = interpreter_version.split(".")[2] if interpreter_version.count(".") >= 2 else "0"
    name = (
        f"{family}:{release}.v1" if family else f"python:{runtime.removeprefix('python')}.v{patch}"
    )
    return (
        f"INIT_START Runtime Version: {name}\t"
        f"Runtime Version ARN: {runtime_version_arn(runtime, interpreter_version, region)}"
    )


def init_timeout_line(init_ms: float) -> str:
    """Logged when the init phase passes its 10 s limit (init then goes on in the invocation)."""
    return f"INIT_REPORT Init Duration: {init_ms:.2f} ms\tPhase: init\tStatus: timeout"


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}"


def billed_ms(duration_ms: float, init_ms: float | None) -> int:
    """Duration rounded up to the next ms; a cold start's init is billed too."""
    return math.ceil(duration_ms + (init_ms or 0.0))


def report_line(
    request_id: str,
    duration_ms: float,
    memory_mb: int,
    max_memory_mb: float,
    init_ms: float | None = None,
    status: str | None = None,
) -> str:
    fields = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {billed_ms(duration_ms, init_ms)} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {math.ceil(max_memory_mb)} MB",
    ]
    if init_ms is not None:
        fields.append(f"Init Duration: {init_ms:.2f} ms")
    if status:
        fields.append(f"Status: {status}")
    return "\t".join(fields) + "\t"


def timestamp_text(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def timeout_line(epoch_ms: int, request_id: str, timeout_seconds: int) -> str:
    return (
        f"{timestamp_text(epoch_ms)} {request_id} "
        f"Task timed out after {timeout_seconds:.2f} seconds"
    )
