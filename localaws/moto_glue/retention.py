"""CloudWatch retention: expired log events and metric data points go, as on AWS.

Once a minute (``LOCALAWS_LOG_RETENTION_CHECK_SECONDS``, read by ``config.py``):
- each log group with a retention period (``PutRetentionPolicy``) loses the events whose
  timestamp is older than that many days;
- metric data points older than 15 days go: CloudWatch keeps one-minute data that long. (It
  keeps coarser roll-ups for longer; localaws does not: see the README's differences.)

The check reads under the shared lock and writes only when something is due, so an idle
server writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.logs.models import logs_backends

from localaws.events.periodic import PeriodicTask
from localaws.state.persistence import Persistence

DAY_MS = 24 * 60 * 60 * 1000
METRIC_DATA_DAYS = 15


def _regional_backends(backends: Any) -> Iterator[Any]:
    for account in list(dict.keys(backends)):
        yield from list(dict.values(backends[account]))


def _streams_past_retention(now_ms: int) -> Iterator[tuple[Any, int]]:
    """(stream, cutoff) for every stream holding an event older than its group keeps."""
    for backend in _regional_backends(logs_backends):
        for group in list(backend.groups.values()):
            if not group.retention_in_days:
                continue
            cutoff = now_ms - int(group.retention_in_days) * DAY_MS
            for stream in list(group.streams.values()):
                if any(event.timestamp < cutoff for event in stream.events):
                    yield stream, cutoff


def _metrics_past_retention(now_ms: int) -> Iterator[tuple[Any, datetime]]:
    """(CloudWatch backend, cutoff) for every backend holding a data point older than 15
    days. moto keeps naive UTC datetimes."""
    now = datetime.fromtimestamp(now_ms / 1000, tz=timezone.utc).replace(tzinfo=None)
    cutoff = now - timedelta(days=METRIC_DATA_DAYS)
    for backend in _regional_backends(cloudwatch_backends):
        if any(_naive_utc(datum.timestamp) < cutoff for datum in backend.metric_data):
            yield backend, cutoff


def _naive_utc(moment: datetime) -> datetime:
    """A data point's time as moto compares them (one put with a time zone keeps it)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


class Retention(PeriodicTask):
    """Deletes expired log events and metric data points (see the module docstring)."""

    def __init__(
        self, persistence: Persistence, period: float, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__("retention", period)
        self.persistence = persistence
        self.clock = clock

    def run_once(self) -> None:
        now_ms = int(self.clock() * 1000)
        with self.persistence.reading():
            logs_due = any(True for _ in _streams_past_retention(now_ms))
            metrics_due = any(True for _ in _metrics_past_retention(now_ms))
        if logs_due:
            with self.persistence.writing():
                logs_backends.items()  # the Logs backend is what changes: its lookup marks it
                for stream, cutoff in list(_streams_past_retention(now_ms)):
                    stream.events[:] = [e for e in stream.events if e.timestamp >= cutoff]
                    stream.stored_bytes = sum(len(e.message) for e in stream.events)
        if metrics_due:
            with self.persistence.writing():
                cloudwatch_backends.items()  # marks the CloudWatch backend as changed
                for backend, oldest_kept in list(_metrics_past_retention(now_ms)):
                    backend.metric_data[:] = [
                        datum
                        for datum in backend.metric_data
                        if _naive_utc(datum.timestamp) >= oldest_kept
                    ]
