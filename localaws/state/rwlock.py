"""A readers-writer lock that orders API requests and the commits that save them.

Reads share the lock; writes (and the commit that makes them durable) hold it alone, so a
commit never sees half a request. The holder may re-enter in any mode it already covers, and
``released()`` lets a long-running step (a Lambda handler calling back into localaws) give the
lock up and take it back afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadWriteLock:
    """Shared/exclusive lock with writer preference, re-entrant per thread."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._writer_depth = 0
        self._writers_waiting = 0
        self._readers_waiting = 0
        self._local = threading.local()

    def _reader_depth(self) -> int:
        return int(getattr(self._local, "depth", 0))

    def acquire_shared(self) -> None:
        me = threading.get_ident()
        if self._writer == me or self._reader_depth():
            self._local.depth = self._reader_depth() + 1
            return
        with self._cond:
            self._readers_waiting += 1
            try:
                while self._writer is not None or self._writers_waiting:
                    self._cond.wait()
            finally:
                self._readers_waiting -= 1
            self._readers += 1
        self._local.depth = 1

    def release_shared(self) -> None:
        depth = self._reader_depth() - 1
        self._local.depth = depth
        if depth or self._writer == threading.get_ident():
            return
        with self._cond:
            self._readers -= 1
            if not self._readers:
                self._cond.notify_all()

    def acquire_exclusive(self) -> None:
        me = threading.get_ident()
        if self._writer == me:
            self._writer_depth += 1
            return
        if self._reader_depth():
            raise RuntimeError("cannot upgrade a shared hold to an exclusive one")
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writer = me
            self._writer_depth = 1

    def release_exclusive(self) -> None:
        if self._writer != threading.get_ident():
            raise RuntimeError("release_exclusive by a thread that does not hold the lock")
        self._writer_depth -= 1
        if self._writer_depth:
            return
        with self._cond:
            self._writer = None
            self._cond.notify_all()

    def waiting(self) -> tuple[int, int]:
        """How many threads wait for the lock: (readers, writers)."""
        with self._cond:
            return self._readers_waiting, self._writers_waiting

    def held_exclusively(self) -> bool:
        """True while some thread holds the lock exclusively."""
        return self._writer is not None

    def exclusive_depth(self) -> int:
        """How many times this thread holds the lock exclusively (0: not at all)."""
        return self._writer_depth if self._writer == threading.get_ident() else 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        self.acquire_shared()
        try:
            yield
        finally:
            self.release_shared()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self.acquire_exclusive()
        try:
            yield
        finally:
            self.release_exclusive()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Give up whatever this thread holds for the duration of the block, then retake it."""
        me = threading.get_ident()
        writer_depth = self._writer_depth if self._writer == me else 0
        reader_depth = 0 if writer_depth else self._reader_depth()
        if writer_depth:
            with self._cond:
                self._writer, self._writer_depth = None, 0
                self._cond.notify_all()
        elif reader_depth:
            self._local.depth = 1
            self.release_shared()
        try:
            yield
        finally:
            if writer_depth:
                self.acquire_exclusive()
                self._writer_depth = writer_depth
            elif reader_depth:
                self.acquire_shared()
                self._local.depth = reader_depth
