"""Which services a write touched: every moto service backend is reached through its
``BackendDict`` (``sqs_backends[account][region]``), so recording those lookups while the
exclusive lock is held names every service the write may have changed.

A lookup made while no write runs (a read) is not recorded; a service touched by a write is
re-pickled even if it did not change (its bytes are then found equal and not written).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

_ACCESSORS = ("__getitem__", "get", "items", "values")


class TouchLog:
    """The ``BackendDict`` objects looked up since the last commit, while recording is on."""

    def __init__(self) -> None:
        #: Whether a lookup now is part of a write (the persistence lock held exclusively).
        self.recording_when: Callable[[], bool] = lambda: False
        self._touched: set[Any] = set()
        self._lock = threading.Lock()
        self._quiet = threading.local()

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Lookups in here are not recorded: the caller knows they change nothing."""
        self._quiet.depth = getattr(self._quiet, "depth", 0) + 1
        try:
            yield
        finally:
            self._quiet.depth -= 1

    def add(self, backend_dict: Any) -> None:
        if self.recording_when() and not getattr(self._quiet, "depth", 0):
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
    _quiet_iam_bookkeeping()


def _quiet_iam_bookkeeping() -> None:
    """Every request looks its caller's account up in IAM, and notes when a key IAM issued
    (a user's, or ``AssumeRole``'s as CDK uses) and its role were last used. The lookup
    changes nothing; the note changes IAM only for such a key. Without this, every write would
    save IAM again. A read takes no write lock and is not saved, so it notes nothing (AWS
    notes reads too, and says the information can lag by hours)."""
    from moto.iam import models as iam
    from moto.utilities.utils import get_partition

    find_account, mark_visited = iam.get_account_id_from, iam.mark_account_as_visited

    @functools.wraps(find_account)
    def get_account_id_from(access_key: str) -> str:
        with touch_log.quiet():
            return find_account(access_key)

    @functools.wraps(mark_visited)
    def mark_account_as_visited(
        account_id: str, access_key: str, service: str, region: str
    ) -> None:
        if not touch_log.recording_when():  # a read: nothing may change
            return
        with touch_log.quiet():
            issued_here = (
                access_key in iam.iam_backends[account_id][get_partition(region)].access_keys
            )
            mark_visited(
                account_id=account_id, access_key=access_key, service=service, region=region
            )
        if issued_here:  # its last use was noted: IAM changed
            touch_log.add(iam.iam_backends)

    iam.get_account_id_from = get_account_id_from
    iam.mark_account_as_visited = mark_account_as_visited


def _recording(accessor: Any) -> Any:
    @functools.wraps(accessor)  # keeps the signature the seams check reads
    def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
        touch_log.add(self)
        return accessor(self, *args, **kwargs)

    return recorded
