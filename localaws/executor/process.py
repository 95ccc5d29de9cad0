"""The process backend: start a runtime process, read its output, watch its memory.

``ProcessLauncher`` is the seam the execution environment uses; ``LocalProcessLauncher`` runs
a real OS process. Memory is enforced by a watchdog on the process's peak resident set
(``VmHWM``), which also gives Lambda's "Max Memory Used".
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from localaws.executor.cpu import CpuLimit, CpuLimiter
from localaws.executor.output import OutputLine, OutputReader

#: Memory is read every 10 ms while it grows, backing off to every 80 ms while it does not
#: (the peak is sticky, so a late read still sees a limit crossed in between).
MEMORY_POLL_SECONDS = 0.01
MEMORY_POLL_MAX_SECONDS = 0.08


def read_peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a process in MB, from /proc (None when gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RuntimeProcess(Protocol):
    pid: int
    killed_for_memory: bool

    def peak_memory_mb(self) -> float: ...
    def exit_code(self) -> int | None: ...
    def exited(self) -> bool: ...
    def wait_exit(self, timeout: float) -> bool: ...
    def flush_output(self, timeout: float) -> bool: ...
    def kill(self) -> None: ...
    def cpu_limit(self) -> CpuLimit: ...


class ProcessLauncher(Protocol):
    def launch(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: Path,
        memory_mb: int,
        on_output: Callable[[OutputLine], None],
    ) -> RuntimeProcess: ...


class LocalProcess:
    """A runtime process with an output reader, a memory watchdog and a CPU limit."""

    def __init__(
        self,
        popen: subprocess.Popen[bytes],
        memory_mb: int,
        on_output: Callable[[OutputLine], None],
        limiter: CpuLimiter,
    ) -> None:
        self._popen = popen
        self.pid = popen.pid
        self.memory_mb = memory_mb
        self.killed_for_memory = False
        self._peak_mb = 0.0
        self._limit = limiter.limit(popen.pid, memory_mb)
        assert popen.stdout is not None
        self._reader = OutputReader(popen.stdout.fileno(), on_output, f"output-{self.pid}")
        threading.Thread(target=self._watch_memory, name=f"memory-{self.pid}", daemon=True).start()

    def _watch_memory(self) -> None:
        interval = MEMORY_POLL_SECONDS
        while self._popen.poll() is None:
            peak = read_peak_rss_mb(self.pid)
            if peak is not None:
                grew = peak > self._peak_mb
                self._peak_mb = max(self._peak_mb, peak)
                if peak > self.memory_mb:
                    self.killed_for_memory = True
                    self.kill()
                    return
                interval = (
                    MEMORY_POLL_SECONDS if grew else min(interval * 2, MEMORY_POLL_MAX_SECONDS)
                )
            time.sleep(interval)

    def peak_memory_mb(self) -> float:
        peak = read_peak_rss_mb(self.pid)
        if peak is not None:
            self._peak_mb = max(self._peak_mb, peak)
        return self._peak_mb

    def exited(self) -> bool:
        return self._popen.poll() is not None

    def exit_code(self) -> int | None:
        return self._popen.poll()

    def wait_exit(self, timeout: float) -> bool:
        try:
            self._popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        self._reader.join(timeout=1)
        # Again, now that the process is reaped: a cgroup cannot be removed while a killed
        # process is still in it, and ``kill`` releases before that.
        self._limit.release()
        return True

    def flush_output(self, timeout: float) -> bool:
        """Wait until all it wrote so far was read (see ``OutputReader.flush``)."""
        return self._reader.flush(timeout)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        self._limit.release()

    def cpu_limit(self) -> CpuLimit:
        return self._limit


class LocalProcessLauncher:
    """Starts runtime processes as real OS processes in their own session."""

    def __init__(self, limiter: CpuLimiter) -> None:
        self.limiter = limiter

    def launch(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: Path,
        memory_mb: int,
        on_output: Callable[[OutputLine], None],
    ) -> LocalProcess:
        popen = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return LocalProcess(popen, memory_mb, on_output, self.limiter)
