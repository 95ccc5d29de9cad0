"""Execution environments per function version: reuse warm ones, enforce concurrency, reap idle.

An environment serves one invocation at a time; one reset by a failed invocation stays in the
pool, and its next invocation starts the runtime again (no cold start reported). A function's
invocations in flight never exceed its reserved concurrency (0 throttles everything). A change
of code or configuration retires the version's environments: idle ones at once, busy ones when
they finish.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from localaws.executor.config import FunctionConfig
from localaws.executor.environment import ExecutionEnvironment, State

log = logging.getLogger("localaws.executor")
FunctionId = tuple[str, str, str]


class Throttled(Exception):
    """Reserved concurrency is used up: the invocation must be rejected (or retried later)."""


class ExecutorStopped(Exception):
    """localaws is stopping: no invocation starts, and one in flight records nothing."""


class Retirer:
    """Destroys environments off the invocation's path, on a few named threads."""

    def __init__(self, on_destroyed: Callable[[ExecutionEnvironment], None], workers: int = 2):
        self._on_destroyed = on_destroyed
        self._queue: queue.SimpleQueue[ExecutionEnvironment | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"retire-{n}", daemon=True)
            for n in range(workers)
        ]
        self._started = False
        self._start_lock = threading.Lock()

    def retire(self, environment: ExecutionEnvironment) -> None:
        """Destroy ``environment`` soon (the threads start with the first one)."""
        with self._start_lock:
            if not self._started:
                self._started = True
                for thread in self._threads:
                    thread.start()
        self._queue.put(environment)

    def _work(self) -> None:
        while (environment := self._queue.get()) is not None:
            try:
                environment.destroy()
            except Exception:  # one environment that will not go must not stop the others
                log.exception("environment %s could not be destroyed", environment.id)
            finally:
                self._on_destroyed(environment)

    def close(self) -> None:
        """Finish what is queued, then stop the threads (see ``join``)."""
        for _ in self._threads:
            self._queue.put(None)

    def join(self, deadline: float) -> None:
        for thread in self._threads:
            if thread.is_alive():
                thread.join(max(0.0, deadline - time.monotonic()))


