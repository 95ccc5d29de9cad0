"""Builds the executor and the event layer from their parts, with moto's side of each port.

``build_executor`` makes everything and starts nothing; ``moto_glue.install`` then patches
moto with ``Executor.moto_hooks()``; once state is restored, ``Executor.start`` starts the
threads.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localaws.config import ExecutorSettings
from localaws.events.async_invoker import AccountPorts, AsyncInvoker
from localaws.events.periodic import PeriodicTask
from localaws.events.schedules import Scheduler
from localaws.events.sqs_poller import SqsPoller
from localaws.executor.config import FunctionConfig
from localaws.executor.cpu import CpuLimiter, choose_limiter
from localaws.executor.environment import ExecutionEnvironment
from localaws.executor.packages import PackageStore
from localaws.executor.pool import EnvironmentPool
from localaws.executor.process import LocalProcessLauncher
from localaws.executor.runtimes import UnsupportedRuntimeError, choose_interpreter
from localaws.executor.service import InvocationService
from localaws.executor.session_keys import SessionKey, SessionKeys
from localaws.executor.tracing import Chain
from localaws.moto_glue import ExecutorHooks
from localaws.moto_glue.deliveries import MotoMessageBus
from localaws.moto_glue.event_queue import MotoEventStore
from localaws.moto_glue.eventbridge_lambda import MotoRuleSource
from localaws.moto_glue.front_doors import FrontDoors
from localaws.moto_glue.front_doors.api_metrics import ApiMetrics
from localaws.moto_glue.function_preparer import FunctionPreparer
from localaws.moto_glue.functions import MotoFunctionDirectory
from localaws.moto_glue.invoke_hook import MotoInvokeHook
from localaws.moto_glue.provisioned_concurrency import Provisioner
from localaws.moto_glue.retention import Retention
from localaws.moto_glue.sinks import MotoSinks
from localaws.moto_glue.sqs_source import MotoSqsSource
from localaws.state.persistence import Persistence

#: How long ``shutdown`` waits for the executor's threads before it lets them go.
SHUTDOWN_SECONDS = 10.0


class Reaper(PeriodicTask):
    """Destroys environments idle for longer than the pool's idle time."""

    def __init__(self, pool: EnvironmentPool) -> None:
        super().__init__("reaper", min(1.0, pool.idle_seconds / 4))
        self.pool = pool

    def run_once(self) -> None:
        self.pool.reap_idle()


@dataclass
class Executor:
    """The running executor: what ``status`` reports and what ``stop`` shuts down."""

    service: InvocationService
    limiter: CpuLimiter
    async_invoker: AsyncInvoker
    sqs_poller: SqsPoller
    scheduler: Scheduler
    lock: Any  # the persistence lock the invoke hook lets go of while a handler runs
    reaper: Reaper
    retention: Retention
    preparer: FunctionPreparer
    provisioner: Provisioner
    #: localaws's own keys, for its calls back to itself (Step Functions tasks).
    own_key: SessionKey

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

    def moto_hooks(self) -> ExecutorHooks:
        invoker = self.async_invoker

        def submit_function_event(
            function: Any, payload: bytes, chain: Chain | None, request_id: str, invoked: str
        ) -> None:
            qualifier = None if function.version == "$LATEST" else str(function.version)
            name = function.function_name
            account, region = function.account_id, function.region
            invoker.submit(account, region, name, payload, chain, qualifier, request_id, invoked)

        def submit_arn_event(
            account: str, region: str, arn: str, payload: bytes, chain: Chain | None
        ) -> None:
            parts = arn.split(":")
            qualifier = parts[7] if len(parts) > 7 and parts[7] != "$LATEST" else None
            invoker.submit(account, region, parts[6], payload, chain, qualifier, invoked_arn=arn)

        hook = MotoInvokeHook(self.service, self.lock, submit_function_event)
        return ExecutorHooks(
            hook.invoke, submit_arn_event, self.preparer.submit_function,
            self.preparer.submit_layer, self.provisioner, self.own_key.environment(),
        )  # fmt: skip

    def front_doors(self, reading: Any) -> FrontDoors:
        """Function URLs and APIs, running functions here and counting API requests."""
        sinks = self.service.sinks
        assert isinstance(sinks, MotoSinks)
        return FrontDoors(self.service, reading, ApiMetrics(sinks.put_metrics))

    def start(self) -> None:
        """Start the threads (after state is restored)."""
        self.scheduler.start()
        self.async_invoker.start()
        self.sqs_poller.start()
        self.reaper.start()
        self.retention.start()
        self.preparer.start()
        self.provisioner.start()

    def shutdown(self, seconds: float = SHUTDOWN_SECONDS) -> None:
        """Stop in order: nothing new starts (invocations, events, polls, schedules), nothing
        in flight records anything, every environment is destroyed (busy ones too), then the
        threads are joined, each by one shared deadline."""
        deadline = time.monotonic() + seconds
        self.service.stop()
        self.service.sinks.close()
        threads = (
            self.reaper, self.scheduler, self.sqs_poller, self.async_invoker, self.retention,
            self.preparer, self.provisioner,
        )  # fmt: skip
        for thread in threads:
            thread.stop()
        self.pool.shutdown(deadline)
        for thread in threads:
            thread.join(deadline)


def build_executor(
    persistence: Persistence,
    work_dir: Path,
    endpoint: str,
    settings: ExecutorSettings | None = None,
    keys: SessionKeys | None = None,
) -> Executor:
    """Every part, connected; nothing runs until ``Executor.start``."""
    settings = settings or ExecutorSettings()
    keys = keys or SessionKeys()
    limiter = choose_limiter(settings.cpu_throttle)
    launcher = LocalProcessLauncher(limiter)
    packages = PackageStore(work_dir)

    def new_environment(config: FunctionConfig, provisioned: bool = False) -> ExecutionEnvironment:
        return ExecutionEnvironment(config, launcher, packages, endpoint, provisioned, keys)

    def prepare(config: FunctionConfig) -> None:
        """What a new or updated function waits for: its code and layers unpacked, its
        runtime's interpreter found (one localaws cannot run fails at invoke, as before)."""
        packages.task_root(config.code_zip)
        packages.opt_dir(config.layer_zips)
        with contextlib.suppress(UnsupportedRuntimeError):
            choose_interpreter(config.runtime)

    def unpack_layer(package: bytes) -> None:
        """A layer just published, unpacked as a function with it alone will need it."""
        packages.opt_dir([package])

    pool = EnvironmentPool(new_environment, settings.idle_seconds)
    service = InvocationService(pool, MotoSinks(persistence))
    functions = MotoFunctionDirectory()
    ports = AccountPorts(persistence, functions, MotoEventStore(), MotoMessageBus())
    invoker = AsyncInvoker(service, ports, settings.retry_scale)
    poller = SqsPoller(service, persistence, MotoSqsSource(), functions)
    scheduler = Scheduler(persistence, MotoRuleSource(), settings.schedule_scale)
    return Executor(
        service, limiter, invoker, poller, scheduler, persistence.lock, Reaper(pool),
        Retention(persistence, settings.log_retention_seconds),
        FunctionPreparer(persistence, prepare, unpack_layer),
        Provisioner(persistence, service.provision, pool.unprovision),
        keys.issue(expires=False),
    )  # fmt: skip
