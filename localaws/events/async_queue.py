"""The asynchronous invocation queue: its events, and where they are kept.

The queue is kept with the account's state (``localaws.moto_glue.event_queue`` keeps it in a
moto-style backend), so the commit that makes API writes durable makes queue changes durable
too: an event the caller saw accepted (202) is never lost, even by ``kill -9``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from localaws.executor.tracing import Chain


@dataclass
class AsyncEvent:
    """One event for one function, with its retry bookkeeping."""

    account: str
    region: str
    function_name: str
    qualifier: str | None
    payload: bytes
    received_at: float
    due_at: float
    chain: Chain
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attempts: int = 0
    claimed: bool = False
    #: The ARN the event was sent to, qualifier as given (the handler's invoked_function_arn).
    invoked_arn: str | None = None


class EventStore(Protocol):
    """Where queued events live: with the account's state, so they persist with it."""

    def events(self) -> list[AsyncEvent]:
        """The queue itself, oldest first, to read or change under the persistence lock."""
        ...

    def update(self, event: AsyncEvent, **changes: Any) -> None:
        """Change fields of a queued event, under the write lock (so that it is saved)."""
        ...