class EnvironmentPool:
    def __init__(
        self,
        factory: Callable[..., ExecutionEnvironment],
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.factory = factory
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, ...], list[ExecutionEnvironment]] = defaultdict(list)
        self._busy: dict[FunctionId, set[ExecutionEnvironment]] = defaultdict(set)
        self._retired: set[str] = set()
        self._retiring: set[ExecutionEnvironment] = set()  # being destroyed in the background
        #: Provisioned concurrency: how many environments each version keeps initialized, and
        #: those of them idle now (never reaped).
        self._provisioned: dict[tuple[str, ...], int] = {}
        self._provisioned_idle: dict[tuple[str, ...], list[ExecutionEnvironment]] = defaultdict(
            list
        )
        self._closed = False
        self._retirer = Retirer(self._retired_one)

    @staticmethod
    def _function_id(config: FunctionConfig) -> FunctionId:
        return (config.account, config.region, config.name)

    def in_flight(self, config: FunctionConfig) -> int:
        with self._lock:
            return len(self._busy[self._function_id(config)])

    def acquire(self, config: FunctionConfig) -> tuple[ExecutionEnvironment, bool]:
        """A warm environment (False) or a new one to initialize (True); Throttled if none."""
        stale: list[ExecutionEnvironment] = []
        with self._lock:
            if self._closed:
                raise ExecutorStopped()
            busy = self._busy[self._function_id(config)]
            if config.reserved_concurrency is not None and len(busy) >= config.reserved_concurrency:
                raise Throttled()
            provisioned = self._provisioned_idle[config.key]
            if provisioned and provisioned[-1].config.fingerprint == config.fingerprint:
                env = provisioned.pop()
                busy.add(env)
                return env, False
            idle = self._idle[config.key]
            # A runtime may exit after it answered (awslambdaric does when its response was
            # refused): Lambda then starts a new environment for the next event.
            fresh = [
                env
                for env in idle
                if env.config.fingerprint == config.fingerprint and not env.runtime_gone
            ]
            stale = [env for env in idle if env not in fresh]
            for env in busy:
                if env.config.key == config.key and env.config.fingerprint != config.fingerprint:
                    self._retired.add(env.id)
            if fresh:
                env, cold = fresh.pop(), False
            else:
                env, cold = self.factory(config), True
            self._idle[config.key] = fresh
            busy.add(env)
        self._destroy_in_background(stale)
        return env, cold

    def release(self, env: ExecutionEnvironment) -> None:
        """Return an environment after an invocation; dead or retired ones are dropped."""
        with self._lock:
            self._busy[self._function_id(env.config)].discard(env)
            retired = env.id in self._retired
            self._retired.discard(env.id)
            keep = env.state in (State.READY, State.RESET) and not retired
            if keep and env.provisioned and env.config.key in self._provisioned:
                self._provisioned_idle[env.config.key].append(env)
            elif keep:
                env.provisioned = False  # its version's provisioned concurrency was removed
                self._idle[env.config.key].append(env)
        if not keep:
            self._destroy_in_background([env])

    def reap_idle(self) -> int:
        """Destroy environments idle for longer than ``idle_seconds``; how many."""
        now = self.clock()
        expired: list[ExecutionEnvironment] = []
        with self._lock:
            for key, envs in self._idle.items():
                keep = [env for env in envs if now - env.last_used < self.idle_seconds]
                expired += [env for env in envs if env not in keep]
                self._idle[key] = keep
        for env in expired:
            env.destroy()
        return len(expired)

    def provisioned(self, config: FunctionConfig) -> tuple[int, int]:
        """(provisioned environments this version has ready, how many of them are busy)."""
        with self._lock:
            return self._provisioned_counts(config.key)

    def _provisioned_counts(self, key: tuple[str, ...]) -> tuple[int, int]:
        if key not in self._provisioned:
            return 0, 0
        busy = self._busy[key[:3]]  # type: ignore[index]
        in_use = sum(1 for env in busy if env.provisioned and env.config.key == key)
        return len(self._provisioned_idle[key]) + in_use, in_use

    def provision(self, config: FunctionConfig, count: int) -> list[ExecutionEnvironment]:
        """New environments to initialize ahead of traffic, so this version has ``count``
        provisioned ones (none when it has them); the caller initializes each, then
        ``add_provisioned``. Fewer than before: the extra idle ones go."""
        with self._lock:
            if self._closed:
                raise ExecutorStopped()
            self._provisioned.setdefault(config.key, count)
            have = self._provisioned_counts(config.key)[0]
            self._provisioned[config.key] = count
            idle = self._provisioned_idle[config.key]
            extra = idle[count:] if count < have else []
            del idle[len(idle) - len(extra) :]
        self._destroy_in_background(extra)
        return [self.factory(config, provisioned=True) for _ in range(max(0, count - have))]

    def add_provisioned(self, env: ExecutionEnvironment) -> None:
        """An initialized provisioned environment, ready for its version's invocations."""
        with self._lock:
            if env.config.key in self._provisioned and not self._closed:
                self._provisioned_idle[env.config.key].append(env)
                return
        self._destroy_in_background([env])

    def unprovision(self, config: FunctionConfig) -> None:
        """Provisioned concurrency removed: its idle environments go, busy ones when done."""
        with self._lock:
            self._provisioned.pop(config.key, None)
            idle = self._provisioned_idle.pop(config.key, [])
        self._destroy_in_background(idle)

    def counts(self) -> dict[str, int]:
        """How many environments are warm (idle) and busy right now."""
        with self._lock:
            return {
                "warm": sum(len(envs) for envs in self._idle.values()),
                "provisioned": sum(len(envs) for envs in self._provisioned_idle.values()),
                "busy": sum(len(envs) for envs in self._busy.values()),
            }

    def reset(self) -> None:
        """Destroy every environment, those still being retired included (a reset)."""
        with self._lock:
            everything = [env for envs in self._idle.values() for env in envs]
            everything += [env for envs in self._provisioned_idle.values() for env in envs]
            everything += [env for envs in self._busy.values() for env in envs]
            everything += list(self._retiring)
            self._idle.clear()
            self._provisioned_idle.clear()
            self._provisioned.clear()
            self._busy.clear()
        for env in everything:
            env.destroy()  # safe to call twice

    def shutdown(self, deadline: float) -> None:
        """Close for good: nothing new starts, every environment is destroyed, busy ones too
        (their invocations end at once), and the retiring threads stop by ``deadline``
        (``time.monotonic()``)."""
        with self._lock:
            self._closed = True
        self.reset()
        self._retirer.close()
        self._retirer.join(deadline)

    def _retired_one(self, env: ExecutionEnvironment) -> None:
        with self._lock:
            self._retiring.discard(env)

    def _destroy_in_background(self, environments: list[ExecutionEnvironment]) -> None:
        """Retire environments off the invocation's path: the caller does not wait for them."""
        with self._lock:
            self._retiring.update(environments)
        for env in environments:
            self._retirer.retire(env)
