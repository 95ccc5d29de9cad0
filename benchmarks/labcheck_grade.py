"""Benchmark labcheck: a whole `labcheck grade` process vs a bare boto3 import and client.

Run against a localaws where the lab was set up:
``AWS_ENDPOINT_URL=http://127.0.0.1:4566 .venv/bin/python -m benchmarks.labcheck_grade``
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The localaws to grade comes from the environment, as ``eval "$(localaws env)"`` sets it.
ENV = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
BARE = "import boto3; boto3.client('sts').get_caller_identity()"


def seconds(command: list[str], repeats: int = 5) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, env=ENV, capture_output=True, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    if not os.environ.get("AWS_ENDPOINT_URL"):
        raise SystemExit(
            "run `eval \"$(localaws env)\"` for a localaws where 'labcheck setup' ran first"
        )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    labcheck = [sys.executable, "-m", "labcheck", "grade"]
    bare = seconds([sys.executable, "-c", BARE])
    grade = seconds([*labcheck, "--json"])
    with tempfile.TemporaryDirectory() as scratch:
        evidence = Path(scratch) / "evidence.json"
        subprocess.run([*labcheck, "--save-evidence", str(evidence)], env=ENV, capture_output=True)
        offline = seconds([*labcheck, "--evidence", str(evidence), "--json"])
    print(f"labcheck grade (all tasks, live): {grade:.2f} s vs bare boto3 import + call "
          f"{bare:.2f} s: {grade / bare:.2f}x (goal <= 3x)")  # fmt: skip
    print(f"labcheck grade --evidence (offline): {offline:.2f} s ({offline / bare:.2f}x)")


if __name__ == "__main__":
    main()
