"""Named checkpoints of every service's state, kept in memory: save one, go back to it later.

The autograder sets the lab up once per nbgrader run, saves that as a checkpoint, and gives
each later notebook a fresh copy of it: going back takes milliseconds, setting up a second.
A checkpoint is a snapshot (snapshot.py) held in memory; each restore unpickles a new copy,
so nothing done after a restore can change the checkpoint itself.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from localaws.state.persistence import Persistence
from localaws.state.snapshot import BlobSink, capture_backends, dump_backends, load_backends

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")


@dataclass
class _Checkpoint:
    body: bytes
    blobs: dict[str, bytes] = field(default_factory=dict)


class Checkpoints:
    """The server's saved checkpoints, by name."""

    def __init__(self, persistence: Persistence) -> None:
        self.persistence = persistence
        self._saved: dict[str, _Checkpoint] = {}
        self._lock = threading.Lock()

    def save(self, name: str) -> bool:
        """Keep the current state of every service as ``name``; False if that name is taken."""
        blobs: dict[str, bytes] = {}
        with self.persistence.lock.exclusive():  # as a snapshot is taken: nothing changes meanwhile
            if name in self._saved:
                return False
            body = dump_backends(capture_backends(), BlobSink(blobs.__setitem__))
            with self._lock:
                self._saved[name] = _Checkpoint(body, blobs)
        return True

    def restore(self, name: str) -> None:
        """Make ``name`` the whole state again; KeyError if there is no such checkpoint."""
        with self._lock:
            checkpoint = self._saved[name]
        self.persistence.replace(
            lambda: load_backends(checkpoint.body, checkpoint.blobs.__getitem__)
        )

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._saved)
