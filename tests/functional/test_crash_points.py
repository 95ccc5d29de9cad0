"""kill -9 at named moments of saving: in a journal append and in a compaction.

Each test runs a server armed to kill itself at one point (``LOCALAWS_CRASH_AT``), writes
until it dies, then starts it unarmed: every acknowledged write is there, the write that was
cut short is not, and the server goes on saving.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ServerProcess, aws_client, eventually, server_status

pytestmark = pytest.mark.server

SETTINGS = {"retries": {"max_attempts": 1}, "connect_timeout": 2, "read_timeout": 10}


class ObjectWriter(threading.Thread):
    """Puts numbered objects until the server dies; keeps the acknowledged ones."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(daemon=True)
        self.s3 = aws_client(endpoint, "s3", **SETTINGS)
        self.objects: dict[str, bytes] = {}

    def run(self) -> None:
        number = 0
        try:
            while True:
                number += 1
                body = f"{number:06d}".encode() * (1 + number % 200)
                self.s3.put_object(Bucket="crash-points", Key=f"k{number}", Body=body)
                self.objects[f"k{number}"] = body
        except Exception:
            return


def write_until_it_dies(server: ServerProcess) -> dict[str, bytes]:
    aws_client(server.endpoint, "s3").create_bucket(Bucket="crash-points")
    writer = ObjectWriter(server.endpoint)
    writer.start()
    process = server.process
    assert process is not None
    assert eventually(lambda: process.poll() is not None, deadline=120), "it never crashed"
    writer.join(timeout=30)
    return writer.objects


def assert_kept(server: ServerProcess, objects: dict[str, bytes]) -> None:
    """Every acknowledged object, and of the others only what was written after the crash
    and at most the one write the crash cut short."""
    s3 = aws_client(server.endpoint, "s3")
    listed = s3.list_objects_v2(Bucket="crash-points", MaxKeys=1000).get("Contents", [])
    keys = {item["Key"] for item in listed}
    assert set(objects) <= keys
    unacknowledged = {key for key in keys - set(objects) if key.startswith("k")}
    assert len(unacknowledged) <= 1, unacknowledged
    for key, body in objects.items():
        assert s3.get_object(Bucket="crash-points", Key=key)["Body"].read() == body, key
    s3.put_object(Bucket="crash-points", Key="after", Body=b"still saving")


def test_a_crash_in_the_middle_of_a_journal_append(tmp_path: Path) -> None:
    state = tmp_path / "state"
    armed = ServerProcess(state, env={"LOCALAWS_CRASH_AT": "journal-append:25"}).start()
    objects = write_until_it_dies(armed)
    assert len(objects) >= 20
    server = ServerProcess(state, port=armed.port).start()
    try:
        assert_kept(server, objects)
        notices = status_of(server)["notices"]
        assert any("torn record" in notice for notice in notices), notices
    finally:
        server.stop()
    server.start()  # the torn tail was cut off: the journal reads cleanly after it
    try:
        assert_kept(server, objects)
        notices = status_of(server)["notices"]
        assert not [notice for notice in notices if "torn" in notice], notices
    finally:
        server.stop()


@pytest.mark.parametrize("point", ["compaction-before-rename", "compaction-before-cleanup"])
def test_a_crash_during_compaction(tmp_path: Path, point: str) -> None:
    state = tmp_path / "state"
    env = {"LOCALAWS_CRASH_AT": point, "LOCALAWS_COMPACT_AFTER_BYTES": "20000"}
    armed = ServerProcess(state, env=env).start()
    objects = write_until_it_dies(armed)
    server = ServerProcess(state, port=armed.port, env={"LOCALAWS_COMPACT_AFTER_BYTES": "20000"})
    server.start()
    try:
        assert_kept(server, objects)
        s3 = aws_client(server.endpoint, "s3")
        for number in range(40):  # enough to compact again, unarmed
            s3.put_object(Bucket="crash-points", Key=f"more{number}", Body=b"m" * 1000)
        assert eventually(lambda: status_of(server)["persistence"]["compactions"] >= 1, deadline=30)
    finally:
        server.stop()
    logs = sorted(p.name for p in (state / "state").glob("*.log"))
    assert len([name for name in logs if name.startswith("base-")]) == 1, logs
    assert not list((state / "state").glob(".*.tmp"))
    server.start()
    try:
        assert_kept(server, objects)
    finally:
        server.stop()


def status_of(server: ServerProcess) -> dict[str, Any]:
    return server_status(server.endpoint)


def test_a_crash_during_a_burst_of_asynchronous_invocations(tmp_path: Path) -> None:
    from tests.functional.test_persistence import drain, prepare_crash_targets

    state = tmp_path / "state"
    server = ServerProcess(state).start()
    prepare_crash_targets(server.endpoint)  # crash-noop sends its successes to async-done
    server.stop()
    armed = ServerProcess(state, port=server.port, env={"LOCALAWS_CRASH_AT": "journal-append:40"})
    armed.start()
    lam = aws_client(armed.endpoint, "lambda", **SETTINGS)
    accepted: list[str] = []
    try:
        for number in range(1000):
            payload = f'{{"name": "burst-{number}"}}'.encode()
            lam.invoke(FunctionName="crash-noop", InvocationType="Event", Payload=payload)
            accepted.append(f"burst-{number}")
    except Exception:
        pass  # the server killed itself in the middle of saving
    process = armed.process
    assert process is not None and eventually(lambda: process.poll() is not None, deadline=30)
    assert len(accepted) >= 5
    server = ServerProcess(state, port=armed.port).start()
    try:
        sqs = aws_client(server.endpoint, "sqs")
        done: list[str] = []

        def every_accepted_event_ran() -> bool:
            bodies = drain(sqs, f"{server.endpoint}/123456789012/async-done")
            done.extend(json.loads(body)["requestPayload"]["name"] for body in bodies)
            return set(accepted) <= set(done)

        assert eventually(every_accepted_event_ran, deadline=60), set(accepted) - set(done)
    finally:
        server.stop()
