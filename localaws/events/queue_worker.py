"""A named background thread that handles submitted jobs one at a time, in order."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Generic, TypeVar

log = logging.getLogger("localaws.events")
Job = TypeVar("Job")


class QueueWorker(Generic[Job]):
    """Calls ``handle`` for each submitted job on a thread named ``name``; a job that fails
    is logged and the next one runs, and ``handled`` follows every job. ``stop`` (after the
    jobs already queued) then ``join`` end it."""

    def __init__(self, name: str) -> None:
        self._queue: queue.SimpleQueue[tuple[Job] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def handle(self, job: Job) -> None:
        raise NotImplementedError

    def handled(self, job: Job) -> None:
        """After each job, done or failed."""

    def submit(self, job: Job) -> None:
        self._queue.put((job,))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)

    def join(self, deadline: float) -> None:
        """Wait for the thread until ``deadline`` (``time.monotonic()``), if it runs."""
        if self._thread.is_alive():
            self._thread.join(max(0.0, deadline - time.monotonic()))

    def _loop(self) -> None:
        while (item := self._queue.get()) is not None:
            job = item[0]
            try:
                self.handle(job)
            except Exception:  # one job that fails must not stop the others
                log.exception("%s: %r failed", self._thread.name, job)
            finally:
                self.handled(job)
