"""One execution environment: a runtime process, its Runtime API, and its lifecycle.

A small state machine (created -> initializing -> ready <-> invoking -> dead); an illegal
transition raises. Initialization is the cold start; each invocation returns an outcome with
the output lines it produced. A timeout, running out of memory or a runtime that exits during
an invocation resets the environment (invoking -> reset), as on AWS: the runtime is stopped,
and the next invocation starts it again within its own time, ``/tmp`` kept and no cold start
reported ("suppressed init").
"""

from __future__ import annotations

import enum
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from localaws.executor import bootstrap
from localaws.executor.config import FunctionConfig
from localaws.executor.entrypoint import (
    InvalidEntrypoint,
    custom_bootstrap,
    is_custom_runtime,
    with_exec_wrapper,
)
from localaws.executor.packages import PackageStore
from localaws.executor.private_tmp import PrivateTmp, private_tmp_supported
from localaws.executor.process import OutputLine, ProcessLauncher, RuntimeProcess
from localaws.executor.runtime_api import Invocation, RuntimeApiServer
from localaws.executor.runtimes import Interpreter, choose_interpreter
from localaws.executor.session_keys import SessionKeys
from localaws.executor.variables import RuntimePlaces, runtime_variables

BOOTSTRAP = Path(bootstrap.__file__)
#: At most this long for output already written to be read (see output.py); normally no wait.
OUTPUT_GRACE_SECONDS = 2.0
INIT_LIMIT_SECONDS = 10.0


class State(enum.Enum):
    CREATED = "created"
    INITIALIZING = "initializing"
    READY = "ready"
    INVOKING = "invoking"
    #: A failed invocation (timeout, crash) stopped the runtime; the next invocation starts
    #: it again in the same environment, /tmp kept ("suppressed init").
    RESET = "reset"
    DEAD = "dead"


_ALLOWED = {
    State.CREATED: {State.INITIALIZING, State.DEAD},
    State.INITIALIZING: {State.READY, State.DEAD},
    State.READY: {State.INVOKING, State.DEAD},
    State.INVOKING: {State.READY, State.RESET, State.DEAD},
    State.RESET: {State.INVOKING, State.DEAD},
    State.DEAD: set(),
}


def runtime_error(error_type: str, message: str) -> dict[str, Any]:
    return {"errorType": error_type, "errorMessage": message}


class IllegalTransition(RuntimeError):
    """A step the environment's lifecycle does not allow (a bug in the caller)."""


@dataclass
class InitResult:
    duration_ms: float
    lines: list[OutputLine]
    error: dict[str, Any] | None = None
    #: Past Lambda's 10 s init limit and still going: the init carries on within the first
    #: invocation, counted against the function's timeout (AWS runs init again there).
    timed_out: bool = False


@dataclass
class InvokeOutcome:
    """How one invocation ended: ok, error, timeout, oom or exit."""

    kind: str
    duration_ms: float
    max_memory_mb: float
    lines: list[OutputLine] = field(default_factory=list)
    response: bytes | None = None
    error: dict[str, Any] | None = None


