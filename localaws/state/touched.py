"""Which services a write touched: every moto service backend is reached through its
``BackendDict`` (``sqs_backends[account][region]``), so recording those lookups while the
exclusive lock is held names every service the write may have changed.

A lookup made while no write runs (a read) is not recorded; a service touched by a write is
re-pickled even if it did not change (its bytes are then found equal and not written).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

_ACCESSORS = ("__getitem__", "get", "items", "values")


class TouchLog:
    """The ``BackendDict`` objects looked up since the last commit, while recording is on."""

    def __init__(self) -> None:
        #: Whether a lookup now is part of a write (the persistence lock held exclusively).
        self.recording_when: Callable[[], bool] = lambda: False
        self._touched: set[Any] = set()
        self._lock = threading.Lock()

    def add(self, backend_dict: Any) -> None:
        if self.recording_when():
            with self._lock:
                self._touched.add(backend_dict)

    def take(self) -> set[Any]:
        """What was touched since the last call, and start again."""
        with self._lock:
            touched, self._touched = self._touched, set()
        return touched


touch_log = TouchLog()


def install() -> None:
    """Record every lookup in a ``BackendDict`` (once per process)."""
    from moto.core.base_backend import BackendDict

    if getattr(BackendDict, "_localaws_recorded", False):
        return
    for name in _ACCESSORS:
        setattr(BackendDict, name, _recording(getattr(BackendDict, name)))
    BackendDict._localaws_recorded = True  # type: ignore[attr-defined]


def _recording(accessor: Any) -> Any:
    @functools.wraps(accessor)  # keeps the signature the seams check reads
    def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
        touch_log.add(self)
        return accessor(self, *args, **kwargs)

    return recorded
