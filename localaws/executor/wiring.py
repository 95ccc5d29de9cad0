"""Builds the executor from its parts and plugs it into moto."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

ENV_IDLE_SECONDS = "LOCALAWS_LAMBDA_IDLE_SECONDS"
ENV_RETRY_SCALE = "LOCALAWS_ASYNC_RETRY_SCALE"
ENV_SCHEDULE_SCALE = "LOCALAWS_SCHEDULE_SCALE"
DEFAULT_IDLE_SECONDS = 300.0


@dataclass
class Executor:
    """The running executor: what ``status`` reports and what ``stop`` shuts down."""

    pool: EnvironmentPool
    limiter: CpuLimiter
    async_invoker: AsyncInvoker
    sqs_poller: SqsPoller
    scheduler: eventbridge_lambda.Scheduler
    _stop: threading.Event

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
        self.pool.shutdown()
        self.scheduler.forget()
        self.sqs_poller.forget()

    def shutdown(self) -> None:
        self._stop.set()
        self.async_invoker.stop()
        self.sqs_poller.stop()
        self.scheduler.stop()
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
    retry_scale = float(environ.get(ENV_RETRY_SCALE) or 1.0)
    invoker = AsyncInvoker(service, persistence, function_config, retry_scale)

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
    scheduler = eventbridge_lambda.Scheduler(
        persistence, float(environ.get(ENV_SCHEDULE_SCALE) or 1.0)
    )
    scheduler.start()
    invoker.start()
    poller = SqsPoller(service, persistence, function_config)
    poller.start()
    stop = threading.Event()

    def reap() -> None:
        while not stop.wait(min(1.0, idle_seconds / 4)):
            pool.reap_idle()

    threading.Thread(target=reap, name="reaper", daemon=True).start()
    return Executor(pool, limiter, invoker, poller, scheduler, stop)
