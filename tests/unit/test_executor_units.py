"""The executor's pure parts: log line formats, the environment pool, the lifecycle rules."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from localaws.executor import report
from localaws.executor.config import FunctionConfig
from localaws.executor.environment import ExecutionEnvironment, IllegalTransition, State
from localaws.executor.packages import PackageStore
from localaws.executor.pool import EnvironmentPool, Throttled
from localaws.executor.runtimes import UnsupportedRuntimeError, runtime_minor
from tests.helpers import eventually


def config(**changes: object) -> FunctionConfig:
    base = FunctionConfig(
        name="resize_image",
        version="$LATEST",
        arn="arn:aws:lambda:us-east-1:123456789012:function:resize_image",
        account="123456789012",
        region="us-east-1",
        runtime="python3.12",
        handler="lambda_function.lambda_handler",
        memory_mb=512,
        timeout_seconds=3,
        ephemeral_mb=512,
        variables=(("RESIZED_BUCKET", "lab-resized"),),
        code_sha="abc",
        layer_arns=(),
        reserved_concurrency=None,
        code_zip=b"",
        layer_zips=(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_report_line_matches_lambdas_format() -> None:
    line = report.report_line("8f5e-id", 3.014, 128, 38.2, init_ms=110.421)
    assert line == (
        "REPORT RequestId: 8f5e-id\tDuration: 3.01 ms\tBilled Duration: 114 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 39 MB\tInit Duration: 110.42 ms\t"
    )
    warm = report.report_line("id", 1000.0, 128, 20, status="timeout")
    assert warm.endswith("\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t"
                         "Status: timeout\t")  # fmt: skip
    assert report.start_line("id", "$LATEST") == "START RequestId: id Version: $LATEST"
    assert report.end_line("id") == "END RequestId: id"
    assert (
        report.timeout_line(0, "id", 1)
        == "1970-01-01T00:00:00.000Z id Task timed out after 1.00 seconds"
    )


def test_billed_duration_rounds_up_and_includes_init() -> None:
    assert report.billed_ms(3.01, None) == 4
    assert report.billed_ms(3.0, None) == 3
    assert report.billed_ms(3.01, 100.5) == 104


class FakeEnvironment:
    def __init__(self, function: FunctionConfig, provisioned: bool = False) -> None:
        self.config = function
        self.provisioned = provisioned
        self.id = uuid.uuid4().hex
        self.state = State.READY
        self.last_used = 0.0
        self.destroyed = False
        self.runtime_gone = False  # its runtime process ended while it was idle

    def destroy(self) -> None:
        self.destroyed = True
        self.state = State.DEAD


def make_pool(clock: list[float]) -> EnvironmentPool:
    return EnvironmentPool(FakeEnvironment, idle_seconds=10, clock=lambda: clock[0])  # type: ignore[arg-type]


def test_an_idle_environment_whose_runtime_ended_is_not_reused() -> None:
    pool = make_pool([0.0])
    first, _ = pool.acquire(config())
    pool.release(first)
    first.runtime_gone = True  # e.g. awslambdaric exited after a refused response
    second, cold = pool.acquire(config())
    assert cold and second is not first
    assert eventually(lambda: first.destroyed)


def test_warm_reuse_and_reserved_concurrency() -> None:
    pool = make_pool([0.0])
    first, cold = pool.acquire(config(reserved_concurrency=1))
    assert cold
    with pytest.raises(Throttled):
        pool.acquire(config(reserved_concurrency=1))
    pool.release(first)
    again, cold = pool.acquire(config(reserved_concurrency=1))
    assert again is first and not cold
    with pytest.raises(Throttled):
        pool.acquire(config(reserved_concurrency=0, name="other"))


def test_changed_configuration_retires_idle_and_busy_environments() -> None:
    pool = make_pool([0.0])
    idle, _ = pool.acquire(config())
    busy, _ = pool.acquire(config())
    pool.release(idle)
    fresh, cold = pool.acquire(config(memory_mb=1024))
    assert cold and fresh is not idle
    assert eventually(lambda: idle.destroyed)  # type: ignore[attr-defined]
    pool.release(busy)
    assert eventually(lambda: busy.destroyed)  # type: ignore[attr-defined]
    assert pool.counts() == {"warm": 0, "provisioned": 0, "busy": 1}


def test_idle_environments_are_reaped_after_the_idle_time() -> None:
    clock = [100.0]
    pool = make_pool(clock)
    env, _ = pool.acquire(config())
    env.last_used = 100.0
    pool.release(env)
    clock[0] = 105.0
    assert pool.reap_idle() == 0
    clock[0] = 111.0
    assert pool.reap_idle() == 1 and env.destroyed  # type: ignore[attr-defined]


def test_provisioned_environments_serve_first_and_the_rest_spill_over() -> None:
    clock = [0.0]
    pool = make_pool(clock)
    version = config(version="1")
    made = pool.provision(version, 2)
    assert len(made) == 2 and all(env.provisioned for env in made)
    for env in made:
        pool.add_provisioned(env)
    first, cold_first = pool.acquire(version)
    second, cold_second = pool.acquire(version)
    assert {first, second} == set(made) and not (cold_first or cold_second)
    assert pool.provisioned(version) == (2, 2)
    spill, cold_spill = pool.acquire(version)  # a third at once: on demand, a cold start
    assert cold_spill and not spill.provisioned
    for env in (first, second, spill):
        pool.release(env)
    clock[0] = 1000.0
    assert pool.reap_idle() == 1 and spill.destroyed  # type: ignore[attr-defined]
    assert pool.counts()["provisioned"] == 2  # provisioned ones are never reaped
    assert pool.acquire(config())[1]  # $LATEST is another version: not provisioned
    pool.unprovision(version)
    assert eventually(lambda: all(env.destroyed for env in made))  # type: ignore[attr-defined]


def test_an_environment_cannot_invoke_before_it_is_initialized(tmp_path: Path) -> None:
    env = ExecutionEnvironment(
        config(), launcher=None, packages=PackageStore(tmp_path), endpoint=""
    )  # type: ignore[arg-type]
    with pytest.raises(IllegalTransition, match="created -> invoking"):
        env._move(State.INVOKING)
    env.destroy()
    with pytest.raises(IllegalTransition):
        env._move(State.INITIALIZING)


@pytest.mark.parametrize("runtime", ["python3.8", "nodejs20.x", "", "python3.15"])
def test_unsupported_runtimes_are_refused(runtime: str) -> None:
    with pytest.raises(UnsupportedRuntimeError, match=r"python3\.9"):
        runtime_minor(runtime)


def test_an_unqualified_invocation_sees_latest_by_its_unqualified_arn() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:resize_image"
    # moto's model of $LATEST ends in ":$LATEST" once a version was published
    assert config(arn=f"{arn}:$LATEST").own_arn == arn
    assert config(arn=f"{arn}:3", version="3").own_arn == f"{arn}:3"


def test_a_queue_worker_goes_on_after_a_failed_job() -> None:
    import time as clock

    from localaws.events.queue_worker import QueueWorker

    class Doubler(QueueWorker[int]):
        def __init__(self) -> None:
            super().__init__("doubler")
            self.done: list[int] = []
            self.after: list[int] = []

        def handle(self, job: int) -> None:
            if job < 0:
                raise ValueError("negative")
            self.done.append(2 * job)

        def handled(self, job: int) -> None:
            self.after.append(job)

    worker = Doubler()
    for job in (1, -1, 3):
        worker.submit(job)
    worker.start()
    worker.stop()
    worker.join(clock.monotonic() + 10)
    assert worker.done == [2, 6] and worker.after == [1, -1, 3]
