"""Makes every acknowledged write durable.

Reads run under a shared lock; a write runs under the exclusive lock and is followed, still
under it, by a snapshot of moto's backends. The HTTP response goes out only after the snapshot
is on disk, so a ``kill -9`` at any moment loses no write a client saw succeed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from localaws.state.rwlock import ReadWriteLock
from localaws.state.snapshot import BackendTree, capture_backends, install_backends
from localaws.state.store import LoadResult, SnapshotStore


class PersistenceError(OSError):
    """A snapshot could not be written; the write it followed is not acknowledged (an
    ``OSError``: a full or failing disk, which a later try may get past)."""


class Persistence:
    """The lock every request takes, and the snapshot after each write (None: persistence off)."""

    def __init__(self, store: SnapshotStore | None, lock: ReadWriteLock | None = None) -> None:
        self.store = store
        self.lock = lock or ReadWriteLock()
        #: Goes up at every reset: work started before one must not write into the new state.
        self.generation = 0

    @property
    def enabled(self) -> bool:
        return self.store is not None

    def restore(self) -> LoadResult:
        """Load the saved state into moto (before the server takes requests)."""
        if self.store is None:
            return LoadResult(tree=None)
        result = self.store.load()
        if result.tree is not None:
            install_backends(result.tree)
        return result

    def exclusive(self) -> AbstractContextManager[None]:
        """The exclusive lock, without a snapshot when it is let go."""
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
        """Snapshot now if anything changed; the caller must hold the exclusive lock."""
        if self.store is None:
            return False
        try:
            return self.store.save(capture_backends())
        except OSError as error:
            raise PersistenceError(f"could not save state: {error}") from error

    def replace(self, load: Callable[[], BackendTree]) -> None:
        """Make the state ``load`` returns that of every service (a checkpoint), durably.

        ``load`` runs after the reset: moto's reset also disposes of S3 objects made before it.
        """
        from moto.core.base_backend import BackendDict

        with self.lock.exclusive():
            BackendDict.reset()
            install_backends(load())
            self.generation += 1
            self.commit()

    def reset(self) -> None:
        """Forget every resource in every service, in memory and on disk."""
        from moto.core.base_backend import BackendDict

        with self.lock.exclusive():
            BackendDict.reset()
            self.generation += 1
            if self.store is not None:
                self.store.delete_state()
