"""CPU in proportion to memory, as in Lambda: 1,769 MB buys one vCPU.

The limit holds while an invocation runs. Initialization runs unthrottled: on AWS the init
phase of an on-demand function gets a CPU burst, and a throttled import of boto3 at 128 MB
would otherwise take longer than Lambda's 10-second init limit.

Two ways to hold a process to its share: a cgroup CPU quota (v1 ``cpu.cfs_quota_us`` or v2
``cpu.max``) where localaws may create cgroups, otherwise a duty cycle that stops and continues
the process (SIGSTOP/SIGCONT) within a short period. ``LOCALAWS_CPU_THROTTLE`` picks one
(``auto``, ``cgroup``, ``duty-cycle``, ``off``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Protocol

MB_PER_VCPU = 1769
PERIOD_SECONDS = 0.02
CGROUP_V1_CPU = Path("/sys/fs/cgroup/cpu")
CGROUP_V2_ROOT = Path("/sys/fs/cgroup")


def vcpu_share(memory_mb: int, host_cores: int | None = None) -> float:
    """vCPUs a function of this size gets, capped by the host's cores."""
    return min(memory_mb / MB_PER_VCPU, float(host_cores or os.cpu_count() or 1))


class CpuLimit(Protocol):
    def activate(self) -> None: ...
    def pause(self) -> None: ...
    def release(self) -> None: ...


class CpuLimiter(Protocol):
    mode: str

    def limit(self, pid: int, memory_mb: int) -> CpuLimit: ...
    def favour_server(self, pid: int) -> bool: ...