class ExecutionEnvironment:
    """A runtime process for one function version, reused while warm."""

    def __init__(
        self,
        config: FunctionConfig,
        launcher: ProcessLauncher,
        packages: PackageStore,
        endpoint: str,
        provisioned: bool = False,
        keys: SessionKeys | None = None,
    ) -> None:
        self.config = config
        #: Handlers' credentials: this environment's own, accepted by localaws only.
        self.keys = keys or SessionKeys()
        self.session_key = self.keys.issue()
        #: Initialized ahead of traffic for provisioned concurrency (kept, never reaped).
        self.provisioned = provisioned
        self.id = uuid.uuid4().hex
        self.launcher = launcher
        self.packages = packages
        self.endpoint = endpoint
        self.state = State.CREATED
        self._state_lock = threading.Lock()
        self.created_at = datetime.now(timezone.utc)
        self.last_used = time.monotonic()
        self.interpreter: Interpreter | None = None
        self.private_tmp = False
        self._namespace: PrivateTmp | None = None
        self._task_root: Path | None = None
        self._opt: Path | None = None
        self._runtime: list[str] | None = None  # the command that starts the runtime
        self._api: RuntimeApiServer | None = None
        self._process: RuntimeProcess | None = None
        self._lines: list[OutputLine] = []
        self._lines_lock = threading.Lock()

    @property
    def log_stream_name(self) -> str:
        return f"{self.created_at:%Y/%m/%d}/[{self.config.version}]{self.id}"

    @property
    def log_group_name(self) -> str:
        return self.config.log_group or f"/aws/lambda/{self.config.name}"

    @property
    def runtime_gone(self) -> bool:
        """Idle, but its runtime process ended after it answered (awslambdaric exits when its
        response was refused): the next event needs a new environment."""
        return self.state is State.READY and self._process is not None and self._process.exited()

    def _move(self, new: State) -> None:
        with self._state_lock:
            if new not in _ALLOWED[self.state]:
                raise IllegalTransition(f"{self.state.value} -> {new.value}")
            self.state = new

    def _on_output(self, line: OutputLine) -> None:
        timestamp, text = line
        if text.startswith(bootstrap.RECORD_MARKER):  # one event of several lines
            text = text[len(bootstrap.RECORD_MARKER) :].replace("\r", "\n")
        elif text:  # a line keeps its newline (and any carriage return), as on AWS
            text += "\n"
        else:  # AWS logs no empty events
            return
        with self._lines_lock:
            self._lines.append((timestamp, text))

    def _take_lines(self) -> list[OutputLine]:
        """The output the runtime wrote before it answered (asked for work, posted a result
        or an error): once it posted, all of that is in the pipe or already read."""
        if self._process is not None:
            self._process.flush_output(OUTPUT_GRACE_SECONDS)
        return self._drain_lines()

    def _drain_lines(self) -> list[OutputLine]:
        """The output collected so far, without waiting for more."""
        with self._lines_lock:
            lines, self._lines = self._lines, []
        return lines

    def _environment_variables(self, api: str, task_root: Path, opt: Path | None) -> dict[str, str]:
        home = self.packages.environment_dir(self.id)
        places = RuntimePlaces(
            api=api,
            task_root=task_root,
            opt=opt,
            home=home,
            tmp=Path("/tmp") if self.private_tmp else home / "tmp",
            runtime_dir=BOOTSTRAP.parent,
            runtime_packages=self.packages.runtime_packages(),
            endpoint=self.endpoint,
        )
        return runtime_variables(
            self.config,
            places,
            (self.log_group_name, self.log_stream_name),
            self.provisioned,
            self.session_key.environment(),
        )

    def _private_tmp(self, program: str) -> bool:
        """A private /tmp hides the host's: only when nothing the runtime needs lives there."""
        needed = [self.packages.work_dir, Path(program), BOOTSTRAP]
        needed += [link.resolve() for link in self.packages.runtime_packages().iterdir()]
        under_tmp = any(Path(path).resolve().is_relative_to("/tmp") for path in needed)
        return not under_tmp and private_tmp_supported()

    def _runtime_command(self, task_root: Path, opt: Path | None) -> list[str]:
        """The custom runtime's bootstrap, or our Python bootstrap under the function's exec
        wrapper if it has one; InvalidEntrypoint when a custom runtime has no bootstrap."""
        if self.interpreter is None:
            return [str(custom_bootstrap(task_root, opt))]
        python = [self.interpreter.path, "-S", "-u", str(BOOTSTRAP)]
        return with_exec_wrapper(python, dict(self.config.variables), task_root, opt)

    def _command(self, runtime_command: list[str], task_root: Path) -> list[str]:
        if self._namespace is None:
            return runtime_command
        return self._namespace.command(runtime_command, task_root)

    def _start_runtime(self) -> float:
        """Start the runtime process and its Runtime API; when it started (perf_counter)."""
        assert self._runtime is not None and self._task_root is not None
        self._api = RuntimeApiServer()
        started = time.perf_counter()
        self._process = self.launcher.launch(
            self._command(self._runtime, self._task_root),
            self._environment_variables(self._api.address, self._task_root, self._opt),
            self._task_root,
            self.config.memory_mb,
            self._on_output,
        )
        return started

    def initialize(self) -> InitResult:
        """Start the runtime process and import the handler (the cold start)."""
        self._move(State.INITIALIZING)
        config = self.config
        if not is_custom_runtime(config.runtime):
            self.interpreter = choose_interpreter(config.runtime)
        self._task_root = self.packages.task_root(config.code_zip)
        self._opt = self.packages.opt_dir(config.layer_zips)
        try:
            self._runtime = self._runtime_command(self._task_root, self._opt)
        except InvalidEntrypoint as invalid:
            self.destroy()
            return InitResult(0.0, [], {**invalid.error, "requestId": ""})
        self.private_tmp = self._private_tmp(self._runtime[0])
        if self.private_tmp:
            self._namespace = PrivateTmp(config.ephemeral_mb)
        started = self._start_runtime()
        assert self._api is not None and self._process is not None
        deadline = started + INIT_LIMIT_SECONDS
        while not self._api.init_done.wait(0.01):
            if self._process.exited() or time.perf_counter() > deadline:
                break
        duration_ms = (time.perf_counter() - started) * 1000
        if not self._api.init_done.is_set() and not self._process.exited():
            self._move(State.READY)
            return InitResult(duration_ms, self._drain_lines(), timed_out=True)
        lines = self._take_lines()
        error = self._api.init_error
        if error is None and not self._api.init_done.is_set():
            error = self._init_failure()
        if error is not None:
            error["requestId"] = ""
            self.destroy()
            return InitResult(duration_ms, lines, error)
        self._move(State.READY)
        return InitResult(duration_ms, lines)

    def _init_failure(self) -> dict[str, Any]:
        assert self._process is not None
        if self._process.killed_for_memory:
            return runtime_error("Runtime.OutOfMemory", "Runtime exited with error: signal: killed")
        return runtime_error("Runtime.ExitError", "Runtime exited without providing a reason")

    def invoke(
        self,
        request_id: str,
        payload: bytes,
        client_context: str | None,
        trace_header: str,
        invoked_arn: str | None = None,
    ) -> InvokeOutcome:
        """Run one event through the handler; the environment stays warm unless it failed hard.

        ``invoked_arn``: the ARN as the caller invoked it (with a version or alias, as given);
        the handler's ``context.invoked_function_arn``. Default: the function's own.
        """
        started = time.perf_counter()
        if self.state is State.RESET:  # init runs again, within this invocation's time
            self._move(State.INVOKING)
            self._start_runtime()
        else:
            self._move(State.INVOKING)
        assert self._api is not None and self._process is not None
        timeout = self.config.timeout_seconds
        invocation = Invocation(
            request_id=request_id,
            payload=payload,
            deadline_ms=int(time.time() * 1000) + timeout * 1000,
            function_arn=invoked_arn or self.config.own_arn,
            trace_id=trace_header,
            client_context=client_context,
        )
        limit = self._process.cpu_limit()
        # Init is never throttled (cpu.py): one that went past its limit finishes first.
        throttled = self._api.init_done.is_set()
        if throttled:
            limit.activate()
        self._api.submit(invocation)
        deadline = started + timeout
        while not invocation.answered.wait(0.005):
            if not throttled and self._api.init_done.is_set():
                throttled = True
                limit.activate()
            if self._process.exited() or time.perf_counter() >= deadline or self._api.init_error:
                break
        duration_ms = (time.perf_counter() - started) * 1000
        limit.pause()
        self.last_used = time.monotonic()
        memory = self._process.peak_memory_mb()
        init_failed = self._api.init_error is not None or (
            not self._api.init_done.is_set() and self._process.exited()
        )
        if init_failed and not invocation.answered.is_set():
            return self._init_failed_late(duration_ms, memory)
        if invocation.answered.is_set():
            self._api.wait_for_next_request(self._process.exited, OUTPUT_GRACE_SECONDS)
            lines = self._take_lines()
            self._move(State.READY)
            kind = "error" if invocation.error is not None else "ok"
            return InvokeOutcome(
                kind, duration_ms, memory, lines, invocation.response, invocation.error
            )
        return self._hard_failure(request_id, duration_ms, memory)

    def _init_failed_late(self, duration_ms: float, memory: float) -> InvokeOutcome:
        """An init that went past the limit failed within the invocation (an import error, an
        exit, a memory kill): the error is the init's, as it would have been in time."""
        assert self._api is not None
        error = {**(self._api.init_error or self._init_failure()), "requestId": ""}
        lines = self._take_lines()
        self.destroy()
        return InvokeOutcome("init-error", duration_ms, memory, lines, error=error)

    def _hard_failure(self, request_id: str, duration_ms: float, memory: float) -> InvokeOutcome:
        assert self._process is not None
        process = self._process
        timed_out = not process.exited()
        process.kill()
        process.wait_exit(5)
        lines = self._drain_lines()
        self._reset()
        prefix = f"RequestId: {request_id} Error: "
        if process.killed_for_memory:
            error = runtime_error(
                "Runtime.OutOfMemory", prefix + "Runtime exited with error: signal: killed"
            )
            return InvokeOutcome("oom", duration_ms, memory, lines, error=error)
        if timed_out:
            seconds = f"{self.config.timeout_seconds:.2f}"
            error = runtime_error(
                "Sandbox.Timedout", f"{prefix}Task timed out after {seconds} seconds"
            )
            return InvokeOutcome("timeout", duration_ms, memory, lines, error=error)
        code = process.exit_code()
        reason = (
            f"Runtime exited with error: exit status {code}"
            if code
            else "Runtime exited without providing a reason"
        )
        error = runtime_error("Runtime.ExitError", prefix + reason)
        return InvokeOutcome("exit", duration_ms, memory, lines, error=error)

    def _reset(self) -> None:
        """After a failed invocation: the runtime is gone, the environment stays (its /tmp,
        its log stream); the next invocation starts the runtime again."""
        if self._api is not None:
            self._api.close()
        with self._state_lock:
            if self.state is State.DEAD:  # destroyed meanwhile (localaws is stopping)
                return
        self._move(State.RESET)

    def destroy(self) -> None:
        """Stop the process and free everything; safe to call more than once."""
        with self._state_lock:
            if self.state is State.DEAD:
                return
            self.state = State.DEAD
        self.keys.revoke(self.session_key.access_key_id)
        if self._process is not None:
            self._process.kill()
            self._process.wait_exit(5)
        if self._api is not None:
            self._api.close()
        if self._namespace is not None:
            self._namespace.close()
        self.packages.remove_environment_dir(self.id)
