"""Safe by default, against a real server: hostile zips are refused at upload, unsupported
operations answer a clean error at once, a stop during an invocation records nothing, and an
event that cannot run goes to failure handling once."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import (
    ServerProcess,
    aws_client,
    eventually,
    function_log_messages,
    server_status,
)
from tests.lab_build import client as lab_client
from tests.lab_fixtures import allow_s3_to_invoke, create_role, deploy, trigger_on_uploads

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("safe")
    process = ServerProcess(folder / "state", log_path=folder / "server.log").start()
    yield process
    process.stop()


def client(server: ServerProcess, service: str) -> Any:
    return lab_client(server.endpoint, service)


def hostile_zip(name: str, data: bytes = b"owned", mode: int = 0o100777) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lambda_function.py", "def lambda_handler(e, c):\n    return 1\n")
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("member", "mode", "reason"),
    [
        ("/home/learner/.ssh/config", 0o100777, "absolute path"),
        ("../../outside.txt", 0o100777, "climbs out"),
        ("link", 0o120777, "symbolic link"),
    ],
)
def test_hostile_zips_are_refused_at_upload(
    server: ServerProcess, member: str, mode: int, reason: str
) -> None:
    lam = client(server, "lambda")
    role = create_role(client(server, "iam"))
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as refused:
        lam.create_function(
            FunctionName="hostile",
            Runtime="python3.12",
            Role=role,
            Handler="lambda_function.lambda_handler",
            Code={"ZipFile": hostile_zip(member, mode=mode)},
        )
    message = refused.value.response["Error"]["Message"]
    assert message.startswith("Could not unzip uploaded file.") and reason in message
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.publish_layer_version(
            LayerName="hostile-layer", Content={"ZipFile": hostile_zip(member, mode=mode)}
        )
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_function(FunctionName="hostile")


def test_updating_code_to_a_hostile_zip_keeps_the_old_code(server: ServerProcess) -> None:
    lam = client(server, "lambda")
    deploy(lam, client(server, "iam"), "kept", "def lambda_handler(e, c):\n    return 'old'\n")
    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        lam.update_function_code(FunctionName="kept", ZipFile=hostile_zip("../x"))
    assert json.load(lam.invoke(FunctionName="kept")["Payload"]) == "old"


def test_an_unsupported_operation_is_a_clean_error_at_once(server: ServerProcess) -> None:
    sqs = aws_client(server.endpoint, "sqs", retries={"mode": "standard", "max_attempts": 3})
    attempts: list[int] = []
    sqs.meta.events.register("before-send", lambda **_: attempts.append(1))
    with pytest.raises(ClientError) as failed:
        sqs.list_message_move_tasks(SourceArn="arn:aws:sqs:us-east-1:123456789012:q")
    error = failed.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert error["Message"].startswith("localaws does not support ListMessageMoveTasks of sqs")
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert len(attempts) == 1  # never retried
    assert "Traceback" not in server.log()


def test_a_missing_object_is_still_s3s_plain_404(server: ServerProcess) -> None:
    """HEAD of a missing key is a bodiless 404 (the waiters rely on it), not an unsupported
    operation."""
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="heads")
    with pytest.raises(ClientError) as missing:
        s3.head_object(Bucket="heads", Key="not-yet.jpg")
    assert missing.value.response["Error"]["Code"] == "404"
    s3.put_object(Bucket="heads", Key="not-yet.jpg", Body=b"x")
    s3.get_waiter("object_exists").wait(Bucket="heads", Key="not-yet.jpg")


def test_an_event_that_cannot_run_goes_to_failure_handling_once(server: ServerProcess) -> None:
    lam, sqs = client(server, "lambda"), client(server, "sqs")
    failures = sqs.create_queue(QueueName="cannot-run-failures")["QueueUrl"]
    function_arn = lam.create_function(
        FunctionName="node-function",
        Runtime="nodejs20.x",  # localaws runs Python only: retrying cannot fix this
        Role=create_role(client(server, "iam")),
        Handler="index.handler",
        Code={"ZipFile": hostile_zip("index.js", b"exports.handler = async () => 1;", 0o100644)},
    )["FunctionArn"]
    lam.put_function_event_invoke_config(
        FunctionName="node-function",
        DestinationConfig={
            "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:cannot-run-failures"}
        },
    )
    # An S3 trigger queues the event directly (an Invoke call would be refused at once).
    s3 = client(server, "s3")
    s3.create_bucket(Bucket="node-uploads")
    allow_s3_to_invoke(lam, "node-function", "node-uploads")
    trigger_on_uploads(s3, "node-uploads", function_arn)
    s3.put_object(Bucket="node-uploads", Key="photo.jpg", Body=b"x")
    received: list[dict[str, Any]] = []

    def delivered() -> bool:
        answer = sqs.receive_message(QueueUrl=failures, MaxNumberOfMessages=10)
        received.extend(json.loads(m["Body"]) for m in answer.get("Messages", []))
        return bool(received)

    assert eventually(delivered, deadline=30)
    [record] = received
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"]["Records"][0]["s3"]["object"]["key"] == "photo.jpg"
    status = server.endpoint
    assert eventually(lambda: server_status(status)["lambda"]["queued_events"] == 0)
    assert server.log().count("cannot be run; it goes to failure handling") == 1


SLEEPER = (
    "import time\n"
    "def lambda_handler(event, context):\n"
    "    time.sleep(event['seconds'])\n"
    "    return 'done'\n"
)


def report_lines(endpoint: str, function: str) -> list[str]:
    """The REPORT lines, and any error a handler or init logged."""
    messages = function_log_messages(endpoint, function)
    return [message for message in messages if message.startswith(("REPORT", "{", "["))]


def test_stop_during_invocations_records_nothing_and_keeps_queued_events(
    tmp_path: Path,
) -> None:
    process = ServerProcess(tmp_path / "state", log_path=tmp_path / "server.log").start()
    lam, iam = lab_client(process.endpoint, "lambda"), lab_client(process.endpoint, "iam")
    deploy(lam, iam, "sync-sleeper", SLEEPER, Timeout=60)
    deploy(lam, iam, "slow-init", "import time\ntime.sleep(30)\n" + SLEEPER, Timeout=60)
    deploy(lam, iam, "async-sleeper", SLEEPER, Timeout=60)
    outcomes: dict[str, Any] = {}

    def invoke_sync(name: str) -> None:
        try:
            outcomes[name] = lam.invoke(FunctionName=name, Payload=b'{"seconds": 30}')
        except Exception as error:
            outcomes[name] = error

    callers = [
        threading.Thread(target=invoke_sync, args=(name,)) for name in ("sync-sleeper", "slow-init")
    ]
    for caller in callers:
        caller.start()
    lam.invoke(FunctionName="async-sleeper", InvocationType="Event", Payload=b'{"seconds": 6}')
    status = process.endpoint
    # Busy: one handler running, one still in its 30 s init, one asynchronous event running.
    assert eventually(lambda: server_status(status)["lambda"]["environments"]["busy"] == 3, 30)

    started = time.monotonic()
    process.stop()
    assert time.monotonic() - started < 15  # not the 30 s the handlers would take
    for caller in callers:
        caller.join(30)
    assert all(not isinstance(outcome, dict) for outcome in outcomes.values())  # none succeeded
    assert "Traceback" not in process.log()

    process.start()
    for name in ("sync-sleeper", "slow-init"):  # no spurious Runtime.ExitError or init error
        assert report_lines(process.endpoint, name) == []
    # The event in flight at the stop is still queued, and runs once after the restart.
    assert eventually(lambda: len(report_lines(process.endpoint, "async-sleeper")) == 1, 30)
    [report] = report_lines(process.endpoint, "async-sleeper")
    assert "Status: error" not in report
    process.stop()