class _NoLimit:
    def activate(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def release(self) -> None:
        pass


class NoLimiter:
    mode = "off (every function gets the whole CPU)"

    def limit(self, pid: int, memory_mb: int) -> CpuLimit:
        return _NoLimit()

    def favour_server(self, pid: int) -> bool:
        return False


class _CgroupLimit:
    """The quota applies from the first invocation on: init is not limited (on AWS it runs
    with more CPU than the function's share), and every later run is, as on AWS, where a
    function's share is its own whenever it runs. Between invocations a frozen environment
    on AWS runs nothing; here anything left running keeps to the share.

    The quota is written once, not per invocation: a write to a cgroup's quota takes the
    kernel's bandwidth lock, and two per invocation were about 5 % of a warm Invoke."""

    def __init__(self, directory: Path, quota_file: str, limited: str) -> None:
        self.directory = directory
        # The lock keeps a write from reaching a descriptor number that release closed and
        # reused.
        self._quota: int | None = os.open(directory / quota_file, os.O_WRONLY)
        self._lock = threading.Lock()
        self._limited = limited.encode()
        self._active = False

    def activate(self) -> None:
        if not self._active:
            self._active = True
            self._write(self._limited)

    def pause(self) -> None:
        """Nothing: the quota stays (see the class docstring); a cgroup costs nothing idle."""

    def _write(self, quota: bytes) -> None:
        # The cgroup is gone once the environment was destroyed (a stop, a reset): no limit.
        with self._lock, contextlib.suppress(OSError):
            if self._quota is not None:
                os.pwrite(self._quota, quota, 0)

    def release(self) -> None:
        """Let the process run free and remove its cgroup; again once the process is reaped
        (removing fails while it is still inside)."""
        with self._lock:
            quota, self._quota = self._quota, None
        if quota is not None:
            with contextlib.suppress(OSError):
                os.close(quota)
        with contextlib.suppress(OSError):
            self.directory.rmdir()


PERIOD_US = int(PERIOD_SECONDS * 1_000_000)


#: A function's CPU share is its own on AWS, whatever else the host runs. Here functions'
#: cgroups outweigh every other process when the machine is busy (an autograder running many
#: notebooks, say), so each still gets its memory's share: the v1 maximum, and v2's. (The
#: duty cycle cannot do the same: a function that outranked the thread that stops it would
#: no longer be stopped.)
#: Together, functions never take more than all cores but half of one: a runaway handler (or
#: a thread it left running) cannot starve localaws itself or the notebooks.
V1_FUNCTION_SHARES = 262144
V2_FUNCTION_WEIGHT = 10000
#: Where localaws servers wait with the functions' weight (``favour_server``), beside the
#: functions' parent cgroup.
SERVERS_CGROUP = "localaws-servers"
#: An empty environment cgroup at least this old is left over (``remove_stale_cgroups``).
STALE_SECONDS = 60.0


def functions_cap() -> float:
    """The CPUs all functions together may use: every core but half of one (at least one)."""
    return max(1.0, (os.cpu_count() or 1) - 0.5)


class _CgroupLimiter:
    """A child cgroup per environment holding the process; subclasses name the quota file and
    the file and value of a cgroup's CPU weight."""

    mode = ""
    quota_file = ""
    weight_file = ""
    weight = ""

    def __init__(self, parent: Path) -> None:
        self.parent = parent

    def remove_stale_cgroups(self, min_age_seconds: float = STALE_SECONDS) -> int:
        """Remove environments' cgroups left empty (older localaws versions left one behind
        for each environment); how many. A cgroup with a process in it cannot be removed,
        and one younger than ``min_age_seconds`` may be a new one not yet joined."""
        removed = 0
        newest = time.time() - min_age_seconds
        with contextlib.suppress(OSError):
            for child in self.parent.iterdir():
                with contextlib.suppress(OSError):
                    if child.is_dir() and child.stat().st_mtime < newest:
                        child.rmdir()
                        removed += 1
        return removed

    def favour_server(self, pid: int) -> bool:
        """Move ``pid`` (localaws's server) to a cgroup beside the functions' parent, with
        their weight and no quota; False where the machine does not allow it.

        A function's run waits for localaws whenever it calls AWS (the lab's handler reads and
        writes S3): on a machine busy with other work, a server with an ordinary weight would
        slow those calls, and with them the function's duration, by as much as the machine
        is busy. The server is localaws's own code; handlers never run in it."""
        servers = self.parent.parent / SERVERS_CGROUP
        try:
            servers.mkdir(exist_ok=True)
            (servers / self.weight_file).write_text(self.weight)
            (servers / "cgroup.procs").write_text(str(pid))
        except OSError:
            return False
        return True

    def quota(self, share: float) -> str:
        raise NotImplementedError

    def prepare(self, directory: Path) -> None:
        """Settings a new environment cgroup needs before the process joins it."""

    def limit(self, pid: int, memory_mb: int) -> CpuLimit:
        share = vcpu_share(memory_mb)
        if share >= (os.cpu_count() or 1):
            return _NoLimit()
        directory = self.parent / uuid.uuid4().hex[:12]
        directory.mkdir()
        self.prepare(directory)
        (directory / "cgroup.procs").write_text(str(pid))
        # No more than all functions together may use (the kernel refuses a larger quota).
        quota = self.quota(min(share, functions_cap()))
        return _CgroupLimit(directory, self.quota_file, quota)


class CgroupV1Limiter(_CgroupLimiter):
    """Child cgroups under ``cpu/localaws`` with a CFS quota."""

    mode = "cgroup v1 CPU quota (cpu.cfs_quota_us)"
    quota_file = "cpu.cfs_quota_us"
    weight_file = "cpu.shares"
    weight = str(V1_FUNCTION_SHARES)

    def __init__(self, parent: Path = CGROUP_V1_CPU / "localaws") -> None:
        super().__init__(parent)
        self.parent.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):  # a delegated parent may not allow it: no boost
            (self.parent / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self.parent / "cpu.cfs_quota_us").write_text(str(int(PERIOD_US * functions_cap())))
            (self.parent / "cpu.shares").write_text(str(V1_FUNCTION_SHARES))
        probe = self.parent / f"probe-{os.getpid()}"  # another user's parent: not ours to use
        probe.mkdir()
        probe.rmdir()

    def prepare(self, directory: Path) -> None:
        (directory / "cpu.cfs_period_us").write_text(str(PERIOD_US))

    def quota(self, share: float) -> str:
        return str(max(1000, int(PERIOD_US * share)))


