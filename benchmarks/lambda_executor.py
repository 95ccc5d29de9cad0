"""Benchmark the Lambda executor: warm and cold invokes, throughput, CPU scaling with memory.

Run: ``.venv/bin/python -m benchmarks.lambda_executor``. Starts its own localaws servers on
free loopback ports with throw-away state.
"""

from __future__ import annotations

import base64
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from botocore.config import Config

from benchmarks.localaws_server import admin_status, free_port, median_ms, use_server
from benchmarks.localaws_server import client as server_client
from localaws.api import find_python

ENV = {"AWS_DEFAULT_REGION": "us-east-1"}
ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": []})
TRIVIAL = "def lambda_handler(event, context):\n    return 1\n"
CPU_BOUND = (
    "def lambda_handler(event, context):\n"
    "    total = 0\n"
    "    for number in range(event['n']):\n"
    "        total += number * number\n"
    "    return total\n"
)


@contextmanager
def server(cpu_mode: str = "auto") -> Iterator[str]:
    with tempfile.TemporaryDirectory() as scratch:
        port = str(free_port())
        env = {**os.environ, **ENV, "AWS_DEFAULT_REGION": "us-east-1"}
        env["LOCALAWS_CPU_THROTTLE"] = cpu_mode
        base = [sys.executable, "-m", "localaws"]
        subprocess.run([*base, "start", "--port", port, "--state-dir", scratch], check=True,
                       env=env, capture_output=True)  # fmt: skip
        use_server(scratch, f"http://127.0.0.1:{port}")
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            subprocess.run([*base, "stop", "--state-dir", scratch], env=env, capture_output=True)


def client(endpoint: str, service: str) -> Any:
    config = Config(retries={"max_attempts": 1}, read_timeout=300)
    return server_client(endpoint, service, region_name="us-east-1", config=config)


def deploy(endpoint: str, name: str, source: str, memory: int = 1769) -> Any:
    iam = client(endpoint, "iam")
    try:
        role = iam.get_role(RoleName="bench")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=ROLE_POLICY)["Role"][
            "Arn"
        ]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("lambda_function.py", source)
    lam = client(endpoint, "lambda")
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, MemorySize=memory,
                        Handler="lambda_function.lambda_handler", Timeout=300,
                        Code={"ZipFile": package.getvalue()})  # fmt: skip
    return lam


def logged(response: dict[str, Any], field: str) -> float:
    text = base64.b64decode(response["LogResult"]).decode()
    match = re.search(rf"\t{field}: (\d+\.\d+) ms", text)
    assert match, text
    return float(match.group(1))


def warm_versus_control_plane(endpoint: str) -> None:
    lam = deploy(endpoint, "warm", TRIVIAL)
    lam.invoke(FunctionName="warm")
    invoke_ms = median_ms(lambda: lam.invoke(FunctionName="warm")["Payload"].read(), 100)
    control_ms = median_ms(lambda: lam.get_function_configuration(FunctionName="warm"), 100)
    print(f"warm invoke p50 {invoke_ms:.2f} ms vs GetFunctionConfiguration p50 {control_ms:.2f} ms:"
          f" {invoke_ms / control_ms:.2f}x (goal <= 3x)")  # fmt: skip


def cold_versus_bare_interpreter(endpoint: str) -> None:
    lam = deploy(endpoint, "cold", TRIVIAL)
    inits = []
    for number in range(10):
        lam.update_function_configuration(
            FunctionName="cold", Environment={"Variables": {"RUN": str(number)}}
        )
        inits.append(logged(lam.invoke(FunctionName="cold", LogType="Tail"), "Init Duration"))
    python = find_python(12, os.environ) or "python3"
    bare = median_ms(lambda: subprocess.run([python, "-S", "-c", "pass"], check=True), 10)
    init = statistics.median(inits)
    print(f"cold start Init Duration p50 {init:.2f} ms vs bare `python3.12 -S -c pass` "
          f"{bare:.2f} ms: {init / bare:.2f}x (goal <= 4x)")  # fmt: skip


def throughput_with_two_environments(endpoint: str, seconds: float = 5.0) -> None:
    lam = deploy(endpoint, "busy", TRIVIAL)
    lam.put_function_concurrency(FunctionName="busy", ReservedConcurrentExecutions=2)
    counts = [0, 0]
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        own = client(endpoint, "lambda")
        while time.monotonic() < deadline:
            own.invoke(FunctionName="busy")["Payload"].read()
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"throughput with 2 environments: {sum(counts) / seconds:.1f} invocations/s")


def cpu_curve(endpoint: str, mode: str) -> None:
    sizes = (128, 512, 1024, 1769, 3008)
    durations = {}
    for memory in sizes:
        lam = deploy(endpoint, f"cpu_{memory}", CPU_BOUND, memory)
        lam.invoke(FunctionName=f"cpu_{memory}", Payload=b'{"n": 10}')
        runs = [
            logged(
                lam.invoke(FunctionName=f"cpu_{memory}", Payload=b'{"n": 600000}', LogType="Tail"),
                "Duration",
            )
            for _ in range(3)
        ]
        durations[memory] = statistics.median(runs)
    print(f"CPU scaling ({mode}), CPU-bound handler, median of 3 warm runs:")
    for memory in sizes:
        model = max(1769 / memory, 1.0)
        relative = durations[memory] / durations[1769]
        print(
            f"  {memory:>5} MB: {durations[memory]:8.1f} ms, "
            f"{relative:.2f}x of 1769 MB (model {model:.2f}x)"
        )


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with server() as endpoint:
        warm_versus_control_plane(endpoint)
        cold_versus_bare_interpreter(endpoint)
        throughput_with_two_environments(endpoint)
        cpu_curve(endpoint, "auto: " + _mode(endpoint))
    with server("duty-cycle") as endpoint:
        cpu_curve(endpoint, _mode(endpoint))


def _mode(endpoint: str) -> str:
    return str(admin_status(endpoint)["cpu_throttle_mode"])


if __name__ == "__main__":
    if not Path("pyproject.toml").exists():
        raise SystemExit(
            "run from the project root: .venv/bin/python -m benchmarks.lambda_executor"
        )
    main()
