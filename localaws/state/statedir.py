"""The state directory: created if missing, checked writable, and held by one server at a time."""

from __future__ import annotations

import errno
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from localaws.errors import StateDirError


@dataclass(frozen=True)
class StateDirLayout:
    """Where each file lives inside a state directory."""

    root: Path

    @property
    def lock_file(self) -> Path:
        return self.root / "lock"

    @property
    def pid_file(self) -> Path:
        return self.root / "localaws.pid"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def snapshot(self) -> Path:
        return self.state / "snapshot.bin"

    @property
    def blobs(self) -> Path:
        return self.state / "blobs"

    @property
    def aside(self) -> Path:
        return self.root / "aside"


def read_pid_file(layout: StateDirLayout) -> dict[str, Any] | None:
    """The running server's record (pid, host, port, start time), or None."""
    try:
        record = json.loads(layout.pid_file.read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "pid" in record else None


class StateDirClaim:
    """Exclusive use of a state directory by this process, released on close."""

    def __init__(self, layout: StateDirLayout) -> None:
        self.layout = layout
        self._lock_handle: IO[str] | None = None

    def acquire(self) -> None:
        root = self.layout.root
        try:
            self.layout.blobs.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StateDirError(
                f"cannot create the state directory {root}: {error.strerror}.",
                "Choose a writable place with --state-dir.",
            ) from error
        if not os.access(root, os.W_OK | os.X_OK) or not os.access(self.layout.state, os.W_OK):
            raise StateDirError(
                f"the state directory {root} is not writable.",
                "Fix its permissions or choose another with --state-dir.",
            )
        handle = open(self.layout.lock_file, "a+")  # noqa: SIM115 - held for the process lifetime
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.close()
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            record = read_pid_file(self.layout) or {}
            who = f" (pid {record['pid']}, port {record.get('port')})" if record else ""
            raise StateDirError(
                f"another localaws{who} is already using the state directory {root}.",
                "Stop it with 'localaws stop', or pass a different --state-dir.",
            ) from error
        self._lock_handle = handle

    def write_pid_file(self, record: dict[str, Any]) -> None:
        tmp = self.layout.pid_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, self.layout.pid_file)

    def release(self) -> None:
        if self._lock_handle is None:
            return
        self.layout.pid_file.unlink(missing_ok=True)
        self._lock_handle.close()
        self._lock_handle = None
