"""CloudWatch retention: expired log events and metric data go, on disk too, as on AWS."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
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


def metric_values(endpoint: str) -> list[float]:
    """Every data point of the test's metric over the last 20 days, oldest first."""
    now = datetime.now(timezone.utc)
    points = aws_client(endpoint, "cloudwatch").get_metric_statistics(
        Namespace="Course/Retention",
        MetricName="Uploads",
        StartTime=now - timedelta(days=20),
        EndTime=now + timedelta(minutes=1),
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    return [point["Sum"] for point in sorted(points, key=lambda point: point["Timestamp"])]


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

        # Metric data: CloudWatch keeps one-minute data points for 15 days.
        aws_client(server.endpoint, "cloudwatch").put_metric_data(
            Namespace="Course/Retention",
            MetricData=[
                {
                    "MetricName": "Uploads",
                    "Value": 16,
                    "Timestamp": datetime.now(timezone.utc) - timedelta(days=16),
                },
                {
                    "MetricName": "Uploads",
                    "Value": 14,
                    "Timestamp": datetime.now(timezone.utc) - timedelta(days=14),
                },
                {"MetricName": "Uploads", "Value": 1},
            ],
        )
        assert eventually(lambda: metric_values(server.endpoint) == [14, 1], deadline=10)

        server.kill()  # what was deleted stays deleted
        server.start()
        assert messages(server.endpoint) == ["new"]
        assert metric_values(server.endpoint) == [14, 1]
    finally:
        server.stop()
