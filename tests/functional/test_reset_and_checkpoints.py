"""A reset empties the account for real: no warm environment, queued event or late log survives.
A checkpoint brings back exactly the state it saved, as often as asked."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ServerProcess, admin_json, aws_client, eventually, server_status
from tests.lab_fixtures import deploy, wait_until_ready

pytestmark = pytest.mark.server

COUNTER_SOURCE = """
CALLS = 0

def lambda_handler(event, context):
    global CALLS
    CALLS += 1
    return CALLS
"""
SLOW_SOURCE = """
import time

def lambda_handler(event, context):
    time.sleep(3)
    print("finished after the reset")
"""


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path / "state").start()
    yield server
    server.stop()


def client(server: ServerProcess, service: str) -> Any:
    return aws_client(server.endpoint, service)


def lambda_status(server: ServerProcess) -> dict[str, Any]:
    status: dict[str, Any] = server_status(server.endpoint)["lambda"]
    return status


def invoke(lam: Any, name: str) -> tuple[Any, str]:
    response = lam.invoke(FunctionName=name, LogType="Tail")
    return json.loads(response["Payload"].read()), base64.b64decode(response["LogResult"]).decode()


def test_reset_drops_warm_environments_queued_events_and_late_records(
    own_server: ServerProcess,
) -> None:
    lam, iam, logs = (client(own_server, s) for s in ("lambda", "iam", "logs"))
    deploy(lam, iam, "counter", COUNTER_SOURCE)
    deploy(lam, iam, "slow", SLOW_SOURCE, Timeout=10)
    lam.put_function_concurrency(FunctionName="slow", ReservedConcurrentExecutions=1)
    assert invoke(lam, "counter")[0] == 1
    assert invoke(lam, "counter")[0] == 2  # warm: the module's global survived
    lam.invoke(FunctionName="slow", InvocationType="Event", Payload=b"{}")
    lam.invoke(FunctionName="slow", InvocationType="Event", Payload=b"{}")
    assert eventually(lambda: lambda_status(own_server)["environments"]["busy"] == 1, 30)
    assert lambda_status(own_server)["queued_events"] == 2  # one running, one throttled

    code, body = admin_json(own_server.endpoint, "reset", "POST")
    assert code == 200 and body == {"status": "reset"}
    status = lambda_status(own_server)
    assert status["environments"] == {"warm": 0, "provisioned": 0, "busy": 0}
    assert status["queued_events"] == 0  # the second slow event never runs
    assert lam.list_functions()["Functions"] == []

    deploy(lam, iam, "counter", COUNTER_SOURCE)  # the same code and settings as before
    calls, log_tail = invoke(lam, "counter")
    assert calls == 1 and "Init Duration" in log_tail  # a cold start, not the old environment
    # The slow run cut short by the reset writes nothing into the emptied account.
    assert not eventually(
        lambda: bool(logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/slow")["logGroups"]),
        deadline=3,
    )


def post(server: ServerProcess, path: str) -> tuple[int, dict[str, Any]]:
    return admin_json(server.endpoint, path, "POST")


def test_a_checkpoint_brings_back_what_it_saved_every_time(own_server: ServerProcess) -> None:
    lam, iam, s3 = (client(own_server, s) for s in ("lambda", "iam", "s3"))
    s3.create_bucket(Bucket="kept")
    s3.put_object(Bucket="kept", Key="photo.jpg", Body=b"x" * 100_000)  # a blob-sized value
    deploy(lam, iam, "counter", COUNTER_SOURCE, MemorySize=256)
    assert invoke(lam, "counter")[0] == 1
    assert post(own_server, "checkpoints/lab-start") == (200, {"saved": "lab-start"})
    code, body = post(own_server, "checkpoints/lab-start")  # kept as saved: never overwritten
    assert code == 409 and "exists already" in body["message"]

    for round_ in range(2):
        s3.delete_object(Bucket="kept", Key="photo.jpg")
        s3.create_bucket(Bucket=f"made-later-{round_}")
        lam.update_function_configuration(FunctionName="counter", MemorySize=1024)
        wait_until_ready(lam, "counter")
        assert invoke(lam, "counter")[0] == 1  # a new environment for the new memory size
        assert post(own_server, "checkpoints/lab-start/restore") == (200, {"restored": "lab-start"})
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["kept"]
        assert s3.get_object(Bucket="kept", Key="photo.jpg")["Body"].read() == b"x" * 100_000
        assert lam.get_function_configuration(FunctionName="counter")["MemorySize"] == 256
        calls, log_tail = invoke(lam, "counter")
        assert calls == 1 and "Init Duration" in log_tail  # no environment outlives a restore

    status = server_status(own_server.endpoint)
    assert status["checkpoints"] == ["lab-start"]
    assert admin_json(own_server.endpoint, "checkpoints")[1] == {"checkpoints": ["lab-start"]}
    code, body = post(own_server, "checkpoints/nothing-here/restore")
    assert code == 404 and "No checkpoint named nothing-here" in body["message"]
    assert post(own_server, "checkpointsX/lab-start/restore")[0] == 404  # not a checkpoint path
    code, body = post(own_server, "checkpoints/../etc")
    assert code == 400 and "POST /_localaws/checkpoints/NAME" in body["message"]
