"""Durable file writes: temp file, fsync, rename, fsync of the directory."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(
    path: Path, data: bytes, sync_directory: bool = True, sync_file: bool = True
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file
    (a crash of the process; of the machine too unless ``sync_file`` is False)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        if sync_file:
            os.fsync(handle.fileno())
    os.replace(tmp, path)
    if sync_directory:
        fsync_directory(path.parent)
