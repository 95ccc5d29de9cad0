"""Execution environments per function version: reuse warm ones, enforce concurrency, reap idle.

An environment serves one invocation at a time. A function's invocations in flight never exceed
its reserved concurrency (0 throttles everything). A change of code or configuration retires the
version's environments: idle ones at once, busy ones when they finish.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable

from localaws.executor.config import FunctionConfig
from localaws.executor.environment import ExecutionEnvironment, State

FunctionId = tuple[str, str, str]


class Throttled(Exception):
    """Reserved concurrency is used up: the invocation must be rejected (or retried later)."""


class EnvironmentPool:
    def __init__(
        self,
        factory: Callable[[FunctionConfig], ExecutionEnvironment],
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
            busy = self._busy[self._function_id(config)]
            if config.reserved_concurrency is not None and len(busy) >= config.reserved_concurrency:
                raise Throttled()
            idle = self._idle[config.key]
            stale = [env for env in idle if env.config.fingerprint != config.fingerprint]
            fresh = [env for env in idle if env.config.fingerprint == config.fingerprint]
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
            keep = env.state is State.READY and not retired
            if keep:
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

    def counts(self) -> dict[str, int]:
        """How many environments are warm (idle) and busy right now."""
        with self._lock:
            return {
                "warm": sum(len(envs) for envs in self._idle.values()),
                "busy": sum(len(envs) for envs in self._busy.values()),
            }

    def shutdown(self) -> None:
        """Destroy every environment, those still being retired included."""
        with self._lock:
            everything = [env for envs in self._idle.values() for env in envs]
            everything += [env for envs in self._busy.values() for env in envs]
            everything += list(self._retiring)
            self._idle.clear()
            self._busy.clear()
        for env in everything:
            env.destroy()  # safe to call twice

    def _destroy_in_background(self, environments: list[ExecutionEnvironment]) -> None:
        """Retire environments off the invocation's path: the caller does not wait for them."""
        if not environments:
            return
        with self._lock:
            self._retiring.update(environments)

        def destroy_all() -> None:
            for env in environments:
                env.destroy()
                with self._lock:
                    self._retiring.discard(env)

        threading.Thread(target=destroy_all, name="retire", daemon=True).start()
