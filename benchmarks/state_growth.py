"""Does localaws stay as fast with a classroom day's state as with an empty one?

Measures, each as a ratio taken in one run:
- a small ``PutObject`` on a full state (50,000 log events, 1,000 queued messages, a
  lab-sized stack) against the same call on an empty state, calls alternating;
- asynchronous invocations of a trivial handler, accepted -> on-success record in SQS;
- synchronous ``Invoke`` of a warm function from 4 client threads, and one warm ``Invoke``
  against ``GetFunctionConfiguration``;
- start-up with 100,000 log events and 1,000 objects saved;
- what an idle server writes in 3 s (nothing, if pollers and workers only write with work).

Run: ``.venv/bin/python -m benchmarks.state_growth``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.lambda_executor import client, deploy
from benchmarks.localaws_server import add_lab_state, running_server, seconds_to_healthy

TRIVIAL = "def lambda_handler(event, context):\n    return {'ok': True}\n"
ACCOUNT = "123456789012"
DONE_QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:done"


def fill_logs(endpoint: str, events: int, group: str = "/aws/lambda/classroom") -> None:
    logs = client(endpoint, "logs")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="day")
    now = int(time.time() * 1000)
    for batch in range(events // 5000):
        logs.put_log_events(
            logGroupName=group,
            logStreamName="day",
            logEvents=[
                {"timestamp": now, "message": f"START RequestId: {batch}-{i} Version: $LATEST"}
                for i in range(5000)
            ],
        )


def fill_queue(endpoint: str, messages: int) -> None:
    sqs = client(endpoint, "sqs")
    url = sqs.create_queue(QueueName="backlog")["QueueUrl"]
    for _ in range(messages // 10):
        entries = [{"Id": str(i), "MessageBody": "x" * 200} for i in range(10)]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


def alternating_medians(calls: list[Callable[[], object]], repeats: int) -> list[float]:
    samples: list[list[float]] = [[] for _ in calls]
    for call in calls:
        call()
    for _ in range(repeats):
        for call, own in zip(calls, samples, strict=True):
            started = time.perf_counter()
            call()
            own.append((time.perf_counter() - started) * 1000)
    return [statistics.median(own) for own in samples]


def put_object_call(endpoint: str) -> Callable[[], object]:
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket="small-writes")
    counter = iter(range(10**9))
    return lambda: s3.put_object(Bucket="small-writes", Key=f"k{next(counter)}", Body=b"0123456789")


def small_write_on_a_full_state() -> None:
    with running_server() as empty, running_server() as full:
        fill_logs(full, 50_000)
        fill_queue(full, 1000)
        add_lab_state(full)
        on_empty, on_full = alternating_medians(
            [put_object_call(empty), put_object_call(full)], 150
        )
    print(
        f"PutObject, full state vs empty: {on_full:.2f} vs {on_empty:.2f} ms "
        f"(ratio {on_full / on_empty:.2f}x, goal <= 1.5x)"
    )


def async_throughput(events: int = 300) -> None:
    with running_server() as endpoint:
        lam = deploy(endpoint, "trivial", TRIVIAL, memory=1769)
        sqs = client(endpoint, "sqs")
        url = sqs.create_queue(QueueName="done")["QueueUrl"]
        lam.put_function_event_invoke_config(
            FunctionName="trivial",
            DestinationConfig={
                "OnSuccess": {"Destination": f"arn:aws:sqs:us-east-1:{ACCOUNT}:done"}
            },
        )
        lam.invoke(FunctionName="trivial", Payload=b"{}")  # warm
        started = time.perf_counter()
        for number in range(events):
            lam.invoke(
                FunctionName="trivial", InvocationType="Event", Payload=json.dumps({"n": number})
            )
        accepted = time.perf_counter() - started
        deadline = time.time() + 600
        while time.time() < deadline:
            attributes = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            if int(attributes["ApproximateNumberOfMessages"]) >= events:
                break
            time.sleep(0.05)
        took = time.perf_counter() - started
    print(
        f"async: {events} accepted in {accepted:.1f} s, all on-success records in {took:.1f} s "
        f"({events / took:.0f} events/s, goal >= 50)"
    )


def sync_invokes(threads: int = 4, calls: int = 400) -> None:
    with running_server() as endpoint:
        lam = deploy(endpoint, "trivial", TRIVIAL, memory=1769)
        lam.put_function_concurrency(FunctionName="trivial", ReservedConcurrentExecutions=threads)
        clients = [client(endpoint, "lambda") for _ in range(threads)]
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda c: c.invoke(FunctionName="trivial", Payload=b"{}"), clients))
            started = time.perf_counter()
            list(pool.map(
                lambda n: clients[n % threads].invoke(FunctionName="trivial", Payload=b"{}"),
                range(calls),
            ))  # fmt: skip
            rate = calls / (time.perf_counter() - started)
        invoke_ms, config_ms = alternating_medians(
            [
                lambda: lam.invoke(FunctionName="trivial", Payload=b"{}"),
                lambda: lam.get_function_configuration(FunctionName="trivial"),
            ],
            150,
        )
    print(f"sync Invoke, {threads} client threads: {rate:.0f} per second (goal >= 100)")
    print(
        f"one warm Invoke vs GetFunctionConfiguration: {invoke_ms:.2f} vs {config_ms:.2f} ms "
        f"(ratio {invoke_ms / config_ms:.2f}x, goal <= 2x)"
    )


def start_up_with_a_big_state() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        state_dir = Path(scratch) / "big"
        with running_server(state_dir=state_dir) as endpoint:
            fill_logs(endpoint, 100_000)
            s3 = client(endpoint, "s3")
            s3.create_bucket(Bucket="many-objects")
            for number in range(1000):
                s3.put_object(Bucket="many-objects", Key=f"object-{number}", Body=b"x" * 100)
        took = [seconds_to_healthy(state_dir) for _ in range(3)]
        size = sum(p.stat().st_size for p in (state_dir / "state").rglob("*") if p.is_file())
    print(
        f"start to healthy with 100,000 log events and 1,000 objects: median "
        f"{statistics.median(took):.2f} s (goal <= 3 s); state on disk {size / 1e6:.1f} MB"
    )


def idle_writes() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        state_dir = Path(scratch) / "idle"
        with running_server(state_dir=state_dir) as endpoint:
            deploy(endpoint, "trivial", TRIVIAL)
            sqs = client(endpoint, "sqs")
            sqs.create_queue(QueueName="idle")
            client(endpoint, "lambda").create_event_source_mapping(
                EventSourceArn=f"arn:aws:sqs:us-east-1:{ACCOUNT}:idle", FunctionName="trivial"
            )
            time.sleep(1)
            before = _journal_bytes(state_dir)
            time.sleep(3)
            after = _journal_bytes(state_dir)
    print(f"idle server with a polled queue: {after - before} bytes written in 3 s (goal 0)")


def _journal_bytes(state_dir: Path) -> int:
    return sum(p.stat().st_size for p in (state_dir / "state").glob("*.log"))


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    small_write_on_a_full_state()
    async_throughput()
    sync_invokes()
    start_up_with_a_big_state()
    idle_writes()


if __name__ == "__main__":
    main()
