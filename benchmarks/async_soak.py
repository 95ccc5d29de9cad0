"""Soak the asynchronous queue: 1,000 events, reserved concurrency 2, a 10 % failing handler.

Every event must end exactly once in the on-success or the on-failure destination (failing
ones after their 2 retries). Prints throughput, queue latency (accepted -> outcome) and the
server's resident memory after each round.
Run: ``.venv/bin/python -m benchmarks.async_soak [ROUNDS] [drop-logs]`` (default 1 round; more
rounds on the same server show whether its memory keeps growing; ``drop-logs`` deletes the
function's log group after each round, as a retention policy would, to tell the account's
data from a leak).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.lambda_executor import client, deploy
from benchmarks.localaws_server import free_port, use_server

EVENTS = 1000
HANDLER = (
    "def lambda_handler(event, context):\n"
    "    if event['n'] % 10 == 0:\n"
    "        raise ValueError('unlucky ' + str(event['n']))\n"
    "    return event['n']\n"
)


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        port = str(free_port())
        env = {**os.environ, "LOCALAWS_ASYNC_RETRY_SCALE": "0.01"}
        base = [sys.executable, "-m", "localaws"]
        subprocess.run([*base, "start", "--port", port, "--state-dir", scratch], env=env,
                       check=True, capture_output=True)  # fmt: skip
        use_server(scratch, f"http://127.0.0.1:{port}")
        try:
            rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
            run(f"http://127.0.0.1:{port}", rounds, drop_logs="drop-logs" in sys.argv[2:])
        finally:
            subprocess.run([*base, "stop", "--state-dir", scratch], env=env, capture_output=True)


def run(endpoint: str, rounds: int = 1, drop_logs: bool = False) -> None:
    lam = deploy(endpoint, "soak", HANDLER, memory=1769)
    sqs = client(endpoint, "sqs")
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("ok", "failed")}
    lam.put_function_concurrency(FunctionName="soak", ReservedConcurrentExecutions=2)
    lam.put_function_event_invoke_config(
        FunctionName="soak",
        DestinationConfig={
            "OnSuccess": {"Destination": "arn:aws:sqs:us-east-1:123456789012:ok"},
            "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:failed"},
        },
    )
    for number in range(1, rounds + 1):
        soak(lam, sqs, urls)
        if drop_logs:
            client(endpoint, "logs").delete_log_group(logGroupName="/aws/lambda/soak")
        print(f"server resident memory after round {number}: {server_rss_mb(endpoint):.0f} MB")


def soak(lam: Any, sqs: Any, urls: dict[str, str]) -> None:
    """One round of EVENTS events, each to end exactly once in a destination."""
    accepted: dict[int, float] = {}
    started = time.time()
    for number in range(EVENTS):
        lam.invoke(FunctionName="soak", InvocationType="Event", Payload=json.dumps({"n": number}))
        accepted[number] = time.time()
    submitted = time.time() - started
    outcomes: dict[str, list[dict[str, Any]]] = {"ok": [], "failed": []}
    deadline = time.time() + 1800
    while sum(map(len, outcomes.values())) < EVENTS and time.time() < deadline:
        for name, url in urls.items():
            outcomes[name] += drain(sqs, url)
        time.sleep(0.5)
    took = time.time() - started
    ok = [record["requestPayload"]["n"] for record in outcomes["ok"]]
    failed = [record["requestPayload"]["n"] for record in outcomes["failed"]]
    counts = [record["requestContext"]["approximateInvokeCount"] for record in outcomes["failed"]]
    latency = [
        datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")).timestamp()
        - accepted[r["requestPayload"]["n"]]
        for r in outcomes["ok"]
    ]
    assert sorted(ok + failed) == list(range(EVENTS)), "an event was lost or duplicated"
    assert sorted(failed) == list(range(0, EVENTS, 10)) and set(counts) == {3}
    print(
        f"{EVENTS} events accepted in {submitted:.1f} s; all outcomes in {took:.1f} s "
        f"({EVENTS / took:.1f} events/s, {(EVENTS + 2 * len(failed)) / took:.1f} invocations/s)"
    )
    print(f"successes {len(ok)}, failures {len(failed)} (each after 3 attempts), none lost or "
          "duplicated")  # fmt: skip
    print(f"queue latency for successes (accepted -> outcome): p50 {statistics.median(latency):.1f}"
          f" s, p95 {statistics.quantiles(latency, n=20)[18]:.1f} s")  # fmt: skip


def server_rss_mb(endpoint: str) -> float:
    """The server's resident set size, from /proc (its pid from the health endpoint)."""
    with urllib.request.urlopen(f"{endpoint}/_localaws/health") as response:
        pid = json.loads(response.read())["pid"]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
