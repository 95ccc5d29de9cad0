"""Durable file writes: temp file, fsync, rename, fsync of the directory."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(
    path: Path, data: bytes, sync_directory: bool = True, sync_file: bool = True, mode: int = 0o666
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file
    (a crash of the process; of the machine too unless ``sync_file`` is False). The temporary
    file is named for this process and thread: two threads may write the same path at once.
    ``mode``: the new file's permissions, less the umask's."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync_file:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_directory:
        fsync_directory(path.parent)
