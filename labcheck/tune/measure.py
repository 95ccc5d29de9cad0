"""One memory size: timed invocations, their REPORT lines, and the trimmed averages."""

from __future__ import annotations

import base64
import json
import statistics
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from labcheck.model.reports import parse_report
from labcheck.model.state import ReportLine
from labcheck.render.plot import cost_per_invocation
from labcheck.tune.strategy import Point

#: Power Tuning drops this share of the runs at each end (fastest and slowest) before averaging.
TRIM_FRACTION = 0.2
T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    """One invocation: its REPORT line (when the log tail had one) or what went wrong."""

    report: ReportLine | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.report is not None


def trimmed(
    values: Sequence[T], key: Callable[[T], float], fraction: float = TRIM_FRACTION
) -> list[T]:
    """``values`` sorted by ``key`` without the lowest and highest ``fraction`` (rounded down)."""
    ordered = sorted(values, key=key)
    drop = int(len(ordered) * fraction)
    return ordered[drop : len(ordered) - drop]


def _function_error(body: bytes) -> str:
    try:
        payload = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:200] or "the function failed"
    if isinstance(payload, dict) and "errorType" in payload:
        return f"{payload['errorType']}: {payload.get('errorMessage', '')}".strip()
    return str(payload)[:200]


def invoke(lam: Any, function: str, payload: bytes) -> Run:
    """Invoke synchronously with the log tail; a function error or a refused call is a failed
    run (connection errors propagate: there is nothing to measure)."""
    try:
        response = lam.invoke(
            FunctionName=function, InvocationType="RequestResponse", LogType="Tail", Payload=payload
        )
    except ClientError as error:
        details = error.response["Error"]
        return Run(None, f"{details.get('Code')}: {details.get('Message', '')}")
    tail = base64.b64decode(response.get("LogResult") or b"").decode("utf-8", "replace")
    report = next((r for r in map(parse_report, tail.splitlines()) if r is not None), None)
    body = response["Payload"].read()
    if response.get("FunctionError"):
        return Run(report, _function_error(body))
    if report is None:
        return Run(None, "no REPORT line in the log tail (LogType=Tail)")
    return Run(report)


@dataclass(frozen=True)
class SizeResult:
    """Every run at one memory size, and the averages over the trimmed successful ones."""

    memory_mb: int
    runs: tuple[Run, ...]
    architecture: str = "x86_64"

    @property
    def kept(self) -> list[ReportLine]:
        reports = [run.report for run in self.runs if run.ok and run.report is not None]
        return trimmed(reports, key=lambda report: report.duration_ms)

    @property
    def errors(self) -> list[str]:
        return [run.error for run in self.runs if run.error is not None]

    @property
    def all_failed(self) -> bool:
        return not any(run.ok for run in self.runs)

    def _mean(self, value: Callable[[ReportLine], float]) -> float | None:
        kept = self.kept
        return statistics.fmean(value(line) for line in kept) if kept else None

    @property
    def duration_ms(self) -> float | None:
        return self._mean(lambda line: line.duration_ms)

    @property
    def billed_ms(self) -> float | None:
        return self._mean(lambda line: line.billed_ms)

    @property
    def cost(self) -> float | None:
        """Average dollars per invocation at this function's architecture."""
        return self._mean(lambda line: cost_per_invocation(line, self.architecture))

    @property
    def max_memory_used_mb(self) -> int | None:
        used = [run.report.max_memory_mb for run in self.runs if run.ok and run.report]
        return max(used) if used else None

    def point(self) -> Point | None:
        duration, cost = self.duration_ms, self.cost
        if duration is None or cost is None:
            return None
        return Point(self.memory_mb, duration, cost)


def run_many(
    lam: Any,
    function: str,
    payload: bytes,
    count: int,
    parallel: int,
    on_run: Callable[[Run], None] = lambda run: None,
) -> list[Run]:
    """``count`` invocations in ``parallel`` threads; ``on_run`` sees each as it finishes."""
    if parallel <= 1:
        runs = []
        for _ in range(count):
            runs.append(invoke(lam, function, payload))
            on_run(runs[-1])
        return runs
    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="tune")
    try:
        futures = [pool.submit(invoke, lam, function, payload) for _ in range(count)]
        runs = []
        for future in as_completed(futures):
            runs.append(future.result())
            on_run(runs[-1])
        return runs
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
