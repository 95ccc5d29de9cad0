"""CloudWatch Logs retention: expired events go, on disk too, as on AWS."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers import ServerProcess, aws_client, eventually

pytestmark = pytest.mark.server

DAY_MS = 24 * 60 * 60 * 1000


def messages(endpoint: str) -> list[str]:
    events = aws_client(endpoint, "logs").get_log_events(
        logGroupName="/aws/lambda/kept-a-day", logStreamName="s", startFromHead=True
    )["events"]
    return [event["message"] for event in events]


def test_events_older_than_the_retention_period_are_deleted(tmp_path: Path) -> None:
    fast = {"LOCALAWS_LOG_RETENTION_CHECK_SECONDS": "0.2"}
    server = ServerProcess(tmp_path / "state", env=fast).start()
    try:
        logs = aws_client(server.endpoint, "logs")
        logs.create_log_group(logGroupName="/aws/lambda/kept-a-day")
        logs.create_log_stream(logGroupName="/aws/lambda/kept-a-day", logStreamName="s")
        now = int(time.time() * 1000)
        logs.put_log_events(
            logGroupName="/aws/lambda/kept-a-day",
            logStreamName="s",
            logEvents=[
                {"timestamp": now - 3 * DAY_MS, "message": "three days old"},
                {"timestamp": now - 2 * DAY_MS, "message": "two days old"},
                {"timestamp": now, "message": "new"},
            ],
        )
        assert not eventually(lambda: messages(server.endpoint) == ["new"], deadline=1)
        logs.put_retention_policy(logGroupName="/aws/lambda/kept-a-day", retentionInDays=1)
        assert eventually(lambda: messages(server.endpoint) == ["new"], deadline=10)
        server.kill()  # what was deleted stays deleted
        server.start()
        assert messages(server.endpoint) == ["new"]
    finally:
        server.stop()
