"""Builds the executor from its parts and plugs it into moto."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localaws.config import ExecutorSettings
from localaws.executor.async_invoker import AsyncInvoker
from localaws.executor.config import FunctionConfig
from localaws.executor.cpu import CpuLimiter, choose_limiter
from localaws.executor.environment import ExecutionEnvironment
from localaws.executor.hook import MotoInvokeHook, function_config
from localaws.executor.packages import PackageStore
from localaws.executor.pool import EnvironmentPool
from localaws.executor.process import LocalProcessLauncher
from localaws.executor.service import InvocationService
from localaws.executor.sinks import MotoSinks
from localaws.executor.sqs_poller import SqsPoller
from localaws.executor.tracing import Chain
from localaws.extensions import eventbridge_lambda, s3_async_notifications, sns_async_lambda
from localaws.state.persistence import Persistence

#: How long ``shutdown`` waits for the executor's threads before it lets them go.
SHUTDOWN_SECONDS = 10.0


@dataclass
class Executor:
    """The running executor: what ``status`` reports and what ``stop`` shuts down."""

    service: InvocationService
    limiter: CpuLimiter
    async_invoker: AsyncInvoker
    sqs_poller: SqsPoller
    scheduler: eventbridge_lambda.Scheduler
    _stop: threading.Event = field(default_factory=threading.Event)
    _reaper: threading.Thread | None = None

    @property
    def pool(self) -> EnvironmentPool:
        return self.service.pool

    @property
    def cpu_mode(self) -> str:
        return self.limiter.mode

    def status(self) -> dict[str, object]:
        return {
            "environments": self.pool.counts(),
            "cpu_throttle_mode": self.cpu_mode,
            "queued_events": self.async_invoker.pending(),
        }

    def reset(self) -> None:
        """Before the state is replaced: no environment of the old functions stays warm, and
        nothing remembered about old rules or mappings carries over."""
        self.pool.reset()
        self.scheduler.forget()
        self.sqs_poller.forget()

    def start_reaper(self) -> None:
        """Destroy idle environments every second or so (a quarter of the idle time)."""

        def reap() -> None:
            while not self._stop.wait(min(1.0, self.pool.idle_seconds / 4)):
                self.pool.reap_idle()

        self._reaper = threading.Thread(target=reap, name="reaper", daemon=True)
        self._reaper.start()

    def shutdown(self, seconds: float = SHUTDOWN_SECONDS) -> None:
        """Stop in order: nothing new starts (invocations, events, polls, schedules), nothing
        in flight records anything, every environment is destroyed (busy ones too), then the
        threads are joined, each by one shared deadline."""
        deadline = time.monotonic() + seconds
        self.service.stop()
        self.service.sinks.close()
        self._stop.set()
        for stoppable in (self.scheduler, self.sqs_poller, self.async_invoker):
            stoppable.stop()
        self.pool.shutdown(deadline)
        for joinable in (self.scheduler, self.sqs_poller, self.async_invoker):
            joinable.join(deadline)
        if self._reaper is not None:
            self._reaper.join(max(0.0, deadline - time.monotonic()))


def install_executor(
    persistence: Persistence,
    work_dir: Path,
    endpoint: str,
    settings: ExecutorSettings | None = None,
) -> Executor:
    settings = settings or ExecutorSettings()
    limiter = choose_limiter(settings.cpu_throttle)
    launcher = LocalProcessLauncher(limiter)
    packages = PackageStore(work_dir)

    def new_environment(config: FunctionConfig) -> ExecutionEnvironment:
        return ExecutionEnvironment(config, launcher, packages, endpoint)

    pool = EnvironmentPool(new_environment, settings.idle_seconds)
    service = InvocationService(pool, MotoSinks(persistence))
    invoker = AsyncInvoker(service, persistence, function_config, settings.retry_scale)

    def submit_function_event(function: Any, payload: bytes, chain: Chain | None) -> None:
        qualifier = None if function.version == "$LATEST" else str(function.version)
        invoker.submit(
            function.account_id, function.region, function.function_name, payload, chain, qualifier
        )

    def submit_arn_event(
        account: str, region: str, arn: str, payload: bytes, chain: Chain | None
    ) -> None:
        parts = arn.split(":")
        qualifier = parts[7] if len(parts) > 7 and parts[7] != "$LATEST" else None
        invoker.submit(account, region, parts[6], payload, chain, qualifier)

    MotoInvokeHook(service, persistence.lock, submit_function_event).install()
    s3_async_notifications.install(submit_arn_event)
    sns_async_lambda.install(submit_arn_event)
    eventbridge_lambda.install(submit_arn_event)
    scheduler = eventbridge_lambda.Scheduler(persistence, settings.schedule_scale)
    scheduler.start()
    invoker.start()
    poller = SqsPoller(service, persistence, function_config)
    poller.start()
    executor = Executor(service, limiter, invoker, poller, scheduler)
    executor.start_reaper()
    return executor