class CgroupV2Limiter(_CgroupLimiter):
    """Child cgroups under ``localaws`` with ``cpu.max``."""

    mode = "cgroup v2 CPU quota (cpu.max)"
    quota_file = "cpu.max"
    weight_file = "cpu.weight"
    weight = str(V2_FUNCTION_WEIGHT)
    unlimited = f"max {PERIOD_US}"

    def __init__(self, parent: Path = CGROUP_V2_ROOT / "localaws") -> None:
        super().__init__(parent)
        self.parent.mkdir(exist_ok=True)
        (self.parent / "cgroup.subtree_control").write_text("+cpu")
        with contextlib.suppress(OSError):  # a delegated parent may not allow it: no boost
            (self.parent / "cpu.max").write_text(f"{int(PERIOD_US * functions_cap())} {PERIOD_US}")
            (self.parent / "cpu.weight").write_text(str(V2_FUNCTION_WEIGHT))
        probe = self.parent / "probe"
        probe.mkdir(exist_ok=True)
        try:
            (probe / "cpu.max").write_text(self.unlimited)
        finally:
            probe.rmdir()

    def quota(self, share: float) -> str:
        return f"{max(1000, int(PERIOD_US * share))} {PERIOD_US}"


def read_cpu_seconds(pid: int) -> float | None:
    """CPU time the process's main thread has used, in seconds (nanosecond resolution)."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


class _DutyCycle:
    """Keeps the process's CPU time within ``share`` of the wall time since it was activated.

    Every few milliseconds it compares the CPU time used with the CPU time allowed; when the
    process is ahead it is stopped (SIGSTOP) until the allowance catches up, then continued.
    Counting CPU time rather than timing run slices makes late wake-ups of this thread cost
    accuracy only briefly: any overrun is paid back in the next stop. Allowance left unused
    (the process was idle, or other processes had the CPU) carries over for one period only,
    as a CFS quota's does: a process starved for a while must not then run at full speed.
    """

    CHECK_SECONDS = 0.005

    def __init__(self, pid: int, share: float) -> None:
        self.pid = pid
        self.share = share
        self.burst = share * PERIOD_SECONDS
        self._active = threading.Event()
        self._finished = threading.Event()
        self._releasing = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name=f"duty-{pid}", daemon=True)
        self._thread.start()

    def _signal(self, signum: int) -> bool:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            return False
        return True

    def _loop(self) -> None:
        while not self._finished.is_set():
            if not self._active.wait(0.5):
                continue
            if not self._hold_while_active():
                return

    def _hold_while_active(self) -> bool:
        """Stop and continue the process while the limit is active; False once it is gone."""
        last_time, last_cpu = time.monotonic(), read_cpu_seconds(self.pid)
        balance = 0.0  # CPU seconds the process may still use
        while self._active.is_set() and not self._finished.is_set():
            time.sleep(self.CHECK_SECONDS)
            now, cpu = time.monotonic(), read_cpu_seconds(self.pid)
            if cpu is None or last_cpu is None:
                return False
            balance = min(balance, self.burst) + self.share * (now - last_time) - (cpu - last_cpu)
            last_time, last_cpu = now, cpu
            if balance < 0:
                if not self._signal(signal.SIGSTOP):
                    return False
                time.sleep(-balance / self.share)
                self._signal(signal.SIGCONT)
        return True

    def activate(self) -> None:
        self._active.set()

    def pause(self) -> None:
        self._active.clear()

    def release(self) -> None:
        with self._releasing:  # the memory watch and the invocation may both release
            if self._finished.is_set():
                return  # released already (the pid may now be another process's)
            self._finished.set()
        self._active.set()
        self._thread.join(timeout=1)
        self._signal(signal.SIGCONT)


class DutyCycleLimiter:
    mode = "duty cycle (SIGSTOP/SIGCONT by CPU time used)"

    def favour_server(self, pid: int) -> bool:
        return False  # only a cgroup can weigh processes against each other

    def limit(self, pid: int, memory_mb: int) -> CpuLimit:
        share = vcpu_share(memory_mb)
        if share >= 1:
            return _NoLimit()  # one Python thread cannot use more than one core anyway
        return _DutyCycle(pid, share)


def choose_limiter(mode: str = "auto") -> CpuLimiter:
    """The best limiter this machine allows, unless ``mode`` (``LOCALAWS_CPU_THROTTLE``: auto,
    cgroup, duty-cycle or off) says otherwise."""
    if mode == "off":
        return NoLimiter()
    if mode == "duty-cycle":
        return DutyCycleLimiter()
    for kind in (CgroupV1Limiter, CgroupV2Limiter):
        try:
            limiter = kind()
        except OSError:
            continue
        threading.Thread(
            target=limiter.remove_stale_cgroups, name="cgroup-sweep", daemon=True
        ).start()
        return limiter
    return DutyCycleLimiter()
