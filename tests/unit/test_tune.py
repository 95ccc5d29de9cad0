"""labcheck tune without a server: trimming, the strategies, restoring memory, bad input."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from labcheck.tune.measure import SizeResult, invoke, trimmed
from labcheck.tune.strategy import Point, balanced_score, recommend
from labcheck.tune.tuner import MemoryTuner, Seams, TuneSettings
from tests.helpers import AWS_TEST_ENV, PROJECT_ROOT

#: A CPU-bound function's curve: duration halves with memory up to one vCPU (1,769 MB), then
#: stays flat; cost is memory x duration, so it is flat, then rises.
CURVE = [
    Point(128, 2800.0, 0.00000620),
    Point(512, 700.0, 0.00000600),
    Point(1024, 350.0, 0.00000603),
    Point(1769, 205.0, 0.00000610),
    Point(3008, 200.0, 0.00001000),
]


def test_trimming_drops_the_fastest_and_slowest_fifth() -> None:
    values = [9.0, 1.0, 5.0, 3.0, 7.0, 2.0, 10.0, 4.0, 8.0, 6.0]
    assert trimmed(values, key=float) == [3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    assert trimmed([3.0, 1.0, 2.0], key=float) == [1.0, 2.0, 3.0]  # too few to drop any
    assert trimmed([5.0, 1.0, 9.0, 4.0, 2.0], key=float) == [2.0, 4.0, 5.0]


def test_each_strategy_picks_its_size_on_a_known_curve() -> None:
    assert recommend(CURVE, "cost").memory_mb == 512
    assert recommend(CURVE, "speed").memory_mb == 3008
    assert recommend(CURVE, "balanced").memory_mb == 1769
    assert recommend(CURVE, "balanced", weight=0.0).memory_mb == 3008  # weight 0: speed
    assert recommend(CURVE, "balanced", weight=1.0).memory_mb == 512  # weight 1: cost


def test_ties_go_to_the_faster_or_the_cheaper() -> None:
    even = [Point(512, 700.0, 0.000006), Point(1024, 350.0, 0.000006)]
    assert recommend(even, "cost").memory_mb == 1024
    same_speed = [Point(1769, 200.0, 0.000006), Point(3008, 200.0, 0.00001)]
    assert recommend(same_speed, "speed").memory_mb == 1769


def test_the_balanced_score_is_the_documented_formula() -> None:
    point = CURVE[3]
    expected = 0.3 * point.cost / 0.00001 + 0.7 * point.duration_ms / 2800.0
    assert balanced_score(point, CURVE, 0.3) == pytest.approx(expected)
    with pytest.raises(ValueError, match="between 0 and 1"):
        recommend(CURVE, "balanced", weight=1.5)
    with pytest.raises(ValueError, match="no memory size"):
        recommend([], "cost")


def report(memory: int, duration: float) -> str:
    return (
        f"START RequestId: r Version: $LATEST\nEND RequestId: r\n"
        f"REPORT RequestId: r\tDuration: {duration:.2f} ms\tBilled Duration: "
        f"{int(duration) + 1} ms\tMemory Size: {memory} MB\tMax Memory Used: 40 MB\t\n"
    )


class FakeLambda:
    """The few Lambda calls tune makes; ``fail_on_invoke`` injects a failure at that call."""

    def __init__(self, fail_on_invoke: int = 0, failure: BaseException | None = None) -> None:
        self.meta = SimpleNamespace(region_name="us-east-1")
        self.memory = 512
        self.memory_history: list[int] = []
        self.invokes = 0
        self.fail_on_invoke = fail_on_invoke
        self.failure = failure or RuntimeError("injected failure")
        self.function_error: str | None = None

    def get_function_configuration(self, **request: Any) -> dict[str, Any]:
        return {"MemorySize": self.memory, "LastUpdateStatus": "Successful"}

    def update_function_configuration(self, **request: Any) -> None:
        self.memory = request["MemorySize"]
        self.memory_history.append(self.memory)

    def invoke(self, **request: Any) -> dict[str, Any]:
        self.invokes += 1
        if self.invokes == self.fail_on_invoke:
            raise self.failure
        tail = base64.b64encode(report(self.memory, 100_000 / self.memory).encode()).decode()
        response: dict[str, Any] = {"LogResult": tail, "Payload": io.BytesIO(b"null")}
        if self.function_error:
            response["FunctionError"] = "Unhandled"
            response["Payload"] = io.BytesIO(self.function_error.encode())
        return response


def tuner(lam: FakeLambda, sizes: list[int], said: list[str] | None = None) -> MemoryTuner:
    seams = Seams(say=(said if said is not None else []).append)
    return MemoryTuner(lam, TuneSettings("f", sizes, runs=5), seams)


@pytest.mark.parametrize("failure", [RuntimeError("injected"), KeyboardInterrupt()])
def test_memory_is_restored_after_a_failure_part_way(failure: BaseException) -> None:
    lam = FakeLambda(fail_on_invoke=9, failure=failure)  # during the second size's runs
    said: list[str] = []
    with pytest.raises(type(failure)):
        tuner(lam, [128, 1024, 2048], said).run()
    assert lam.memory == 512
    assert lam.memory_history == [128, 1024, 512]
    assert said == ["Restored f's memory to 512 MB."]


def test_each_size_has_one_warm_up_then_the_timed_runs() -> None:
    lam = FakeLambda()
    results = tuner(lam, [128, 1024]).run()
    assert lam.invokes == 2 * (1 + 5)
    assert [(r.memory_mb, len(r.runs), len(r.kept)) for r in results] == [(128, 5, 3), (1024, 5, 3)]
    assert results[0].duration_ms == pytest.approx(100_000 / 128, abs=0.01)
    assert lam.memory == 512


def test_a_size_where_every_run_fails_is_marked() -> None:
    lam = FakeLambda()
    lam.function_error = json.dumps({"errorType": "ValueError", "errorMessage": "boom"})
    result = SizeResult(128, tuple(invoke(lam, "f", b"{}") for _ in range(3)))
    assert result.all_failed and result.point() is None and result.duration_ms is None
    assert result.errors == ["ValueError: boom"] * 3


def labcheck(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**AWS_TEST_ENV, "PATH": "/usr/bin:/bin", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    return subprocess.run(
        [sys.executable, "-m", "labcheck", "tune", "--function", "f", *args],
        capture_output=True, text=True, timeout=60, env=env, cwd=PROJECT_ROOT,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--memory", "abc"], "--memory: 'abc' is not a whole number of MB."),
        (["--memory", "128,64"], "--memory: 64 MB is outside Lambda's 128-10240 MB."),
        (["--memory", "20000"], "--memory: 20000 MB is outside Lambda's 128-10240 MB."),
        (["--payload", "no-such-file.json"], "--payload: cannot read no-such-file.json"),
        (["--runs", "0"], "--runs: '0' is not a whole number from 1 to 1000."),
        (["--weight", "2"], "--weight: '2' is not a number from 0 to 1."),
        (["--out", "curve.pdf"], "cannot save a plot as .pdf."),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: list[str], message: str) -> None:
    result = labcheck(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr


def test_a_payload_that_is_not_json_is_refused(tmp_path: Path) -> None:
    payload = tmp_path / "event.txt"
    payload.write_text("not json")
    result = labcheck("--payload", str(payload))
    assert result.returncode == 2 and "is not JSON" in result.stderr
    assert len(result.stderr.splitlines()) == 1
