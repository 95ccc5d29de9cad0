"""Makes every acknowledged write durable.

Reads run under a shared lock; a write runs under the exclusive lock and is followed, still
under it, by a commit: the services the write touched (touched.py) are saved as one journal
record (store.py). The HTTP response goes out only after the record is in the operating
system, so a ``kill -9`` at any moment loses no write a client saw succeed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from localaws.state import touched
from localaws.state.rwlock import ReadWriteLock
from localaws.state.snapshot import BackendTree, backend_dict_key, install_backends
from localaws.state.store import LoadResult, StateStore

log = logging.getLogger("localaws")

#: How often appended records are fsynced (what a power cut could lose; a crash loses none).
SYNC_INTERVAL_SECONDS = 1.0


class PersistenceError(OSError):
    """A commit could not be written; the write it followed is not acknowledged (an
    ``OSError``: a full or failing disk, which a later try may get past)."""


class Persistence:
    """The lock every request takes, and the commit after each write (None: persistence off)."""

    def __init__(self, store: StateStore | None, lock: ReadWriteLock | None = None) -> None:
        self.store = store
        self.lock = lock or ReadWriteLock()
        #: Goes up at every reset: work started before one must not write into the new state.
        self.generation = 0
        self._stopping = threading.Event()
        self._compact_now = threading.Event()
        self._background: threading.Thread | None = None
        touched.install()
        touched.touch_log.recording_when = self.lock.held_exclusively

    @property
    def enabled(self) -> bool:
        return self.store is not None

    def restore(self) -> LoadResult:
        """Load the saved state into moto (before the server takes requests)."""
        if self.store is None:
            return LoadResult(restored=False)
        return self.store.load()

    def start_background(self) -> None:
        """fsync about once a second and compact when the journal has grown."""
        if self.store is None or self._background is not None:
            return
        self._background = threading.Thread(target=self._run, name="state-sync", daemon=True)
        self._background.start()

    def _run(self) -> None:
        assert self.store is not None
        while not self._stopping.is_set():
            self._compact_now.wait(SYNC_INTERVAL_SECONDS)
            try:
                self.store.sync()
                if self._compact_now.is_set() or self.store.wants_compaction():
                    self._compact_now.clear()
                    self.store.compact(self.lock.exclusive)
            except OSError:
                log.exception("localaws: saving state in the background failed; will retry")

    def stop(self) -> None:
        """Stop the background thread and fsync everything (localaws is stopping)."""
        self._stopping.set()
        self._compact_now.set()
        if self._background is not None:
            self._background.join(timeout=30)
            self._background = None
        if self.store is not None:
            with self.lock.exclusive():
                self.store.close()

    def exclusive(self) -> AbstractContextManager[None]:
        """The exclusive lock, without a commit when it is let go."""
        return self.lock.exclusive()

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self.lock.shared():
            yield

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Run a write alone, then make it durable before the caller acknowledges it.

        Nested writes are made durable once, when the outermost one ends.
        """
        with self.lock.exclusive():
            try:
                yield
            finally:
                if self.lock.exclusive_depth() == 1:
                    self.commit()

    def commit(self) -> bool:
        """Save what changed if anything did; the caller must hold the exclusive lock."""
        keys = {backend_dict_key(d) for d in touched.touch_log.take()} - {None}
        if self.store is None:
            return False
        try:
            written = self.store.commit(keys)  # type: ignore[arg-type]
        except OSError as error:
            raise PersistenceError(f"could not save state: {error}") from error
        return written

    def replace(self, load: Callable[[], BackendTree]) -> None:
        """Make the state ``load`` returns that of every service (a checkpoint), durably.

        ``load`` runs after the reset: moto's reset also disposes of S3 objects made before it.
        """
        from moto.core.base_backend import BackendDict

        with self.lock.exclusive():
            BackendDict.reset()
            tree = load()
            install_backends(tree)
            self.generation += 1
            touched.touch_log.take()
            if self.store is not None:
                self.store.commit_everything(tree.keys())

    def reset(self) -> None:
        """Forget every resource in every service, in memory and on disk."""
        from moto.core.base_backend import BackendDict

        with self.lock.exclusive():
            BackendDict.reset()
            self.generation += 1
            touched.touch_log.take()
            if self.store is not None:
                self.store.delete_state()
