"""labcheck tune against localaws: a tiny CPU-bound function at three sizes, three runs each."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import PROJECT_ROOT, ServerProcess
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server

TINY = """
def lambda_handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    total = 0
    for number in range(event["n"]):
        total += number
    return total
"""


def labcheck_tune(server: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **server.client_env}
    return subprocess.run(
        [sys.executable, "-m", "labcheck", "tune", *args],
        capture_output=True, text=True, timeout=240, env=env, cwd=PROJECT_ROOT,
    )  # fmt: skip


def test_tune_measures_each_size_recommends_and_restores_memory(
    server: ServerProcess, client_factory: Callable[[str], Any], tmp_path: Path
) -> None:
    lam = client_factory("lambda")
    deploy(lam, client_factory("iam"), "tiny", TINY, MemorySize=256)
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps({"n": 300_000}))
    out = {name: tmp_path / name for name in ("r.csv", "r.json", "curve.png")}
    result = labcheck_tune(
        server, "--function", "tiny", "--memory", "128,1024,1769", "--runs", "3",
        "--payload", str(payload), "--strategy", "speed", "--parallel", "2",
        "--csv", str(out["r.csv"]), "--json", str(out["r.json"]), "--out", str(out["curve.png"]),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restored tiny's memory to 256 MB." in result.stderr
    assert lam.get_function_configuration(FunctionName="tiny")["MemorySize"] == 256
    document = json.loads(out["r.json"].read_text())
    sizes = {row["memory_mb"]: row for row in document["sizes"]}
    assert list(sizes) == [128, 1024, 1769]
    assert all(row["runs"] == 3 and row["errors"] == 0 for row in sizes.values())
    # CPU follows memory (128 MB gets 1/14 of a vCPU); short runs on a busy machine blur it
    assert sizes[128]["avg_duration_ms"] > 1.5 * sizes[1769]["avg_duration_ms"]
    chosen = document["recommended_memory_mb"]
    assert chosen in (1024, 1769) and f"Recommended (speed): {chosen} MB" in result.stdout
    rows = list(csv.DictReader(out["r.csv"].open()))
    assert [row["memory_mb"] for row in rows] == ["128", "1024", "1769"]
    assert out["curve.png"].read_bytes().startswith(b"\x89PNG")
    assert "1769 MB" in result.stdout and "trimmed means" in result.stdout


def test_a_size_where_every_run_fails_is_reported(
    server: ServerProcess, client_factory: Callable[[str], Any], tmp_path: Path
) -> None:
    deploy(client_factory("lambda"), client_factory("iam"), "always_fails", TINY)
    payload = tmp_path / "fail.json"
    payload.write_text('{"fail": true}')
    result = labcheck_tune(
        server, "--function", "always_fails", "--memory", "128", "--runs", "2",
        "--payload", str(payload),
    )  # fmt: skip
    assert result.returncode == 2
    assert "all 2 runs failed" in result.stdout
    assert "128 MB: 2 of 2 runs failed, first: ValueError: asked to fail" in result.stdout
    assert result.stderr.splitlines()[-1] == (
        "labcheck: error: every run of always_fails failed at every size. "
        "Fix the errors above first."
    )


def test_an_unknown_function_is_one_line_and_exit_2(server: ServerProcess) -> None:
    result = labcheck_tune(server, "--function", "nope", "--memory", "128", "--runs", "1")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "labcheck: error: there is no function named nope in us-east-1. Check the name (and "
        "--region).\n"
    )
