"""labcheck.connect(), Sandbox and the autograder's embedded localaws, against real servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from labcheck import Sandbox, connect
from labcheck.errors import CannotGradeError
from localaws.daemon import is_healthy, pid_alive
from tests.helpers import PROJECT_ROOT, ServerProcess

pytestmark = pytest.mark.server

HELLO = """
def lambda_handler(event, context):
    print("hello", event["name"])
    return {"greeting": f"hello {event['name']}", "memory": context.memory_limit_in_mb}
"""


def test_connect_says_which_account_and_the_sandbox_cleans_up(
    server: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    aws = connect(endpoint_url=server.endpoint)
    assert f"Connected: localaws (offline, no AWS account) at {server.endpoint}" in (
        capsys.readouterr().out
    )
    assert aws.offline and aws.account_id == "123456789012"
    demo = Sandbox(aws, prefix="demo-test")
    demo.function("hello", HELLO, memory=256)
    first, second = demo.invoke("hello", {"name": "Ada"}), demo.invoke("hello", {"name": "Bo"})
    assert first.payload == {"greeting": "hello Ada", "memory": "256"}
    assert first.report is not None and first.report.init_ms is not None  # a cold start
    assert second.report is not None and second.report.init_ms is None  # then warm
    assert "hello Bo" in second.log
    assert any("hello Ada" in line for line in demo.log_messages("hello"))
    demo.queue("jobs.fifo")
    demo.cleanup()
    lam, sqs = aws.client("lambda"), aws.client("sqs")
    assert not [
        f for f in lam.list_functions()["Functions"] if f["FunctionName"].startswith("demo-")
    ]
    assert not sqs.list_queues().get("QueueUrls")


def test_connect_to_a_stopped_localaws_says_how_to_start_it() -> None:
    with pytest.raises(CannotGradeError, match="localaws does not answer") as caught:
        connect(endpoint_url="http://127.0.0.1:9")
    assert "make lab" in caught.value.hint


EMBEDDED = """
import json, os
import labcheck
aws = labcheck.connect()
server = labcheck.account._embedded
print(json.dumps({"endpoint": aws.endpoint_url, "env": os.environ["AWS_ENDPOINT_URL"],
                  "key": os.environ["AWS_ACCESS_KEY_ID"], "pid": server.process.pid}))
"""


def test_under_the_autograder_connect_starts_a_private_localaws_that_ends_with_the_run() -> None:
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde", "AWS_PROFILE": "production",
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", EMBEDDED], env=env, cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=120, check=True,
    )  # fmt: skip
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["endpoint"] == seen["env"] != "http://127.0.0.1:9"
    assert seen["key"] == "testing"
    assert not is_healthy(seen["endpoint"]) and not pid_alive(seen["pid"])


NOTEBOOK_RUN = """
import json
import labcheck
aws = labcheck.connect()
s3 = aws.client("s3")
found = [b["Name"] for b in s3.list_buckets()["Buckets"]]
s3.create_bucket(Bucket="made-by-this-run")
again = labcheck.connect()  # a second connect in the same run does not empty the account
kept = [b["Name"] for b in again.client("s3").list_buckets()["Buckets"]]
print(json.dumps({"endpoint": aws.endpoint_url, "found": found, "kept": kept}))
"""
NBGRADER_PROCESS = f"""
import json, subprocess, sys
import labcheck.account
labcheck.account.start_autograde_localaws()
labcheck.account.start_autograde_localaws()  # nbgrader reads its config twice
runs = [
    json.loads(subprocess.run([sys.executable, "-c", {NOTEBOOK_RUN!r}], capture_output=True,
                              text=True, check=True).stdout.splitlines()[-1])
    for _ in range(2)
]
print(json.dumps({{"runs": runs, "pid": labcheck.account._embedded.process.pid}}))
"""


def test_an_nbgrader_run_shares_one_localaws_emptied_for_each_notebook() -> None:
    env = {
        **os.environ,
        "NBGRADER_EXECUTION": "autograde",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [sys.executable, "-c", NBGRADER_PROCESS], env=env, cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip
    seen = json.loads(result.stdout.splitlines()[-1])
    first, second = seen["runs"]
    assert first["endpoint"] == second["endpoint"] != "http://127.0.0.1:9"
    assert first["found"] == second["found"] == []  # each run starts from an empty account
    assert first["kept"] == second["kept"] == ["made-by-this-run"]
    assert not is_healthy(first["endpoint"]) and not pid_alive(seen["pid"])  # gone with nbgrader
