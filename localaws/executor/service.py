"""One invocation end to end: an environment, the handler's run, the logs and the metrics."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from localaws.executor import report, tracing
from localaws.executor.config import FunctionConfig
from localaws.executor.environment import ExecutionEnvironment, InvokeOutcome
from localaws.executor.pool import EnvironmentPool, ExecutorStopped, Throttled
from localaws.executor.sinks import InvocationSinks, LogEvent
from localaws.executor.tracing import Chain

TAIL_BYTES = 4096


@dataclass
class InvokeResult:
    """What the Invoke API returns: payload, FunctionError, LogResult."""

    payload: bytes
    function_error: str | None = None
    log_tail: str = ""
    request_id: str = ""
    log_lines: list[str] = field(default_factory=list)


class Bookkeeping(NamedTuple):
    """What an invocation's record needs besides its outcome."""

    concurrent: int  # executions in flight for the function, this one included
    generation: int  # the state's generation when the invocation began
    #: Provisioned concurrency of the version: (environments, those busy, this one included).
    provisioned: tuple[int, int] = (0, 0)


def provisioned_metrics(
    env: ExecutionEnvironment, provisioned: tuple[int, int]
) -> dict[str, float]:
    """The provisioned-concurrency metrics of one invocation of a version that has it."""
    allocated, in_use = provisioned
    if not allocated:
        return {}
    if not env.provisioned:
        return {"ProvisionedConcurrencySpilloverInvocations": 1}
    return {
        "ProvisionedConcurrencyInvocations": 1,
        "ProvisionedConcurrentExecutions": in_use,
        "ProvisionedConcurrencyUtilization": in_use / allocated,
    }


def _error_payload(error: dict[str, Any]) -> bytes:
    return json.dumps(error).encode()


