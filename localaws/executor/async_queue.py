"""The asynchronous invocation queue, kept with moto's state so it survives restarts.

Each queued event lives in a moto-style backend (``async_queue_backends``), so the snapshot
that makes API writes durable makes queue changes durable too: an event the caller saw
accepted (202) is never lost, even by ``kill -9``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from moto.core.base_backend import BackendDict, BaseBackend

from localaws.executor.tracing import Chain

QUEUE_REGION = "aws"


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


class AsyncQueueBackend(BaseBackend):
    """Holds every queued event (one queue for the whole server)."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.events: list[AsyncEvent] = []


async_queue_backends = BackendDict(
    AsyncQueueBackend,
    "lambda-async-queue",
    use_boto3_regions=False,
    additional_regions=[QUEUE_REGION],
)


def queue_backend() -> AsyncQueueBackend:
    from localaws.config import DEFAULT_ACCOUNT_ID

    backend: AsyncQueueBackend = async_queue_backends[DEFAULT_ACCOUNT_ID][QUEUE_REGION]
    return backend
