"""Lambda's limits: timeout, memory, exits, payload sizes, concurrency, idle reaping."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import ServerProcess, aws_client, eventually, server_status
from tests.lab_fixtures import deploy

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def reaping_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server whose idle environments are reaped after one second."""
    process = ServerProcess(
        tmp_path_factory.mktemp("reaping"), env={"LOCALAWS_LAMBDA_IDLE_SECONDS": "1"}
    )
    process.start()
    yield process
    process.stop()


def clients(server: ServerProcess) -> tuple[Any, Any]:
    return (
        aws_client(server.endpoint, "lambda", retries={"max_attempts": 1}, read_timeout=120),
        aws_client(server.endpoint, "iam"),
    )


def invoke(lam: Any, name: str, payload: bytes = b"{}", **kwargs: Any) -> tuple[Any, Any]:
    response = lam.invoke(FunctionName=name, Payload=payload, **kwargs)
    return response, json.loads(response["Payload"].read() or b"null")


def log_lines(response: Any) -> list[str]:
    return base64.b64decode(response["LogResult"]).decode().splitlines()


def test_a_timeout_answers_and_logs_as_on_aws(server: ServerProcess) -> None:
    lam, iam = clients(server)
    source = "import time\ndef lambda_handler(e, c):\n    print('working')\n    time.sleep(30)\n"
    deploy(lam, iam, "sleeper", source, Timeout=1)
    response, body = invoke(lam, "sleeper", LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    lines = log_lines(response)
    report = next(line for line in lines if line.startswith("REPORT"))
    request_id = report.split("\t")[0].removeprefix("REPORT RequestId: ")
    assert (
        body["errorMessage"] == f"RequestId: {request_id} Error: Task timed out after 1.00 seconds"
    )
    timeout_line = next(line for line in lines if "Task timed out" in line)
    assert timeout_line.endswith(f" {request_id} Task timed out after 1.00 seconds")
    assert timeout_line[:4].isdigit() and timeout_line[23] == "Z"
    assert report.endswith("\tStatus: timeout\t")
    assert "working" in lines


RESETTING_SOURCE = """
import os, tempfile, time
COUNT = 0
print("init ran")
def lambda_handler(event, context):
    global COUNT
    COUNT += 1
    path = os.path.join(tempfile.gettempdir(), "kept.txt")
    if event.get("fail") == "timeout":
        open(path, "w").write("written before the timeout")
        time.sleep(30)
    if event.get("fail") == "crash":
        os._exit(3)
    kept = open(path).read() if os.path.exists(path) else None
    return {"count": COUNT, "kept": kept, "stream": context.log_stream_name}
"""


@pytest.mark.parametrize("failure", ["timeout", "crash"])
def test_a_failed_invocation_resets_the_environment(server: ServerProcess, failure: str) -> None:
    """AWS's "suppressed init": after a timeout or a crash the runtime starts again within the
    next invocation, in the same environment: fresh globals, /tmp kept, no cold start logged."""
    lam, iam = clients(server)
    name = f"resetting_{failure}"
    deploy(lam, iam, name, RESETTING_SOURCE, Timeout=1)
    _, first = invoke(lam, name)
    failed, _ = invoke(lam, name, json.dumps({"fail": failure}).encode())
    assert failed["FunctionError"] == "Unhandled"
    again, body = invoke(lam, name, LogType="Tail")
    assert body["count"] == 1  # init ran again: the module's globals are new
    assert body["stream"] == first["stream"]  # the same environment, and its log stream
    if failure == "timeout":
        assert body["kept"] == "written before the timeout"
    lines = log_lines(again)
    assert lines[0].startswith("START RequestId: ") and "init ran" in lines
    assert not any("Init Duration" in line or line.startswith("INIT_START") for line in lines)


def test_out_of_memory(server: ServerProcess) -> None:
    lam, iam = clients(server)
    source = (
        "def lambda_handler(e, c):\n"
        "    block = bytearray(400 * 1024 * 1024)\n"
        "    return len(block)\n"
    )
    deploy(lam, iam, "hungry", source, MemorySize=128)
    response, body = invoke(lam, "hungry", LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert body["errorMessage"].endswith(" Error: Runtime exited with error: signal: killed")
    report = next(line for line in log_lines(response) if line.startswith("REPORT"))
    assert "\tMemory Size: 128 MB\t" in report and "Status: error" in report


def test_runtime_exit(server: ServerProcess) -> None:
    lam, iam = clients(server)
    deploy(lam, iam, "quitter", "import os\ndef lambda_handler(e, c):\n    os._exit(3)\n")
    response, body = invoke(lam, "quitter")
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")


def test_payload_limits(server: ServerProcess) -> None:
    lam, iam = clients(server)
    source = "def lambda_handler(e, c):\n    return 'x' * e['size']\n"
    deploy(lam, iam, "sizes", source, MemorySize=512)
    with pytest.raises(ClientError) as raised:
        lam.invoke(FunctionName="sizes", Payload=json.dumps({"pad": "x" * 6_300_000}))
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert raised.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    with pytest.raises(ClientError) as raised:
        lam.invoke(
            FunctionName="sizes",
            InvocationType="Event",
            Payload=json.dumps({"pad": "x" * 1_100_000}),
        )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    response, body = invoke(lam, "sizes", json.dumps({"size": 6_400_000}).encode())
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Function.ResponseSizeTooLarge"
    _, small = invoke(lam, "sizes", json.dumps({"size": 10}).encode())
    assert small == "x" * 10


def test_reserved_concurrency_throttles(server: ServerProcess) -> None:
    lam, iam = clients(server)
    source = (
        "import time\n"
        "def lambda_handler(e, c):\n"
        "    time.sleep(e.get('sleep', 0))\n"
        "    return 'ok'\n"
    )
    deploy(lam, iam, "limited", source)
    lam.put_function_concurrency(FunctionName="limited", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as raised:
        lam.invoke(FunctionName="limited", Payload=b"{}")
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Error"]["Code"] == "TooManyRequestsException"
    assert error["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"

    lam.put_function_concurrency(FunctionName="limited", ReservedConcurrentExecutions=1)
    invoke(lam, "limited")  # warm one environment up
    results: list[Any] = []

    def slow_call() -> None:
        results.append(invoke(lam, "limited", json.dumps({"sleep": 3}).encode())[1])

    worker = threading.Thread(target=slow_call)
    worker.start()
    status = server.endpoint
    assert eventually(lambda: server_status(status)["lambda"]["environments"]["busy"] >= 1, 10)
    with pytest.raises(ClientError) as raised:
        lam.invoke(FunctionName="limited", Payload=b"{}")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    worker.join(timeout=30)
    assert results == ["ok"]


def test_parallel_invocations_use_parallel_environments(server: ServerProcess) -> None:
    lam, iam = clients(server)
    source = (
        "import time\n"
        "def lambda_handler(e, c):\n"
        "    started = time.time()\n"
        "    time.sleep(2)\n"
        "    return [c.log_stream_name, started, time.time()]\n"
    )
    deploy(lam, iam, "parallel", source)
    runs: list[list[Any]] = []
    threads = [
        threading.Thread(target=lambda: runs.append(invoke(lam, "parallel")[1])) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len({stream for stream, _, _ in runs}) == 2
    # The two runs overlapped in time: each began before the other ended.
    assert max(started for _, started, _ in runs) < min(ended for _, _, ended in runs), runs


def test_idle_environments_are_reaped(reaping_server: ServerProcess) -> None:
    lam, iam = clients(reaping_server)
    deploy(lam, iam, "napper", "def lambda_handler(e, c):\n    return 1\n")
    invoke(lam, "napper")
    status = reaping_server.endpoint
    assert eventually(lambda: server_status(status)["lambda"]["environments"]["warm"] == 0, 15)
    response, _ = invoke(lam, "napper", LogType="Tail")
    assert any("Init Duration" in line for line in log_lines(response))


def test_handlers_never_see_the_hosts_credentials(tmp_path: Path) -> None:
    secret_env = {
        "AWS_ACCESS_KEY_ID": "AKIAHOSTREALKEY",
        "AWS_SECRET_ACCESS_KEY": "host-real-secret",
        "AWS_PROFILE": "host-profile",
    }
    server = ServerProcess(tmp_path / "state", env=secret_env).start()
    try:
        lam, iam = clients(server)
        source = "import os\ndef lambda_handler(e, c):\n    return dict(os.environ)\n"
        deploy(lam, iam, "snoop", source)
        _, env = invoke(lam, "snoop")
        assert "host-real-secret" not in json.dumps(env)
        assert env["AWS_ACCESS_KEY_ID"] != "AKIAHOSTREALKEY" and "AWS_PROFILE" not in env
    finally:
        server.stop()


TMP_SOURCE = """
import os, shutil, tempfile
def lambda_handler(event, context):
    folder = tempfile.gettempdir()
    with open(os.path.join(folder, "mine.txt"), "w") as handle:
        handle.write(context.aws_request_id)
    return {"tmpdir": os.environ["TMPDIR"], "folder": folder, "files": sorted(os.listdir(folder)),
            "size": shutil.disk_usage(folder).total}
"""


def test_each_environment_has_its_own_tmp() -> None:
    import shutil
    import uuid

    from tests.helpers import PROJECT_ROOT

    state_dir = PROJECT_ROOT / f".localaws-test-{uuid.uuid4().hex[:8]}"
    server = ServerProcess(state_dir).start()
    try:
        lam, iam = clients(server)
        for name in ("tmp_a", "tmp_b"):
            deploy(lam, iam, name, TMP_SOURCE, EphemeralStorage={"Size": 600})
        _, first = invoke(lam, "tmp_a")
        _, second = invoke(lam, "tmp_b")
        assert first["files"] == ["mine.txt"] and second["files"] == ["mine.txt"]
        if first["tmpdir"] == "/tmp":  # a private tmpfs, sized like the function's storage
            assert first["folder"] == "/tmp"
            assert first["size"] == 600 * 1024 * 1024
        else:  # no mount namespace here: a folder of the environment's own
            assert first["tmpdir"] != second["tmpdir"]
            assert str(state_dir) in first["tmpdir"]
    finally:
        server.stop()
        shutil.rmtree(state_dir, ignore_errors=True)
