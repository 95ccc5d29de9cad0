"""Benchmark the localaws server: start-up, control-plane round trip, persistence cost per write.

Run: ``.venv/bin/python -m benchmarks.localaws_server``. Servers run on free loopback ports
with throw-away state directories; nothing touches a real AWS account.
"""

from __future__ import annotations

import io
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from localaws.api import admin_token, client_environment, fetch_json

ENV = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"


#: The state dir of each server this process started, by endpoint (for its admin token).
_STATE_DIRS: dict[str, Path] = {}


def use_server(state_dir: str | Path, endpoint: str) -> None:
    """Sign this process's calls as the owner of that localaws (``localaws env``'s source)."""
    _STATE_DIRS[endpoint] = Path(state_dir)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.update(client_environment(Path(state_dir), endpoint))
    os.environ.pop("AWS_ENDPOINT_URL")  # each client names its endpoint


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def localaws(*args: str) -> None:
    command = [sys.executable, "-m", "localaws", *args]
    subprocess.run(command, check=True, env=ENV, capture_output=True, text=True)


@contextmanager
def running_server(*extra: str, state_dir: Path | None = None) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as scratch:
        directory = str(state_dir or Path(scratch) / "state")
        port = str(free_port())
        localaws("start", "--port", port, "--state-dir", directory, *extra)
        use_server(directory, f"http://127.0.0.1:{port}")
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            localaws("stop", "--state-dir", directory)


def admin_status(endpoint: str) -> dict[str, Any]:
    """``/_localaws/status`` of a server this process started, as its owner."""
    token = admin_token(_STATE_DIRS[endpoint])
    return fetch_json(f"{endpoint}/_localaws/status", token=token)[1]


def incompressible_zip(size: int) -> bytes:
    """A zip of about ``size`` bytes (localaws, like AWS, refuses a layer that is no zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("python/blob.bin", os.urandom(size))
    return buffer.getvalue()


def client(endpoint: str, service: str, **settings: Any) -> Any:
    """A client of a server this process started, signed with that server's owner keys (two
    servers at once each have their own); another endpoint gets the environment's."""
    return boto3.client(service, endpoint_url=endpoint, **owner_keys(endpoint), **settings)


def owner_keys(endpoint: str) -> dict[str, str]:
    state_dir = _STATE_DIRS.get(endpoint)
    if state_dir is None:
        return {}
    env = client_environment(state_dir, endpoint)
    return {
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
    }


def seconds_to_healthy(state_dir: Path) -> float:
    port = str(free_port())
    started = time.perf_counter()
    localaws("start", "--port", port, "--state-dir", str(state_dir))
    took = time.perf_counter() - started
    localaws("stop", "--state-dir", str(state_dir))
    return took


def add_lab_state(endpoint: str) -> None:
    """The lab's starting resources in size: a stack, a 5 MB image, a 4 MB layer, a function."""
    client(endpoint, "cloudformation").create_stack(
        StackName="serverless-lab",
        TemplateBody='{"Resources": {"Original": {"Type": "AWS::S3::Bucket"}}}',
    )
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket="bench-original")
    s3.put_object(Bucket="bench-original", Key="image.jpg", Body=os.urandom(5_000_000))
    client(endpoint, "lambda").publish_layer_version(
        LayerName="PillowPythonLambdaLayer", Content={"ZipFile": incompressible_zip(4_000_000)}
    )


def median_ms(call: Callable[[], object], repeats: int) -> float:
    call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def write_overhead(lab_state: bool, repeats: int, keys: int = 0) -> tuple[float, float]:
    """Median ms of a small PutObject with persistence on and off, alternating between them.

    Each call writes a new object (the bucket grows by ``repeats`` objects), or with ``keys``
    one of that many objects again (the state keeps its size).
    """
    with running_server() as durable, running_server("--no-persist") as volatile:
        buckets = []
        for endpoint in (durable, volatile):
            if lab_state:
                add_lab_state(endpoint)
            s3 = client(endpoint, "s3")
            s3.create_bucket(Bucket="bench-writes")
            buckets.append(s3)
        counter = iter(range(10**9))
        on: list[float] = []
        off: list[float] = []
        for _ in range(repeats):
            for s3, samples in ((buckets[0], on), (buckets[1], off)):
                number = next(counter)
                key = f"k{number % keys if keys else number}"
                started = time.perf_counter()
                s3.put_object(Bucket="bench-writes", Key=key, Body=b"0123456789")
                samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(on), statistics.median(off)


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        empty = [seconds_to_healthy(Path(scratch) / f"empty{i}") for i in range(3)]
        lab_dir = Path(scratch) / "lab"
        with running_server(state_dir=lab_dir) as endpoint:
            add_lab_state(endpoint)
        with_lab = [seconds_to_healthy(lab_dir) for _ in range(3)]
    print(f"start to healthy, empty state: median {statistics.median(empty):.2f} s (goal <= 3 s)")
    print(f"start to healthy, lab state:   median {statistics.median(with_lab):.2f} s")

    with running_server() as endpoint:
        lam = client(endpoint, "lambda")
        sqs = client(endpoint, "sqs")
        queue = sqs.create_queue(QueueName="bench")["QueueUrl"]
        list_ms = median_ms(lambda: lam.list_functions(), 200)
        attrs_ms = median_ms(lambda: sqs.get_queue_attributes(QueueUrl=queue), 200)
    print(f"control-plane round trip: ListFunctions median {list_ms:.2f} ms")
    print(f"control-plane round trip: SQS GetQueueAttributes median {attrs_ms:.2f} ms")

    for label, lab_state, keys in (
        ("small state, a new object each time", False, 0),
        ("lab state, a new object each time", True, 0),
        ("lab state, 10 objects written over and over", True, 10),
    ):
        on, off = write_overhead(lab_state, 150, keys)
        print(
            f"PutObject with persistence, {label}: {on:.2f} ms vs {off:.2f} ms without "
            f"(ratio {on / off:.2f}x, +{on - off:.2f} ms per write)"
        )


if __name__ == "__main__":
    main()