class InvocationService:
    """Runs invocations on pooled environments and records them like Lambda."""

    def __init__(self, pool: EnvironmentPool, sinks: InvocationSinks) -> None:
        self.pool = pool
        self.sinks = sinks
        self._stopped = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        """From now on no invocation starts, and those in flight record nothing (they raise
        ExecutorStopped when they end)."""
        self._stopped.set()

    def invoke(
        self,
        config: FunctionConfig,
        payload: bytes,
        client_context: str | None = None,
        trace_header: str | None = None,
        request_id: str | None = None,
        generation: int | None = None,
        invoked_arn: str | None = None,
    ) -> InvokeResult:
        """Run ``payload`` through the function; Throttled when concurrency is used up,
        ExecutorStopped once localaws is stopping.

        ``generation``: the state's, read where ``config`` was (under the lock); a run that
        began before a reset records nothing after it. Default: the state's now.
        """
        if self._stopped.is_set():
            raise ExecutorStopped()
        if generation is None:
            generation = self.sinks.generation
        try:
            env, cold = self.pool.acquire(config)
        except Throttled:
            self.sinks.write_metrics(config.account, config.region, config.name, {"Throttles": 1})
            raise
        concurrent = self.pool.in_flight(config)
        provisioned = self.pool.provisioned(config)
        request_id = request_id or str(uuid.uuid4())
        trace_header = trace_header or Chain.new().next().header()
        if config.tracing_active:
            trace_header = tracing.sampled(trace_header)
        try:
            return self._run(
                env,
                cold,
                config,
                request_id,
                payload,
                (client_context, trace_header, invoked_arn),
                Bookkeeping(concurrent, generation, provisioned),
            )
        except Exception:
            if self._stopped.is_set():  # its environment was destroyed by the stop
                raise ExecutorStopped() from None
            raise
        finally:
            self.pool.release(env)

    def provision(self, config: FunctionConfig, count: int) -> int:
        """Give this version ``count`` environments initialized ahead of traffic (their init
        logged now, as on AWS); how many it has ready."""
        for env in self.pool.provision(config, count):
            first = report_now()
            init = env.initialize()
            events = init_lines(env, config, first) + init.lines
            self.sinks.write_logs(
                config.account,
                config.region,
                env.log_group_name,
                env.log_stream_name,
                report.as_logged(events),
            )
            if init.error is None and not init.timed_out:
                self.pool.add_provisioned(env)
            else:
                env.destroy()
        return self.pool.provisioned(config)[0]

    def _run(
        self,
        env: ExecutionEnvironment,
        cold: bool,
        config: FunctionConfig,
        request_id: str,
        payload: bytes,
        headers: tuple[str | None, str, str | None],
        bookkeeping: Bookkeeping,
    ) -> InvokeResult:
        """Initialize if cold, then invoke; ``headers`` are (client context, trace header,
        invoked ARN)."""
        events: list[LogEvent] = []
        init_ms: float | None = None
        if cold:
            first = report_now()  # INIT_START is stamped when the init phase begins
            init = env.initialize()
            init_ms = init.duration_ms
            events += init_lines(env, config, first) + init.lines
            if init.timed_out:  # the rest of init counts in the invocation's duration
                events.append((report_now(), report.init_timeout_line(init.duration_ms)))
                init_ms = None
            if init.error is not None:
                outcome = InvokeOutcome("init-error", 0.0, 0.0, error=init.error)
                return self._record(
                    env, config, request_id, outcome, init_ms, events, bookkeeping, report_now()
                )
        started_ms = report_now()
        outcome = env.invoke(request_id, payload, *headers)
        xray = tracing.xray_line(headers[1]) if config.tracing_active else None
        return self._record(
            env, config, request_id, outcome, init_ms, events, bookkeeping, started_ms, xray
        )

    def _record(
        self,
        env: ExecutionEnvironment,
        config: FunctionConfig,
        request_id: str,
        outcome: InvokeOutcome,
        init_ms: float | None,
        events: list[LogEvent],
        bookkeeping: Bookkeeping,
        started_ms: int,
        xray: str | None = None,
    ) -> InvokeResult:
        lines: list[LogEvent] = [(started_ms, report.start_line(request_id, config.version))]
        lines += outcome.lines
        now = report_now()
        status = None
        if outcome.kind == "timeout":
            lines.append((now, report.timeout_line(now, request_id, config.timeout_seconds)))
            status = "timeout"
        elif outcome.kind in ("oom", "exit", "init-error"):
            status = "error"
        lines.append((now, report.end_line(request_id)))
        lines.append(
            (
                now,
                report.report_line(
                    request_id,
                    outcome.duration_ms,
                    config.memory_mb,
                    outcome.max_memory_mb,
                    init_ms,
                    status,
                )
                + (f"\n{xray}" if xray else ""),  # AWS: one event, the XRAY line after REPORT
            )
        )
        failed = outcome.kind != "ok"
        if self._stopped.is_set():  # ended by the stop (its process was killed): no record
            raise ExecutorStopped()
        written = self.sinks.write_invocation(
            config.account,
            config.region,
            config.name,
            (env.log_group_name, env.log_stream_name, report.as_logged(events + lines)),
            {
                "Invocations": 1,
                "Duration": outcome.duration_ms,
                "Errors": 1 if failed else 0,
                "ConcurrentExecutions": bookkeeping.concurrent,
                **provisioned_metrics(env, bookkeeping.provisioned),
            },
            bookkeeping.generation,
        )
        if not written and self._stopped.is_set():  # the stop came while it was recorded
            raise ExecutorStopped()
        tail = base64.b64encode(
            report.tail_text(events, lines, outcome.kind)[-TAIL_BYTES:]
        ).decode()
        if failed:
            assert outcome.error is not None
            error = dict(outcome.error)
            return InvokeResult(_error_payload(error), "Unhandled", tail, request_id)
        return InvokeResult(outcome.response or b"null", None, tail, request_id)


def init_lines(env: ExecutionEnvironment, config: FunctionConfig, first: int) -> list[LogEvent]:
    """Lambda's lines at the start of an init phase: INIT_START, and localaws's warning when
    the runtime's Python version is not on this machine."""
    version = env.interpreter.full_version if env.interpreter else ""
    lines = [(first, report.init_start_line(config.runtime, version, config.region))]
    if env.interpreter and env.interpreter.warning:
        lines.append((first, env.interpreter.warning))
    return lines


def report_now() -> int:
    return int(time.time() * 1000)
