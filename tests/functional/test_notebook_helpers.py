"""labcheck.connect(), Sandbox and the autograder's embedded localaws, against real servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from labcheck import Sandbox, connect
from labcheck.errors import CannotGradeError
from labcheck.notebook.lab import submission_key
from localaws.server.daemon import is_healthy, pid_alive
from tests.helpers import PROJECT_ROOT, ServerProcess, eventually

pytestmark = pytest.mark.server

HELLO = """
def lambda_handler(event, context):
    print("hello", event["name"])
    return {"greeting": f"hello {event['name']}", "memory": context.memory_limit_in_mb}
"""


def test_connect_says_which_account_and_the_sandbox_cleans_up(
    as_owner: ServerProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    server = as_owner
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


def test_connect_with_credentials_localaws_refuses_says_how_to_get_its_own(
    server: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    from labcheck.notebook import account

    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # a fresh kernel's: nothing cached
    account._client.cache_clear()
    with pytest.raises(CannotGradeError, match="refused these credentials") as caught:
        connect(endpoint_url=server.endpoint)  # the dummy ones every test starts with
    assert 'eval "$(localaws env)"' in caught.value.hint


def test_connect_to_a_stopped_localaws_says_how_to_start_it() -> None:
    with pytest.raises(CannotGradeError, match="localaws does not answer") as caught:
        connect(endpoint_url="http://127.0.0.1:9")
    assert "make lab" in caught.value.hint


EMBEDDED = """
import json, os
import labcheck
aws = labcheck.connect()
server = labcheck.autograde.server._own_server
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
    assert seen["key"].startswith("AKIA")  # the private localaws's own owner key
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
import labcheck.autograde.server
labcheck.autograde.server.start_for_nbgrader()
labcheck.autograde.server.start_for_nbgrader()  # nbgrader reads its config twice
runs = [
    json.loads(subprocess.run([sys.executable, "-c", {NOTEBOOK_RUN!r}], capture_output=True,
                              text=True, check=True).stdout.splitlines()[-1])
    for _ in range(2)
]
print(json.dumps({{"runs": runs, "pid": labcheck.autograde.server._own_server.process.pid}}))
"""


def run_as_nbgrader(script: str) -> Any:
    """Run ``script`` as nbgrader's autograde process would be (no live account); the JSON
    it prints last."""
    env = {
        **os.environ,
        "NBGRADER_EXECUTION": "autograde",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.splitlines()[-1])


def test_an_nbgrader_run_shares_one_localaws_emptied_for_each_notebook() -> None:
    seen = run_as_nbgrader(NBGRADER_PROCESS)
    first, second = seen["runs"]
    assert first["endpoint"] == second["endpoint"] != "http://127.0.0.1:9"
    assert first["found"] == second["found"] == []  # each run starts from an empty account
    assert first["kept"] == second["kept"] == ["made-by-this-run"]
    assert not is_healthy(first["endpoint"]) and not pid_alive(seen["pid"])  # gone with nbgrader


LAB_NOTEBOOK_RUN = """
import json, sys
import labcheck
from labcheck.autograde import server as autograde
import os
from localaws.api import admin_token, fetch_json
aws = labcheck.connect()
lab = labcheck.Lab(aws, way="code", task=sys.argv[1])
token = admin_token(os.environ[autograde.STATE_DIR_VARIABLE])
status = fetch_json(autograde.private_endpoint() + "/_localaws/status", token=token)[1]
print(json.dumps({"function": lab.function_exists(), "checkpoints": status["checkpoints"]}))
"""
LAB_RUN = f"""
import json, subprocess, sys
import labcheck.autograde.server
labcheck.autograde.server.start_for_nbgrader()
runs = []
for task in ("task2", "task4", "task1"):
    done = subprocess.run([sys.executable, "-c", {LAB_NOTEBOOK_RUN!r}, task],
                          capture_output=True, text=True, check=True)
    runs.append([done.stdout.splitlines()[:-1], json.loads(done.stdout.splitlines()[-1])])
print(json.dumps(runs))
"""


def test_the_lab_starting_point_is_built_once_per_run_then_restored() -> None:
    (task2_out, task2), (task4_out, task4), (task1_out, task1) = run_as_nbgrader(LAB_RUN)
    runtime = next(line.split()[-1] for line in task2_out if line.strip().startswith("runtime:"))
    base = f"lab+{runtime}+{submission_key(PROJECT_ROOT)}"  # the notebooks ran in PROJECT_ROOT
    # Task 2 built the set-up and task 1's function, keeping each stage.
    assert any("creating them now" in line for line in task2_out)
    assert task2 == {"function": True, "checkpoints": [base, f"{base}+task1"]}
    # Task 4 restored task 1's stage and added only the trigger: no second set-up.
    assert not any("creating them now" in line for line in task4_out)
    assert "Earlier task done the reference way for this run: task 2 (the S3 trigger)" in task4_out
    assert task4["checkpoints"] == [base, f"{base}+task1", f"{base}+task1+task2"]
    # Task 1 starts from the bare set-up: the function it must create is not there.
    assert task1["function"] is False
    assert not any("Earlier task" in line for line in task1_out)


def test_a_kernel_never_empties_a_localaws_its_run_did_not_start(
    server: ServerProcess, client_factory: Any
) -> None:
    """Parallel runs can race for a port: the endpoint alone is not trusted, the pid is."""
    client_factory("s3").create_bucket(Bucket="another-runs-work")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde",
           "LABCHECK_AUTOGRADE_ENDPOINT": server.endpoint,
           "LABCHECK_AUTOGRADE_PID": gone.stdout.strip()}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", "import labcheck; print(labcheck.connect().endpoint_url)"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert result.stdout.splitlines()[-1] not in ("", server.endpoint)  # its own instead
    buckets = [b["Name"] for b in client_factory("s3").list_buckets()["Buckets"]]
    assert "another-runs-work" in buckets
    client_factory("s3").delete_bucket(Bucket="another-runs-work")


KILLED_PARENT = """
import json, os, signal
from localaws.server.embedded import EmbeddedServer
server = EmbeddedServer().start()
print(json.dumps({"pid": server.process.pid, "state_dir": str(server.state_dir)}), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no atexit: as when a kernel is stopped at once
"""


def test_a_private_localaws_cleans_up_after_itself_when_its_parent_is_killed() -> None:
    result = subprocess.run(
        [sys.executable, "-c", KILLED_PARENT], cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    seen = json.loads(result.stdout.splitlines()[-1])
    state_dir = Path(seen["state_dir"])
    assert eventually(lambda: not pid_alive(seen["pid"]) and not state_dir.exists(), 20)
