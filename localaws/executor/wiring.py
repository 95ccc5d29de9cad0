"""Builds the executor from its parts and plugs it into moto."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from localaws.executor.config import FunctionConfig
from localaws.executor.cpu import CpuLimiter, choose_limiter
from localaws.executor.environment import ExecutionEnvironment
from localaws.executor.hook import MotoInvokeHook
from localaws.executor.packages import PackageStore
from localaws.executor.pool import EnvironmentPool
from localaws.executor.process import LocalProcessLauncher
from localaws.executor.service import InvocationService
from localaws.executor.sinks import MotoSinks
from localaws.state.persistence import Persistence

ENV_IDLE_SECONDS = "LOCALAWS_LAMBDA_IDLE_SECONDS"
DEFAULT_IDLE_SECONDS = 300.0


@dataclass
class Executor:
    """The running executor: what ``status`` reports and what ``stop`` shuts down."""

    pool: EnvironmentPool
    limiter: CpuLimiter
    _stop: threading.Event

    @property
    def cpu_mode(self) -> str:
        return self.limiter.mode

    def status(self) -> dict[str, object]:
        return {"environments": self.pool.counts(), "cpu_throttle_mode": self.cpu_mode}

    def shutdown(self) -> None:
        self._stop.set()
        self.pool.shutdown()


def install_executor(
    persistence: Persistence,
    work_dir: Path,
    endpoint: str,
    environ: Mapping[str, str] = os.environ,
) -> Executor:
    limiter = choose_limiter(environ)
    launcher = LocalProcessLauncher(limiter)
    packages = PackageStore(work_dir)

    def new_environment(config: FunctionConfig) -> ExecutionEnvironment:
        return ExecutionEnvironment(config, launcher, packages, endpoint)

    idle_seconds = float(environ.get(ENV_IDLE_SECONDS) or DEFAULT_IDLE_SECONDS)
    pool = EnvironmentPool(new_environment, idle_seconds)
    service = InvocationService(pool, MotoSinks(persistence))
    MotoInvokeHook(service, persistence.lock).install()
    stop = threading.Event()

    def reap() -> None:
        while not stop.wait(min(1.0, idle_seconds / 4)):
            pool.reap_idle()

    threading.Thread(target=reap, name="reaper", daemon=True).start()
    return Executor(pool, limiter, stop)
