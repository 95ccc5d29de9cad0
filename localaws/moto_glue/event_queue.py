"""The asynchronous queue's store: a moto-style backend, saved like every service.

Old snapshots name the backend's class at its former path; ``localaws.state.snapshot`` maps
it here when it loads them.
"""

from __future__ import annotations

from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from localaws.config import DEFAULT_ACCOUNT_ID
from localaws.events.async_queue import AsyncEvent

QUEUE_REGION = "aws"


class AsyncQueueBackend(BaseBackend):
    """Holds every queued event (one queue for the whole server)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.events: list[AsyncEvent] = []


#: A module attribute, as moto's are: saved state names it by (module, attribute).
async_queue_backends = BackendDict(
    AsyncQueueBackend,
    "lambda-async-queue",
    use_boto3_regions=False,
    additional_regions=[QUEUE_REGION],
)


def queue_backend() -> AsyncQueueBackend:
    backend: AsyncQueueBackend = async_queue_backends[DEFAULT_ACCOUNT_ID][QUEUE_REGION]
    return backend


class MotoEventStore:
    """The queue for the event layer (``EventStore``)."""

    def events(self) -> list[AsyncEvent]:
        return queue_backend().events

    def update(self, event: AsyncEvent, **changes: Any) -> None:
        queue_backend()  # the queue's backend is what changes: its lookup marks it changed
        for name, value in changes.items():
            setattr(event, name, value)
