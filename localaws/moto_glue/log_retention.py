"""CloudWatch Logs retention: events older than their group's ``PutRetentionPolicy`` go.

Once a minute (``LOCALAWS_LOG_RETENTION_CHECK_SECONDS``, read by ``config.py``) each log
group with a retention period loses the events whose timestamp is older than that many days,
as on AWS. The check
reads under the shared lock and writes only when something is due, so an idle server writes
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from moto.logs.models import logs_backends

from localaws.events.periodic import PeriodicTask
from localaws.state.persistence import Persistence

DAY_MS = 24 * 60 * 60 * 1000


def _streams_past_retention(now_ms: int) -> Iterator[tuple[Any, int]]:
    """(stream, cutoff) for every stream holding an event older than its group keeps."""
    for account in list(dict.keys(logs_backends)):
        for backend in list(dict.values(logs_backends[account])):
            for group in list(backend.groups.values()):
                if not group.retention_in_days:
                    continue
                cutoff = now_ms - int(group.retention_in_days) * DAY_MS
                for stream in list(group.streams.values()):
                    if any(event.timestamp < cutoff for event in stream.events):
                        yield stream, cutoff


class LogRetention(PeriodicTask):
    """Deletes expired log events (see the module docstring)."""

    def __init__(
        self, persistence: Persistence, period: float, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__("log-retention", period)
        self.persistence = persistence
        self.clock = clock

    def run_once(self) -> None:
        now_ms = int(self.clock() * 1000)
        with self.persistence.reading():
            due = any(True for _ in _streams_past_retention(now_ms))
        if not due:
            return
        with self.persistence.writing():
            logs_backends.items()  # the Logs backend is what changes: its lookup marks it
            for stream, cutoff in list(_streams_past_retention(now_ms)):
                stream.events[:] = [e for e in stream.events if e.timestamp >= cutoff]
                stream.stored_bytes = sum(len(e.message) for e in stream.events)
