"""A named background thread that does one round of work every period until stopped."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("localaws.events")


class PeriodicTask:
    """Calls ``run_once`` every ``period`` seconds on a thread named ``name``; a failed round
    is logged and the next one runs as usual. ``stop`` then ``join`` end it."""

    def __init__(self, name: str, period: float) -> None:
        self.period = period
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def run_once(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def stopped(self) -> bool:
        return self._stop.is_set()

    def join(self, deadline: float) -> None:
        """Wait for the thread until ``deadline`` (``time.monotonic()``), if it runs."""
        if self._thread.is_alive():
            self._thread.join(max(0.0, deadline - time.monotonic()))

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.run_once()
            except Exception:  # one bad round must not end the loop
                log.exception("%s failed", self._thread.name)
